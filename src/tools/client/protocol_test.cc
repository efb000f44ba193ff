// The client codec against the server's codec: requests the client encodes must decode with
// transport/messages.h, and responses the server encodes must decode with the client.
#include "tools/client/protocol.h"

#include <gtest/gtest.h>

#include <array>

#include "common/error.h"
#include "transport/messages.h"

namespace krill::tools::client {
namespace {

using common::Bytes;
using common::DataType;
using common::TypeKind;

// Splits a frame built by begin_frame/end_frame into its header and body.
std::pair<FrameHeader, Bytes> split(const Bytes& frame) {
  EXPECT_GE(frame.size(), transport::kHeaderSize);
  FrameHeader h = transport::decode_header(reinterpret_cast<const uint8_t*>(frame.data()));
  EXPECT_EQ(h.length, frame.size() - transport::kHeaderSize);
  return {h, frame.substr(transport::kHeaderSize)};
}

cql::ColumnSpec col(const std::string& name, DataType type) {
  return cql::ColumnSpec{"ks", "tb", name, std::move(type)};
}

TEST(ClientCodec, FrameHeader) {
  Bytes out = "prefix";
  const size_t start = begin_frame(out, Opcode::kQuery, 300);
  out.append("abcde");
  end_frame(out, start);
  auto [h, body] = split(out.substr(start));
  EXPECT_EQ(h.version, kRequestVersion);
  EXPECT_EQ(h.stream, 300);
  EXPECT_EQ(h.opcode, Opcode::kQuery);
  EXPECT_EQ(body, "abcde");
  EXPECT_EQ(out.substr(0, 6), "prefix");
}

TEST(ClientCodec, StartupDecodesOnServer) {
  Bytes body;
  append_startup_body(body);
  auto options = transport::decode_startup(body);
  EXPECT_EQ(options.size(), 1u);
  EXPECT_EQ(options["CQL_VERSION"], "3.0.0");
}

TEST(ClientCodec, PrepareDecodesOnServer) {
  Bytes body;
  append_prepare_body(body, "SELECT * FROM ks.t WHERE k = ?");
  EXPECT_EQ(transport::decode_prepare(body, 4), "SELECT * FROM ks.t WHERE k = ?");
}

TEST(ClientCodec, QueryWithValuesDecodesOnServer) {
  Bytes body;
  const std::array<ValueRef, 3> values{ValueRef{"abc"}, ValueRef{{}, true}, ValueRef{""}};
  append_query_body(body, "INSERT INTO t (a, b, c) VALUES (?, ?, ?)", Consistency::kLocalOne, values);
  const auto q = transport::decode_query(body, 4);
  EXPECT_EQ(q.query, "INSERT INTO t (a, b, c) VALUES (?, ?, ?)");
  EXPECT_EQ(q.params.consistency, 0x000A);
  ASSERT_EQ(q.params.values.size(), 3u);
  EXPECT_EQ(q.params.values[0].kind, transport::Value::Kind::kSet);
  EXPECT_EQ(q.params.values[0].bytes, "abc");
  EXPECT_EQ(q.params.values[1].kind, transport::Value::Kind::kNull);
  EXPECT_EQ(q.params.values[2].kind, transport::Value::Kind::kSet);
  EXPECT_EQ(q.params.values[2].bytes, "");
  EXPECT_FALSE(q.params.skip_metadata);
}

TEST(ClientCodec, QueryWithoutValues) {
  Bytes body;
  append_query_body(body, "SELECT now() FROM system.local", Consistency::kOne, {});
  const auto q = transport::decode_query(body, 4);
  EXPECT_EQ(q.params.consistency, 0x0001);
  EXPECT_TRUE(q.params.values.empty());
}

TEST(ClientCodec, ExecuteDecodesOnServer) {
  Bytes body;
  const Bytes id("\x01\x02\x03\xff", 4);
  const Bytes big(40, 'x');
  const std::array<ValueRef, 2> values{ValueRef{"key"}, ValueRef{big}};
  append_execute_body(body, id, Consistency::kQuorum, values, true);
  const auto e = transport::decode_execute(body, 4);
  EXPECT_EQ(e.id, id);
  EXPECT_EQ(e.params.consistency, 0x0004);
  EXPECT_TRUE(e.params.skip_metadata);
  ASSERT_EQ(e.params.values.size(), 2u);
  EXPECT_EQ(e.params.values[1].bytes, Bytes(40, 'x'));
}

TEST(ClientCodec, ParseConsistency) {
  Consistency cl{};
  EXPECT_TRUE(parse_consistency("local_one", cl));
  EXPECT_EQ(cl, Consistency::kLocalOne);
  EXPECT_TRUE(parse_consistency("QUORUM", cl));
  EXPECT_EQ(cl, Consistency::kQuorum);
  EXPECT_FALSE(parse_consistency("SOME", cl));
}

TEST(ClientCodec, DecodesServerError) {
  const Bytes body = transport::encode_error(common::CqlError(common::ErrorCode::kInvalid, "no such table"));
  const ErrorInfo e = decode_error(body);
  EXPECT_EQ(e.code, 0x2200);
  EXPECT_EQ(e.message, "no such table");
  FrameHeader h;
  h.opcode = Opcode::kError;
  EXPECT_EQ(describe_response(h, body), "ERROR 0x2200 (Invalid): no such table");
}

TEST(ClientCodec, DecodesRowsWithMetadata) {
  cql::RowsResult rows;
  rows.columns = {
      col("key", DataType::native(TypeKind::kBlob)),
      col("m", DataType::map(DataType::native(TypeKind::kText),
                             DataType::list(DataType::native(TypeKind::kInt), true))),
      col("t", DataType::tuple({DataType::native(TypeKind::kInt), DataType::native(TypeKind::kText)}))};
  rows.rows = {{Bytes("k1"), std::nullopt, Bytes("t1")}, {Bytes("k2"), Bytes("mm"), std::nullopt}};
  const Bytes body = transport::encode_result(rows, 4);
  EXPECT_EQ(result_kind(body), ResultKind::kRows);
  EXPECT_EQ(count_rows(body), 2);
  RowsView view(body);
  EXPECT_EQ(view.column_count(), 3);
  EXPECT_EQ(view.row_count(), 2);
  EXPECT_EQ(view.column_names(), (std::vector<std::string>{"key", "m", "t"}));
  const auto cells = view.cells();
  ASSERT_EQ(cells.size(), 6u);
  EXPECT_EQ(cells[0].bytes, "k1");
  EXPECT_TRUE(cells[1].null);
  EXPECT_EQ(cells[2].bytes, "t1");
  EXPECT_EQ(cells[4].bytes, "mm");
  EXPECT_TRUE(cells[5].null);
}

TEST(ClientCodec, DecodesRowsWithoutMetadataAndPaging) {
  cql::RowsResult rows;
  rows.columns = {col("a", DataType::native(TypeKind::kInt))};
  rows.rows = {{Bytes("\0\0\0\1", 4)}};
  rows.skip_metadata = true;
  rows.paging_state = Bytes("state");
  const Bytes body = transport::encode_result(rows, 4);
  RowsView view(body);
  EXPECT_EQ(view.row_count(), 1);
  EXPECT_TRUE(view.has_more_pages());
  EXPECT_TRUE(view.column_names().empty());
  EXPECT_EQ(count_rows(body), 1);
}

TEST(ClientCodec, TruncatedRowsThrow) {
  cql::RowsResult rows;
  rows.columns = {col("a", DataType::native(TypeKind::kBlob))};
  rows.rows = {{Bytes("abcdef")}};
  const Bytes body = transport::encode_result(rows, 4);
  EXPECT_THROW(count_rows(body.substr(0, body.size() - 2)), common::CqlError);
  EXPECT_THROW(RowsView(body.substr(0, 10)), common::CqlError);
}

TEST(ClientCodec, DecodesPrepared) {
  cql::PreparedResult p;
  p.id = Bytes("\xde\xad\xbe\xef", 4);
  p.bind_columns = {col("key", DataType::native(TypeKind::kBlob)),
                    col("C0", DataType::native(TypeKind::kBlob))};
  p.pk_indexes = {0};
  p.result_columns = {};
  const Bytes body = transport::encode_result(p, 4);
  EXPECT_EQ(result_kind(body), ResultKind::kPrepared);
  const PreparedInfo info = decode_prepared(body);
  EXPECT_EQ(info.id, p.id);
  EXPECT_EQ(info.bind_count, 2);
  EXPECT_EQ(info.bind_names, (std::vector<std::string>{"key", "C0"}));
}

TEST(ClientCodec, VoidAndUnknownKinds) {
  const Bytes body = transport::encode_result(cql::VoidResult{}, 4);
  EXPECT_EQ(result_kind(body), ResultKind::kVoid);
  EXPECT_THROW(result_kind(Bytes("\0\0\0\x09", 4)), common::CqlError);
  EXPECT_THROW(decode_prepared(body), common::CqlError);
}

}  // namespace
}  // namespace krill::tools::client
