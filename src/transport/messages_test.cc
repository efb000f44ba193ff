#include "transport/messages.h"

#include <gtest/gtest.h>

#include <functional>

namespace krill::transport {
namespace {

using common::Bytes;
using common::BytesView;
using common::CqlError;
using common::DataType;
using common::ErrorCode;
using common::ErrorDetail;
using common::TypeKind;

Bytes unhex(std::string_view h) {
  Bytes out;
  int nibbles = 0;
  int acc = 0;
  for (char c : h) {
    if (c == ' ') continue;
    int v = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : c - 'A' + 10;
    acc = acc * 16 + v;
    if (++nibbles == 2) {
      out.push_back(static_cast<char>(acc));
      nibbles = acc = 0;
    }
  }
  return out;
}

std::string hex(BytesView b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (char c : b) {
    s.push_back(kDigits[static_cast<uint8_t>(c) >> 4]);
    s.push_back(kDigits[static_cast<uint8_t>(c) & 0xF]);
  }
  return s;
}

// Hex of the arguments concatenated, ignoring spaces: H("0001 02") == "000102".
std::string H(std::string_view spaced) { return hex(unhex(spaced)); }

ErrorCode code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const CqlError& e) {
    return e.code();
  }
  return static_cast<ErrorCode>(-1);
}

// Every strict prefix of a valid body, and the body plus one trailing byte, must be rejected.
void expect_malformed_variants_throw(const Bytes& full, const std::function<void(BytesView)>& decode) {
  for (size_t n = 0; n < full.size(); ++n) {
    const Bytes prefix = full.substr(0, n);
    EXPECT_EQ(code_of([&] { decode(prefix); }), ErrorCode::kProtocolError) << "prefix of " << n << " bytes";
  }
  const Bytes longer = full + '\0';
  EXPECT_EQ(code_of([&] { decode(longer); }), ErrorCode::kProtocolError) << "trailing byte";
}

Value set(std::string_view b) { return Value{Value::Kind::kSet, Bytes(b)}; }
Value null_value() { return Value{Value::Kind::kNull, {}}; }
Value unset_value() { return Value{Value::Kind::kUnset, {}}; }

// --- QUERY / EXECUTE / PREPARE -----------------------------------------------------------------

Bytes query_all_flags_v4() {
  BodyWriter w;
  w.write_long_string("SELECT * FROM t WHERE a = :a");
  w.write_short(0x0006);  // LOCAL_QUORUM
  w.write_byte(0x7f);     // every v4 flag, named values
  w.write_short(3);
  w.write_string("a");
  w.write_value(set(BytesView("\x00\x00\x00\x07", 4)));
  w.write_string("b");
  w.write_value(null_value());
  w.write_string("c");
  w.write_value(unset_value());
  w.write_int(100);                  // page size
  w.write_bytes(BytesView("page"));  // paging state
  w.write_short(0x0009);             // LOCAL_SERIAL
  w.write_long(1234567890123);       // timestamp
  return w.take();
}

TEST(DecodeQuery, AllFlagsNamedNullUnset) {
  const QueryRequest q = decode_query(query_all_flags_v4(), 4);
  EXPECT_EQ(q.query, "SELECT * FROM t WHERE a = :a");
  const QueryParameters& p = q.params;
  EXPECT_EQ(p.consistency, 0x0006);
  ASSERT_EQ(p.values.size(), 3u);
  EXPECT_EQ(p.value_names, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(p.values[0].kind, Value::Kind::kSet);
  EXPECT_EQ(p.values[0].bytes, Bytes("\x00\x00\x00\x07", 4));
  EXPECT_EQ(p.values[1].kind, Value::Kind::kNull);
  EXPECT_EQ(p.values[2].kind, Value::Kind::kUnset);
  EXPECT_TRUE(p.skip_metadata);
  EXPECT_EQ(p.page_size, 100);
  EXPECT_EQ(p.paging_state, Bytes("page"));
  EXPECT_EQ(p.serial_consistency, 0x0009);
  EXPECT_EQ(p.default_timestamp, 1234567890123);
  EXPECT_FALSE(p.keyspace);
  EXPECT_FALSE(p.now_in_seconds);
}

TEST(DecodeQuery, Minimal) {
  const Bytes body = unhex("00000008 53454c4543542031 0001 00");
  const QueryRequest q = decode_query(body, 4);
  EXPECT_EQ(q.query, "SELECT 1");
  EXPECT_EQ(q.params.consistency, 1);
  EXPECT_TRUE(q.params.values.empty());
  EXPECT_TRUE(q.params.value_names.empty());
  EXPECT_FALSE(q.params.skip_metadata);
  EXPECT_EQ(q.params.page_size, -1);
  EXPECT_FALSE(q.params.paging_state);
  EXPECT_FALSE(q.params.serial_consistency);
  EXPECT_FALSE(q.params.default_timestamp);
}

TEST(DecodeQuery, PositionalValues) {
  const Bytes body = unhex("00000001 78 0004 01 0002 00000001 61 ffffffff");
  const QueryRequest q = decode_query(body, 4);
  EXPECT_EQ(q.params.consistency, 4);
  ASSERT_EQ(q.params.values.size(), 2u);
  EXPECT_TRUE(q.params.value_names.empty());
  EXPECT_EQ(q.params.values[0].bytes, "a");
  EXPECT_EQ(q.params.values[1].kind, Value::Kind::kNull);
}

TEST(DecodeQuery, TruncatedAndTrailing) {
  expect_malformed_variants_throw(query_all_flags_v4(), [](BytesView b) { decode_query(b, 4); });
}

TEST(DecodeQuery, RejectsBadFieldsAndFlags) {
  // Unknown v4 flag 0x80.
  EXPECT_EQ(code_of([] { decode_query(unhex("00000000 0001 80"), 4); }), ErrorCode::kProtocolError);
  // Unknown consistency code.
  EXPECT_EQ(code_of([] { decode_query(unhex("00000000 00ff 00"), 4); }), ErrorCode::kProtocolError);
  // Value length -3.
  EXPECT_EQ(code_of([] { decode_query(unhex("00000000 0001 01 0001 fffffffd"), 4); }),
            ErrorCode::kProtocolError);
  // Timestamp Long.MIN_VALUE.
  EXPECT_EQ(code_of([] { decode_query(unhex("00000000 0001 20 8000000000000000"), 4); }),
            ErrorCode::kProtocolError);
  // Negative query length.
  EXPECT_EQ(code_of([] { decode_query(unhex("ffffffff 0001 00"), 4); }), ErrorCode::kProtocolError);
}

TEST(DecodeQuery, V5IntFlagsKeyspaceAndNow) {
  BodyWriter w;
  w.write_long_string("SELECT 1");
  w.write_short(0x0001);
  w.write_int(0x01 | 0x20 | 0x80 | 0x100);
  w.write_short(1);
  w.write_value(set("x"));
  w.write_long(42);
  w.write_string("ks1");
  w.write_int(1700000000);
  const Bytes body = w.take();
  const QueryRequest q = decode_query(body, 5);
  ASSERT_EQ(q.params.values.size(), 1u);
  EXPECT_EQ(q.params.default_timestamp, 42);
  EXPECT_EQ(q.params.keyspace, "ks1");
  EXPECT_EQ(q.params.now_in_seconds, 1700000000);
  // The same body is malformed in v4 (a flags byte of 0x00 followed by garbage).
  EXPECT_EQ(code_of([&] { decode_query(body, 4); }), ErrorCode::kProtocolError);
  expect_malformed_variants_throw(body, [](BytesView b) { decode_query(b, 5); });
}

Bytes execute_v4() {
  BodyWriter w;
  w.write_short_bytes(BytesView("\x01\x02\x03", 3));
  w.write_short(0x000a);  // LOCAL_ONE
  w.write_byte(0x01 | 0x02 | 0x04);
  w.write_short(2);
  w.write_value(set(BytesView("\x00\x00\x00\x01", 4)));
  w.write_value(unset_value());
  w.write_int(5000);
  return w.take();
}

TEST(DecodeExecute, V4AndV5) {
  const Bytes v4 = execute_v4();
  const ExecuteRequest e = decode_execute(v4, 4);
  EXPECT_EQ(e.id, Bytes("\x01\x02\x03", 3));
  EXPECT_TRUE(e.result_metadata_id.empty());
  EXPECT_EQ(e.params.consistency, 0x000a);
  ASSERT_EQ(e.params.values.size(), 2u);
  EXPECT_EQ(e.params.values[1].kind, Value::Kind::kUnset);
  EXPECT_TRUE(e.params.skip_metadata);
  EXPECT_EQ(e.params.page_size, 5000);
  expect_malformed_variants_throw(v4, [](BytesView b) { decode_execute(b, 4); });

  BodyWriter w5;
  w5.write_short_bytes(BytesView("\x01", 1));
  w5.write_short_bytes(BytesView("\xaa\xbb", 2));
  w5.write_short(0x0001);
  w5.write_int(0);
  const ExecuteRequest e5 = decode_execute(w5.data(), 5);
  EXPECT_EQ(e5.id, "\x01");
  EXPECT_EQ(e5.result_metadata_id, Bytes("\xaa\xbb", 2));
}

TEST(DecodePrepare, V4AndV5) {
  const Bytes v4 = unhex("00000008 53454c4543542031");
  EXPECT_EQ(decode_prepare(v4, 4), "SELECT 1");
  expect_malformed_variants_throw(v4, [](BytesView b) { decode_prepare(b, 4); });
  const Bytes v5 = unhex("00000008 53454c4543542031 00000001 00026b73");
  const PrepareRequest p = decode_prepare_request(v5, 5);
  EXPECT_EQ(p.query, "SELECT 1");
  EXPECT_EQ(p.keyspace, "ks");
  EXPECT_EQ(decode_prepare(unhex("00000008 53454c4543542031 00000000"), 5), "SELECT 1");
  expect_malformed_variants_throw(v5, [](BytesView b) { decode_prepare_request(b, 5); });
  EXPECT_EQ(code_of([] { decode_prepare(unhex("00000000 00000002"), 5); }), ErrorCode::kProtocolError);
}

// --- BATCH -------------------------------------------------------------------------------------

Bytes mixed_batch(bool named, uint8_t flags) {
  BodyWriter w;
  w.write_byte(1);  // unlogged
  w.write_short(2);
  w.write_byte(0);
  w.write_long_string("INSERT INTO t (k) VALUES (?)");
  w.write_short(1);
  if (named) w.write_string("k");
  w.write_value(set(BytesView("\x00\x00\x00\x01", 4)));
  w.write_byte(1);
  w.write_short_bytes(BytesView("\xde\xad", 2));
  w.write_short(2);
  if (named) w.write_string("k");
  w.write_value(null_value());
  if (named) w.write_string("v");
  w.write_value(unset_value());
  w.write_short(0x0004);  // QUORUM
  w.write_byte(flags);
  if (flags & 0x10) w.write_short(0x0008);
  if (flags & 0x20) w.write_long(-5);
  return w.take();
}

TEST(DecodeBatch, MixedQueryAndPreparedChildren) {
  const BatchRequest b = decode_batch(mixed_batch(false, 0x30), 4);
  EXPECT_EQ(b.type, 1);
  ASSERT_EQ(b.children.size(), 2u);
  EXPECT_FALSE(b.children[0].is_prepared);
  EXPECT_EQ(b.children[0].query, "INSERT INTO t (k) VALUES (?)");
  ASSERT_EQ(b.children[0].values.size(), 1u);
  EXPECT_EQ(b.children[0].values[0].bytes, Bytes("\x00\x00\x00\x01", 4));
  EXPECT_TRUE(b.children[0].value_names.empty());
  EXPECT_TRUE(b.children[1].is_prepared);
  EXPECT_EQ(b.children[1].id, Bytes("\xde\xad", 2));
  ASSERT_EQ(b.children[1].values.size(), 2u);
  EXPECT_EQ(b.children[1].values[0].kind, Value::Kind::kNull);
  EXPECT_EQ(b.children[1].values[1].kind, Value::Kind::kUnset);
  EXPECT_EQ(b.consistency, 0x0004);
  EXPECT_EQ(b.serial_consistency, 0x0008);
  EXPECT_EQ(b.default_timestamp, -5);
}

TEST(DecodeBatch, NamedValues) {
  const BatchRequest b = decode_batch(mixed_batch(true, 0x40 | 0x20), 4);
  ASSERT_EQ(b.children.size(), 2u);
  EXPECT_EQ(b.children[0].value_names, std::vector<std::string>{"k"});
  EXPECT_EQ(b.children[1].value_names, (std::vector<std::string>{"k", "v"}));
  EXPECT_EQ(b.children[1].values[1].kind, Value::Kind::kUnset);
  EXPECT_FALSE(b.serial_consistency);
  EXPECT_EQ(b.default_timestamp, -5);
}

TEST(DecodeBatch, NamesWithoutFlagOrFlagWithoutNamesThrow) {
  EXPECT_EQ(code_of([] { decode_batch(mixed_batch(true, 0x00), 4); }), ErrorCode::kProtocolError);
  EXPECT_EQ(code_of([] { decode_batch(mixed_batch(false, 0x40), 4); }), ErrorCode::kProtocolError);
}

TEST(DecodeBatch, TruncatedTrailingAndInvalid) {
  expect_malformed_variants_throw(mixed_batch(false, 0x30), [](BytesView b) { decode_batch(b, 4); });
  expect_malformed_variants_throw(mixed_batch(true, 0x60), [](BytesView b) { decode_batch(b, 4); });
  // Batch type 3, child kind 2.
  EXPECT_EQ(code_of([] { decode_batch(unhex("03 0000 0001 00"), 4); }), ErrorCode::kProtocolError);
  EXPECT_EQ(code_of([] { decode_batch(unhex("00 0001 02 0000 0001 00"), 4); }), ErrorCode::kProtocolError);
  // Empty batch is well-formed here; the executor decides whether it is valid.
  EXPECT_TRUE(decode_batch(unhex("02 0000 0001 00"), 4).children.empty());
}

TEST(DecodeBatch, V5KeyspaceAndNow) {
  BodyWriter w;
  w.write_byte(0);
  w.write_short(1);
  w.write_byte(0);
  w.write_long_string("UPDATE c SET n = n + 1");
  w.write_short(0);
  w.write_short(0x0001);
  w.write_int(0x80 | 0x100);
  w.write_string("ks");
  w.write_int(7);
  const Bytes body = w.take();
  const BatchRequest b = decode_batch(body, 5);
  EXPECT_EQ(b.keyspace, "ks");
  EXPECT_EQ(b.now_in_seconds, 7);
  expect_malformed_variants_throw(body, [](BytesView x) { decode_batch(x, 5); });
}

// --- Robustness -------------------------------------------------------------------------------

// Each byte of each valid body replaced by several values: a decoder either succeeds or throws
// CqlError(kProtocolError); any other exception fails the test, and ASan/UBSan builds catch UB.
TEST(DecodeRobustness, MutatedBodiesOnlyThrowProtocolErrors) {
  struct Case {
    Bytes body;
    std::function<void(BytesView)> decode;
  };
  const std::vector<Case> cases = {
      {query_all_flags_v4(), [](BytesView b) { decode_query(b, 4); }},
      {query_all_flags_v4(), [](BytesView b) { decode_query(b, 5); }},
      {execute_v4(), [](BytesView b) { decode_execute(b, 4); }},
      {mixed_batch(false, 0x30), [](BytesView b) { decode_batch(b, 4); }},
      {mixed_batch(true, 0x60), [](BytesView b) { decode_batch(b, 4); }},
      {mixed_batch(true, 0x60), [](BytesView b) { decode_batch(b, 5); }},
      {unhex("00000008 53454c4543542031 00000001 00026b73"),
       [](BytesView b) { decode_prepare_request(b, 5); }},
      {unhex("0001 000b 43514c5f56455253494f4e 0005 332e302e30"), [](BytesView b) { decode_startup(b); }},
      {unhex("0001 000d 534348454d415f4348414e4745"), [](BytesView b) { decode_register(b); }},
  };
  for (const Case& c : cases) {
    for (size_t i = 0; i < c.body.size(); ++i) {
      for (uint8_t v : {0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff}) {
        Bytes mutated = c.body;
        mutated[i] = static_cast<char>(v);
        try {
          c.decode(mutated);
        } catch (const CqlError& e) {
          EXPECT_EQ(e.code(), ErrorCode::kProtocolError) << e.what();
        }
      }
    }
  }
}

// --- STARTUP / REGISTER ------------------------------------------------------------------------

TEST(DecodeStartupRegister, RoundTripAndMalformed) {
  BodyWriter w;
  w.write_string_map({{"CQL_VERSION", "3.0.0"}, {"COMPRESSION", "lz4"}});
  const Bytes startup = w.take();
  EXPECT_EQ(decode_startup(startup),
            (std::map<std::string, std::string>{{"CQL_VERSION", "3.0.0"}, {"COMPRESSION", "lz4"}}));
  expect_malformed_variants_throw(startup, [](BytesView b) { decode_startup(b); });

  BodyWriter r;
  r.write_string_list({"SCHEMA_CHANGE", "STATUS_CHANGE"});
  const Bytes reg = r.take();
  EXPECT_EQ(decode_register(reg), (std::vector<std::string>{"SCHEMA_CHANGE", "STATUS_CHANGE"}));
  expect_malformed_variants_throw(reg, [](BytesView b) { decode_register(b); });
}

// --- RESULT ------------------------------------------------------------------------------------

cql::ColumnSpec col(std::string ks, std::string table, std::string name, DataType t) {
  return cql::ColumnSpec{std::move(ks), std::move(table), std::move(name), std::move(t)};
}

DataType int_type() { return DataType::native(TypeKind::kInt); }
DataType text_type() { return DataType::native(TypeKind::kText); }

TEST(EncodeResult, Void) { EXPECT_EQ(hex(encode_result(cql::VoidResult{}, 4)), "00000001"); }

TEST(EncodeResult, SetKeyspace) {
  EXPECT_EQ(hex(encode_result(cql::SetKeyspaceResult{"ks"}, 4)), H("00000003 0002 6b73"));
}

TEST(EncodeResult, RowsOneIntColumnOneRow) {
  cql::RowsResult rows;
  rows.columns = {col("ks", "t", "c", int_type())};
  rows.rows = {{Bytes("\x00\x00\x00\x01", 4)}};
  EXPECT_EQ(hex(encode_result(rows, 4)), H("00000002"      // Rows
                                           "00000001"      // flags: global tables spec
                                           "00000001"      // columns_count
                                           "0002 6b73"     // keyspace "ks"
                                           "0001 74"       // table "t"
                                           "0001 63 0009"  // column "c" int
                                           "00000001"      // rows_count
                                           "00000004 00000001"));
}

TEST(EncodeResult, RowsPerColumnSpecsPagingAndNulls) {
  cql::RowsResult rows;
  rows.columns = {col("a", "t", "x", int_type()), col("b", "t", "y", text_type())};
  rows.rows = {{std::nullopt, Bytes("hi")}, {Bytes(), std::nullopt}};
  rows.paging_state = Bytes("\xab\xcd", 2);
  EXPECT_EQ(hex(encode_result(rows, 4)), H("00000002"
                                           "00000002"  // has more pages, no global spec
                                           "00000002"  // columns_count
                                           "00000002 abcd"
                                           "0001 61 0001 74 0001 78 0009"
                                           "0001 62 0001 74 0001 79 000d"
                                           "00000002"
                                           "ffffffff 00000002 6869"
                                           "00000000 ffffffff"));
}

TEST(EncodeResult, RowsSkipMetadata) {
  cql::RowsResult rows;
  rows.columns = {col("ks", "t", "c", int_type())};
  rows.rows = {{Bytes("\x00\x00\x00\x02", 4)}};
  rows.skip_metadata = true;
  rows.paging_state = Bytes("p");
  EXPECT_EQ(hex(encode_result(rows, 4)),
            H("00000002 00000006 00000001 00000001 70 00000001 00000004 00000002"));
  rows.paging_state.reset();
  EXPECT_EQ(hex(encode_result(rows, 4)), H("00000002 00000004 00000001 00000001 00000004 00000002"));
}

TEST(EncodeResult, RowsDurationColumnV4VsV5) {
  cql::RowsResult rows;
  rows.columns = {col("k", "t", "d", DataType::native(TypeKind::kDuration))};
  const std::string v4 = hex(encode_result(rows, 4));
  EXPECT_NE(v4.find(hex("org.apache.cassandra.db.marshal.DurationType")), std::string::npos);
  EXPECT_EQ(hex(encode_result(rows, 5)),
            H("00000002 00000001 00000001 0001 6b 0001 74 0001 64 0015 00000000"));
}

TEST(EncodeResult, RowWidthMismatchThrows) {
  cql::RowsResult rows;
  rows.columns = {col("ks", "t", "c", int_type())};
  rows.rows = {{std::nullopt, std::nullopt}};
  EXPECT_EQ(code_of([&] { encode_result(rows, 4); }), ErrorCode::kServerError);
}

cql::PreparedResult sample_prepared() {
  cql::PreparedResult p;
  p.id = Bytes("\x01\x02", 2);
  p.bind_columns = {col("ks", "t", "k", int_type()), col("ks", "t", "v", text_type())};
  p.pk_indexes = {0};
  return p;
}

TEST(EncodeResult, PreparedWithPkIndexesNoResultColumns) {
  EXPECT_EQ(hex(encode_result(sample_prepared(), 4)), H("00000004"
                                                        "0002 0102"      // id
                                                        "00000001"       // flags: global
                                                        "00000002"       // columns_count
                                                        "00000001 0000"  // pk_count, pk_index 0
                                                        "0002 6b73 0001 74"
                                                        "0001 6b 0009"
                                                        "0001 76 000d"
                                                        "00000004 00000000"));  // no result metadata
}

TEST(EncodeResult, PreparedSelectWithCompositeKey) {
  cql::PreparedResult p;
  p.id = Bytes("\xff", 1);
  p.bind_columns = {col("ks", "t", "b", int_type()), col("ks", "u", "a", int_type())};
  p.pk_indexes = {1, 0};
  p.result_columns = {col("ks", "t", "v", text_type())};
  EXPECT_EQ(hex(encode_result(p, 4)), H("00000004 0001 ff"
                                        "00000000 00000002 00000002 0001 0000"
                                        "0002 6b73 0001 74 0001 62 0009"
                                        "0002 6b73 0001 75 0001 61 0009"
                                        "00000001 00000001 0002 6b73 0001 74 0001 76 000d"));
}

TEST(EncodeResult, PreparedEmptyBindColumns) {
  cql::PreparedResult p;
  p.id = Bytes("\x07", 1);
  EXPECT_EQ(hex(encode_result(p, 4)), H("00000004 0001 07 00000000 00000000 00000000 00000004 00000000"));
}

TEST(EncodeResult, PreparedV5HasResultMetadataId) {
  cql::PreparedResult p = sample_prepared();
  const std::string v4 = hex(encode_result(p, 4));
  const std::string v5 = hex(encode_result(p, 5));
  const std::string id = hex(result_metadata_id(p.result_columns));
  ASSERT_EQ(id.size(), 32u);
  // v5 = kind, id, then [short bytes] result_metadata_id, then the v4 remainder.
  EXPECT_EQ(v5, v4.substr(0, 16) + "0010" + id + v4.substr(16));
}

TEST(ResultMetadataId, ChangesWithColumns) {
  const std::vector<cql::ColumnSpec> a = {col("ks", "t", "v", text_type())};
  const std::vector<cql::ColumnSpec> b = {col("ks", "t", "v", int_type())};
  const std::vector<cql::ColumnSpec> c = {col("ks", "t", "w", text_type())};
  EXPECT_EQ(result_metadata_id(a), result_metadata_id(a));
  EXPECT_NE(result_metadata_id(a), result_metadata_id(b));
  EXPECT_NE(result_metadata_id(a), result_metadata_id(c));
  EXPECT_NE(result_metadata_id(a), result_metadata_id({}));
}

TEST(EncodeResult, PkIndexOutOfRangeThrows) {
  cql::PreparedResult p = sample_prepared();
  p.pk_indexes = {2};
  EXPECT_EQ(code_of([&] { encode_result(p, 4); }), ErrorCode::kServerError);
}

cql::SchemaChange change(cql::SchemaChange::Change c, cql::SchemaChange::Target t, std::string ks,
                         std::string name = "", std::vector<std::string> args = {}) {
  return cql::SchemaChange{c, t, std::move(ks), std::move(name), std::move(args)};
}

TEST(EncodeResult, SchemaChange) {
  using C = cql::SchemaChange::Change;
  using T = cql::SchemaChange::Target;
  EXPECT_EQ(hex(encode_result(cql::SchemaChangeResult{change(C::kCreated, T::kKeyspace, "ks")}, 4)),
            H("00000005 0007") + hex("CREATED") + "0008" + hex("KEYSPACE") + H("0002 6b73"));
  EXPECT_EQ(hex(encode_result(cql::SchemaChangeResult{change(C::kUpdated, T::kTable, "ks", "t")}, 4)),
            H("00000005 0007") + hex("UPDATED") + "0005" + hex("TABLE") + H("0002 6b73 0001 74"));
  EXPECT_EQ(hex(encode_result(cql::SchemaChangeResult{change(C::kDropped, T::kType, "ks", "ty")}, 4)),
            H("00000005 0007") + hex("DROPPED") + "0004" + hex("TYPE") + H("0002 6b73 0002 7479"));
  EXPECT_EQ(
      hex(encode_result(cql::SchemaChangeResult{change(C::kCreated, T::kFunction, "ks", "f", {"int"})}, 4)),
      H("00000005 0007") + hex("CREATED") + "0008" + hex("FUNCTION") + H("0002 6b73 0001 66 0001 0003") +
          hex("int"));
  EXPECT_EQ(hex(encode_result(cql::SchemaChangeResult{change(C::kDropped, T::kAggregate, "ks", "g")}, 4)),
            H("00000005 0007") + hex("DROPPED") + "0009" + hex("AGGREGATE") + H("0002 6b73 0001 67 0000"));
}

// --- EVENT / SUPPORTED -------------------------------------------------------------------------

TEST(EncodeEvent, SchemaChangeEvent) {
  const auto c = change(cql::SchemaChange::Change::kCreated, cql::SchemaChange::Target::kTable, "ks", "t");
  const Bytes body = encode_schema_change_event(c);
  const Bytes result = encode_result(cql::SchemaChangeResult{c}, 4);
  EXPECT_EQ(hex(body), "000d" + hex("SCHEMA_CHANGE") + hex(result.substr(4)));
}

TEST(EncodeEvent, NodeEvent) {
  EXPECT_EQ(hex(encode_node_event("STATUS_CHANGE", "UP", BytesView("\x0a\x00\x00\x02", 4), 9042)),
            "000d" + hex("STATUS_CHANGE") + "0002" + hex("UP") + H("04 0a000002 00002352"));
}

TEST(EncodeSupported, Multimap) {
  const Bytes body = encode_supported({{"CQL_VERSION", {"3.4.5"}}, {"COMPRESSION", {"lz4", "snappy"}}});
  BodyReader r(body);
  const auto m = r.read_string_multimap();
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].first, "CQL_VERSION");
  EXPECT_EQ(m[1].second, (std::vector<std::string>{"lz4", "snappy"}));
  EXPECT_TRUE(r.at_end());
}

// --- ERROR -------------------------------------------------------------------------------------

std::string error_hex(ErrorCode code, const ErrorDetail& d = {}) {
  return hex(encode_error(CqlError(code, "m", d)));
}

ErrorDetail replica_detail() {
  ErrorDetail d;
  d.consistency = 0x0004;
  d.required = 3;
  d.received = 2;
  d.data_present = true;
  d.write_type = "BATCH";
  return d;
}

TEST(EncodeError, CodesWithoutExtras) {
  for (ErrorCode c : {ErrorCode::kServerError, ErrorCode::kProtocolError, ErrorCode::kBadCredentials,
                      ErrorCode::kOverloaded, ErrorCode::kIsBootstrapping, ErrorCode::kTruncateError,
                      ErrorCode::kCdcWriteFailure, ErrorCode::kSyntaxError, ErrorCode::kUnauthorized,
                      ErrorCode::kInvalid, ErrorCode::kConfigError}) {
    Bytes expected;
    common::put_be32(expected, static_cast<uint32_t>(c));
    EXPECT_EQ(error_hex(c, replica_detail()), hex(expected) + "00016d");
  }
  EXPECT_EQ(error_hex(ErrorCode::kInvalid), H("00002200 0001 6d"));
}

TEST(EncodeError, Unavailable) {
  EXPECT_EQ(error_hex(ErrorCode::kUnavailable, replica_detail()),
            H("00001000 00016d 0004 00000003 00000002"));
}

TEST(EncodeError, WriteTimeout) {
  EXPECT_EQ(error_hex(ErrorCode::kWriteTimeout, replica_detail()),
            H("00001100 00016d 0004 00000002 00000003 0005") + hex("BATCH"));
}

TEST(EncodeError, ReadTimeout) {
  EXPECT_EQ(error_hex(ErrorCode::kReadTimeout, replica_detail()),
            H("00001200 00016d 0004 00000002 00000003 01"));
  EXPECT_EQ(error_hex(ErrorCode::kReadTimeout), H("00001200 00016d 0000 00000000 00000000 00"));
}

TEST(EncodeError, ReadFailure) {
  EXPECT_EQ(error_hex(ErrorCode::kReadFailure, replica_detail()),
            H("00001300 00016d 0004 00000002 00000003 00000001 01"));
}

TEST(EncodeError, FunctionFailure) {
  ErrorDetail d;
  d.keyspace = "ks";
  d.table = "fn";
  EXPECT_EQ(error_hex(ErrorCode::kFunctionFailure, d), H("00001400 00016d 0002 6b73 0002 666e 0000"));
}

TEST(EncodeError, WriteFailure) {
  EXPECT_EQ(error_hex(ErrorCode::kWriteFailure, replica_detail()),
            H("00001500 00016d 0004 00000002 00000003 00000001 0005") + hex("BATCH"));
}

TEST(EncodeError, CasWriteUnknown) {
  EXPECT_EQ(error_hex(ErrorCode::kCasWriteUnknown, replica_detail()),
            H("00001700 00016d 0004 00000002 00000003"));
}

TEST(EncodeError, AlreadyExists) {
  ErrorDetail d;
  d.keyspace = "ks";
  EXPECT_EQ(error_hex(ErrorCode::kAlreadyExists, d), H("00002400 00016d 0002 6b73 0000"));
  d.table = "t";
  EXPECT_EQ(error_hex(ErrorCode::kAlreadyExists, d), H("00002400 00016d 0002 6b73 0001 74"));
}

TEST(EncodeError, Unprepared) {
  ErrorDetail d;
  d.prepared_id = Bytes("\x01\x02\x03", 3);
  EXPECT_EQ(error_hex(ErrorCode::kUnprepared, d), H("00002500 00016d 0003 010203"));
}

TEST(EncodeError, LongMessageIsTruncatedAtUtf8Boundary) {
  // 65534 ASCII bytes then a 3-byte character: only the ASCII part fits.
  const std::string msg = std::string(65534, 'a') + "\xe2\x98\x83";
  const Bytes body = encode_error(CqlError(ErrorCode::kInvalid, msg));
  BodyReader r(body);
  EXPECT_EQ(r.read_int(), 0x2200);
  EXPECT_EQ(r.read_string(), std::string(65534, 'a'));
  EXPECT_TRUE(r.at_end());
}

}  // namespace
}  // namespace krill::transport
