// Client side of the CQL native protocol v4: request encoders and response decoders.
//
// Pure functions, no I/O. Encoders append a whole frame (header + body) to a caller-owned
// buffer so a connection can batch many requests into one write without per-request heap
// allocation once the buffer has grown. Decoders read views of a response body and
// allocate only for error messages and prepared ids; they throw common::CqlError
// (kProtocolError) on malformed bodies, like transport::BodyReader which they use.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/bytes.h"
#include "common/consistency.h"
#include "transport/frame.h"

namespace krill::tools::client {

using transport::FrameHeader;
using transport::Opcode;

constexpr uint8_t kRequestVersion = 0x04;
constexpr uint8_t kResponseVersion = 0x84;

// Consistency levels (spec 3, [consistency]) and their names, shared with the server.
using common::Consistency;
using common::consistency_name;   // "ONE", "LOCAL_QUORUM", ...
using common::parse_consistency;  // "LOCAL_ONE", "one", ... -> level; false for unknown names

// A bound value: bytes, or null when `null` is set. A view: the bytes must outlive the call.
struct ValueRef {
  std::string_view bytes;
  bool null = false;
};

// Frame assembly: begin_frame appends a header with length 0 and returns its offset;
// end_frame patches the length from what was appended since. REQUIRES: nothing else
// appended between them but the body.
size_t begin_frame(common::Bytes& out, Opcode op, int16_t stream);
void end_frame(common::Bytes& out, size_t frame_start);

// Building blocks for body encoders: a [long string], and positional [value]s preceded by
// their [short] count (a null value is length -1).
void append_long_string(common::Bytes& out, std::string_view s);
void append_values(common::Bytes& out, std::span<const ValueRef> values);

// Body encoders: append the body only.
// STARTUP with {"CQL_VERSION": "3.0.0"} and no compression.
void append_startup_body(common::Bytes& out);
void append_options_body(common::Bytes& out);  // empty
void append_prepare_body(common::Bytes& out, std::string_view query);
// QUERY / EXECUTE with positional values; flags: 0x01 values (when any), 0x02 skip_metadata.
void append_query_body(common::Bytes& out, std::string_view query, Consistency cl,
                       std::span<const ValueRef> values);
void append_execute_body(common::Bytes& out, std::string_view prepared_id, Consistency cl,
                         std::span<const ValueRef> values, bool skip_metadata);

// RESULT kinds (spec 4.2.5).
enum class ResultKind : int32_t { kVoid = 1, kRows = 2, kSetKeyspace = 3, kPrepared = 4, kSchemaChange = 5 };

// An ERROR body: the code (spec 9) and message. Extra fields are not decoded.
struct ErrorInfo {
  int32_t code = 0;
  std::string message;
};
ErrorInfo decode_error(common::BytesView body);

// The kind of a RESULT body (its first [int]).
ResultKind result_kind(common::BytesView body);

// A Rows result, decoded without copying cells. Iterates rows of `column_count` cells;
// each cell is a view of the body, null cells have `null` set.
class RowsView {
 public:
  // Throws kProtocolError unless `body` is a well-formed Rows result.
  explicit RowsView(common::BytesView body);
  int32_t column_count() const { return columns_; }
  int32_t row_count() const { return rows_; }
  bool has_more_pages() const { return has_more_pages_; }
  // Column names from the metadata (empty when the server skipped metadata).
  const std::vector<std::string>& column_names() const { return names_; }
  // Cells of all rows in order: row r's cell c is cells()[r * column_count() + c].
  // Decodes the row section on each call; throws kProtocolError when it is truncated.
  std::vector<ValueRef> cells() const;

 private:
  common::BytesView rows_data_;  // the rows section
  int32_t columns_ = 0;
  int32_t rows_ = 0;
  bool has_more_pages_ = false;
  std::vector<std::string> names_;
};

// Counts the rows of a Rows body and checks that every row has `column_count` cells,
// without allocating. Throws kProtocolError when malformed.
int32_t count_rows(common::BytesView body);

// A Prepared result: the statement id and the number of bind markers.
struct PreparedInfo {
  common::Bytes id;
  int32_t bind_count = 0;
  std::vector<std::string> bind_names;
};
PreparedInfo decode_prepared(common::BytesView body);

// A readable one-line summary of a response for error messages, e.g.
// "ERROR 0x2200 (Invalid): unconfigured table x" or "RESULT Rows (3 rows)".
std::string describe_response(const FrameHeader& header, common::BytesView body);

}  // namespace krill::tools::client
