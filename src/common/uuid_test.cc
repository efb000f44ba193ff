#include "common/uuid.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "common/types.h"
#include "common/values.h"

namespace krill::common {
namespace {

TEST(UuidTest, ParseAndFormatRoundTrip) {
  auto u = Uuid::parse("01234567-89AB-cdef-0123-456789abcdef");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->to_string(), "01234567-89ab-cdef-0123-456789abcdef");
  EXPECT_EQ(to_hex(u->to_bytes()), "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(Uuid::from_bytes(u->to_bytes()), *u);
  EXPECT_EQ(u->version(), 0xc);
}

TEST(UuidTest, ParseRejectsMalformedText) {
  EXPECT_FALSE(Uuid::parse(""));
  EXPECT_FALSE(Uuid::parse("0123456789abcdef0123456789abcdef"));       // no dashes
  EXPECT_FALSE(Uuid::parse("01234567-89ab-cdef-0123-456789abcde"));    // short
  EXPECT_FALSE(Uuid::parse("01234567-89ab-cdef-0123-456789abcdef0"));  // long
  EXPECT_FALSE(Uuid::parse("01234567-89ab-cdef-0123-456789abcdeg"));   // bad digit
  EXPECT_FALSE(Uuid::parse("0123456-789ab-cdef-0123-456789abcdef"));   // misplaced dash
  EXPECT_FALSE(Uuid::parse(" 1234567-89ab-cdef-0123-456789abcdef"));
}

// A well-known v1 UUID: 2009-02-13 23:31:30 UTC (1234567890000 ms).
TEST(UuidTest, TimestampOfVersion1) {
  Uuid u = UuidGenerator::time_based_at(1234567890000, 0x8000000000000000ULL);
  EXPECT_EQ(u.version(), 1);
  EXPECT_EQ(u.unix_millis(), 1234567890000);
  EXPECT_EQ(u.timestamp(), 1234567890000ULL * 10000 + 0x01b21dd213814000ULL);
  // time_low, time_mid and time_hi are laid out as RFC 4122 says.
  const uint64_t ts = u.timestamp();
  EXPECT_EQ(u.bytes[0], static_cast<uint8_t>(ts >> 24));
  EXPECT_EQ(u.bytes[4], static_cast<uint8_t>(ts >> 40));
  EXPECT_EQ(u.bytes[6], static_cast<uint8_t>(0x10 | ((ts >> 56) & 0x0f)));
  EXPECT_EQ(u.bytes[7], static_cast<uint8_t>(ts >> 48));
}

TEST(UuidTest, KnownTimeUuidDecodes) {
  // Fields: time_low 50554d6e, time_mid 29bb, time_hi 1e5 -> 2015-07-14 00:00:18.805 UTC.
  auto u = Uuid::parse("50554d6e-29bb-11e5-b345-feff819cdc9f");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->version(), 1);
  EXPECT_EQ(u->timestamp(), 0x1e529bb50554d6eULL);
  EXPECT_EQ(u->unix_millis(), 1436832018805);
}

TEST(UuidTest, MinAndMaxTimeUuid) {
  const int64_t ms = 1700000000000;
  Uuid lo = UuidGenerator::min_time_uuid(ms);
  Uuid hi = UuidGenerator::max_time_uuid(ms);
  EXPECT_EQ(lo.version(), 1);
  EXPECT_EQ(hi.version(), 1);
  EXPECT_EQ(lo.unix_millis(), ms);
  EXPECT_EQ(hi.unix_millis(), ms);
  EXPECT_EQ(hi.timestamp() - lo.timestamp(), 9999u);
  EXPECT_EQ(to_hex(lo.to_bytes()).substr(16), "8080808080808080");
  EXPECT_EQ(to_hex(hi.to_bytes()).substr(16), "7f7f7f7f7f7f7f7f");

  // Every timeuuid generated within that millisecond sorts between them.
  const DataType timeuuid = DataType::native(TypeKind::kTimeuuid);
  for (uint64_t lsb : {0x0ULL, 0x8000000000000000ULL, 0xffffffffffffffffULL, 0x7f7f7f7f7f7f7f80ULL}) {
    Uuid mid = UuidGenerator::time_based_at(ms, lsb);
    EXPECT_LT(compare_values(timeuuid, lo.to_bytes(), mid.to_bytes()), 0) << lsb;
    EXPECT_GT(compare_values(timeuuid, hi.to_bytes(), mid.to_bytes()), 0) << lsb;
  }
  // ...and timeuuids of the neighbouring milliseconds do not.
  EXPECT_LT(compare_values(timeuuid, UuidGenerator::max_time_uuid(ms - 1).to_bytes(), lo.to_bytes()), 0);
  EXPECT_GT(compare_values(timeuuid, UuidGenerator::min_time_uuid(ms + 1).to_bytes(), hi.to_bytes()), 0);
}

TEST(UuidTest, RandomIsVersion4WithVariant) {
  UuidGenerator gen;
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    Uuid u = gen.random();
    EXPECT_EQ(u.version(), 4);
    EXPECT_EQ(u.bytes[8] & 0xc0, 0x80);
    seen.insert(u.to_string());
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(UuidTest, TimeBasedIsVersion1NearNowWithStableNode) {
  UuidGenerator gen;
  const int64_t before = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  Uuid a = gen.time_based();
  Uuid b = gen.time_based();
  const int64_t after = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  EXPECT_EQ(a.version(), 1);
  EXPECT_EQ(a.bytes[8] & 0xc0, 0x80);   // RFC 4122 variant
  EXPECT_EQ(a.bytes[10] & 0x01, 0x01);  // multicast bit of a random node id
  EXPECT_GE(a.unix_millis(), before);
  EXPECT_LE(b.unix_millis(), after + 1);
  // Clock sequence and node are chosen once per generator.
  EXPECT_TRUE(std::equal(a.bytes.begin() + 8, a.bytes.end(), b.bytes.begin() + 8));
  EXPECT_EQ(compare_values(DataType::native(TypeKind::kTimeuuid), a.to_bytes(), a.to_bytes()), 0);
  EXPECT_NO_THROW(validate_value(DataType::native(TypeKind::kTimeuuid), a.to_bytes()));
}

TEST(UuidTest, TimeBasedIsStrictlyIncreasingAcrossThreads) {
  UuidGenerator gen;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 5000;
  std::vector<std::vector<uint64_t>> stamps(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&gen, &stamps, t] {
      for (int i = 0; i < kPerThread; ++i) stamps[t].push_back(gen.time_based().timestamp());
    });
  }
  for (auto& th : threads) th.join();
  std::set<uint64_t> all;
  for (const auto& s : stamps) {
    for (size_t i = 1; i < s.size(); ++i) EXPECT_LT(s[i - 1], s[i]);
    all.insert(s.begin(), s.end());
  }
  EXPECT_EQ(all.size(), size_t{kThreads * kPerThread});  // no timestamp handed out twice
}

TEST(UuidTest, GeneratorsHaveIndependentNodes) {
  UuidGenerator a;
  UuidGenerator b;
  Uuid x = a.time_based();
  Uuid y = b.time_based();
  // 62 random bits: a collision here means the generators share state.
  EXPECT_FALSE(std::equal(x.bytes.begin() + 8, x.bytes.end(), y.bytes.begin() + 8));
}

}  // namespace
}  // namespace krill::common
