#include "storage/keys.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "common/error.h"
#include "common/uuid.h"
#include "common/values.h"
#include "storage/partition_prefix.h"

namespace krill::storage {
namespace {

using common::Bytes;
using common::DataType;
using common::TypeKind;

Bytes key_of(const DataType& t, const Bytes& v, bool desc) {
  Bytes out;
  append_clustering_component(out, t, v, desc);
  return out;
}

// Encoded keys must sort exactly as the type's comparator orders the values, and decode back.
void check_order(const DataType& t, std::vector<Bytes> values) {
  for (bool desc : {false, true}) {
    ClusteringLayout layout{{t}, {desc}};
    std::vector<std::pair<Bytes, Bytes>> keyed;
    for (const auto& v : values) keyed.emplace_back(key_of(t, v, desc), v);
    for (const auto& [ka, va] : keyed) {
      auto decoded = decode_clustering(ka.substr(0), layout);
      ASSERT_TRUE(decoded.has_value()) << t.cql_name();
      EXPECT_EQ(common::compare_values(t, (*decoded)[0], va), 0) << t.cql_name();
      for (const auto& [kb, vb] : keyed) {
        int cmp = common::compare_values(t, va, vb);
        int kc = common::compare_bytes(ka, kb);
        if (desc) kc = -kc;
        EXPECT_EQ(cmp < 0, kc < 0) << t.cql_name() << " " << common::to_cql_literal(t, va) << " vs "
                                   << common::to_cql_literal(t, vb);
        EXPECT_EQ(cmp == 0, kc == 0) << t.cql_name();
      }
    }
  }
}

TEST(KeysTest, IntegersOrder) {
  DataType t = DataType::native(TypeKind::kInt);
  check_order(t, {common::encode_int(INT32_MIN), common::encode_int(-1), common::encode_int(0),
                  common::encode_int(1), common::encode_int(INT32_MAX), Bytes()});
  DataType b = DataType::native(TypeKind::kBigint);
  check_order(b, {common::encode_bigint(INT64_MIN), common::encode_bigint(-5), common::encode_bigint(7),
                  common::encode_bigint(INT64_MAX)});
}

TEST(KeysTest, TextOrderWithEmbeddedZeros) {
  DataType t = DataType::native(TypeKind::kBlob);
  check_order(t, {Bytes(), Bytes("\0", 1), Bytes("\0\0", 2), Bytes("\0\x01", 2), Bytes("a"), Bytes("a\0", 2),
                  Bytes("ab"), Bytes("\xff\xff")});
}

TEST(KeysTest, FloatingPointOrder) {
  DataType d = DataType::native(TypeKind::kDouble);
  check_order(d, {common::encode_double(-1e300), common::encode_double(-1.5), common::encode_double(-0.0),
                  common::encode_double(0.5), common::encode_double(1e300),
                  common::encode_double(std::numeric_limits<double>::infinity())});
}

TEST(KeysTest, VarintAndDecimalOrder) {
  DataType v = DataType::native(TypeKind::kVarint);
  std::vector<Bytes> vals;
  for (const char* s :
       {"-100000000000000000000", "-129", "-128", "-1", "0", "1", "127", "128", "99999999999999999999"}) {
    vals.push_back(common::from_number_literal(v, s));
  }
  check_order(v, vals);
  DataType d = DataType::native(TypeKind::kDecimal);
  std::vector<Bytes> decs;
  for (const char* s : {"-12.5", "-1", "-0.001", "0", "0.001", "0.5", "1", "1.5", "10", "123.456"}) {
    decs.push_back(common::from_number_literal(d, s));
  }
  check_order(d, decs);
}

TEST(KeysTest, TimeuuidOrdersByTime) {
  DataType t = DataType::native(TypeKind::kTimeuuid);
  common::UuidGenerator gen;
  std::vector<Bytes> vals;
  for (int i = 0; i < 20; ++i) vals.push_back(gen.time_based().to_bytes());
  check_order(t, vals);
}

TEST(KeysTest, CompositeKeysAndPrefixBounds) {
  ClusteringLayout layout{{DataType::native(TypeKind::kInt), DataType::native(TypeKind::kText)},
                          {false, true}};
  Bytes k1, k2, prefix;
  append_clustering(k1, layout, {common::encode_int(1), "b"});
  append_clustering(k2, layout, {common::encode_int(1), "a"});
  append_clustering(prefix, layout, {common::encode_int(1)});
  // Descending text: "b" sorts before "a".
  EXPECT_LT(common::compare_bytes(k1, k2), 0);
  // Every key with the prefix sorts after the prefix and before prefix + after-marker.
  Bytes after = prefix;
  append_after_prefix(after);
  for (const auto& k : {k1, k2}) {
    EXPECT_LT(common::compare_bytes(prefix, k), 0);
    EXPECT_LT(common::compare_bytes(k, after), 0);
  }
  auto d = decode_clustering(k1, layout);
  ASSERT_TRUE(d);
  EXPECT_EQ((*d)[1], "b");
  EXPECT_FALSE(decode_clustering(Bytes("\x07garbage"), layout).has_value());
}

TEST(KeysTest, PartitionPrefixOrdersByTokenAndDecodes) {
  Bytes a = encode_partition_prefix(-5, Bytes("k\0ey", 4));
  Bytes b = encode_partition_prefix(3, "a");
  EXPECT_LT(common::compare_bytes(a, b), 0);
  auto d = decode_partition_prefix(a + "\x03");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->token, -5);
  EXPECT_EQ(d->partition_key, Bytes("k\0ey", 4));
  EXPECT_EQ(d->size, a.size());
  EXPECT_FALSE(decode_partition_prefix("short").has_value());
}

TEST(KeysTest, DurationIsNotAClusteringType) {
  Bytes out;
  EXPECT_THROW(append_clustering_component(out, DataType::native(TypeKind::kDuration), "\x02\x04\x06", false),
               common::CqlError);
}

}  // namespace
}  // namespace krill::storage

namespace krill::storage {
namespace {

TEST(PartitionPrefixTest, LengthCoversTokenEscapedKeyAndTerminator) {
  Bytes p = encode_partition_prefix(42, Bytes("a\0b", 3));
  EXPECT_EQ(partition_prefix_length(p), p.size());
  Bytes row = p + "\x03" + "clustering";
  EXPECT_EQ(partition_prefix_length(row), p.size());
  // Not a whole prefix: too short, or the terminator is missing.
  EXPECT_EQ(partition_prefix_length(Bytes("short")), 0u);
  EXPECT_EQ(partition_prefix_length(p.substr(0, p.size() - 1)), 0u);
  // Two partitions whose keys share a beginning have different prefixes.
  Bytes q = encode_partition_prefix(42, Bytes("a\0bc", 4));
  EXPECT_NE(Bytes(q.substr(0, partition_prefix_length(q))), Bytes(p.substr(0, partition_prefix_length(p))));
}

}  // namespace
}  // namespace krill::storage
