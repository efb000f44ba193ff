// Typed decoding of RESULT bodies and the fuller request encoders an interactive client
// needs (paging, serial consistency, batches), on top of protocol.h.
//
// Pure functions, no I/O. Decoders copy what they return (results outlive the read
// buffer) and throw common::CqlError(kProtocolError) on malformed bodies. Column types are
// decoded into common::DataType; protocol v4's custom DurationType becomes the native
// duration type.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/types.h"
#include "tools/client/protocol.h"
#include "transport/frame.h"

namespace krill::tools::client {

// One column of a result or one bind marker of a prepared statement.
struct ColumnInfo {
  std::string keyspace;
  std::string table;
  std::string name;
  common::DataType type;
};

// Reads a type [option] (spec 4.2.5.2).
common::DataType read_type_option(transport::BodyReader& r);

// A Rows result with its cells copied out: rows[r][c] is nullopt for a null cell.
struct RowsResult {
  std::vector<ColumnInfo> columns;            // empty when the server skipped metadata
  std::optional<common::Bytes> paging_state;  // set when more pages follow
  std::vector<std::vector<std::optional<common::Bytes>>> rows;
};
RowsResult decode_rows(common::BytesView body);

// A Prepared result: id, bind markers with their types, and the result columns.
struct PreparedStatement {
  common::Bytes id;
  std::vector<ColumnInfo> binds;
  std::vector<ColumnInfo> result_columns;
};
PreparedStatement decode_prepared_statement(common::BytesView body);

// The keyspace of a Set_keyspace result.
std::string decode_set_keyspace(common::BytesView body);

// QUERY / EXECUTE parameters (spec 4.1.4). page_size <= 0 sends no page size.
struct QueryParams {
  Consistency consistency = Consistency::kOne;
  std::optional<Consistency> serial_consistency;
  int32_t page_size = 0;
  std::optional<common::Bytes> paging_state;
  std::span<const ValueRef> values;
  bool skip_metadata = false;
};
void append_query(common::Bytes& out, std::string_view query, const QueryParams& params);
void append_execute(common::Bytes& out, std::string_view prepared_id, const QueryParams& params);

// BATCH of prepared statements (spec 4.1.7).
enum class BatchType : uint8_t { kLogged = 0, kUnlogged = 1, kCounter = 2 };
struct BatchStatement {
  std::string_view prepared_id;
  std::span<const ValueRef> values;
};
void append_batch(common::Bytes& out, BatchType type, std::span<const BatchStatement> statements,
                  Consistency consistency, std::optional<Consistency> serial_consistency);

// The names Cassandra's Python driver gives an error code: its class ("InvalidRequest") and
// summary ("Invalid query"), as cqlsh prints them.
const char* error_class_name(int32_t code);
const char* error_summary(int32_t code);

}  // namespace krill::tools::client
