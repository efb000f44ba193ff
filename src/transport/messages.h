// Decoding of request bodies and encoding of response bodies for protocol v4.
//
// Pure functions over frame.h primitives: no I/O, no state. Decoders throw
// common::CqlError(kProtocolError) on malformed bodies.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/error.h"
#include "cql/result.h"
#include "transport/frame.h"

namespace krill::transport {

// Query parameters shared by QUERY, EXECUTE (spec 4.1.4) and, partly, BATCH.
struct QueryParameters {
  uint16_t consistency = 0x0001;  // ONE
  std::vector<Value> values;
  std::vector<std::string> value_names;  // non-empty when the 0x40 names flag was set
  bool skip_metadata = false;
  int32_t page_size = -1;  // <= 0: no paging
  std::optional<common::Bytes> paging_state;
  std::optional<uint16_t> serial_consistency;
  std::optional<int64_t> default_timestamp;  // microseconds
  // Protocol v5 only (flags 0x80 and 0x100); never set when decoding v4.
  std::optional<std::string> keyspace;
  std::optional<int32_t> now_in_seconds;
};

struct QueryRequest {
  std::string query;
  QueryParameters params;
};

struct ExecuteRequest {
  common::Bytes id;
  QueryParameters params;
  common::Bytes result_metadata_id;  // protocol v5 only; empty in v4
};

struct PrepareRequest {
  std::string query;
  std::optional<std::string> keyspace;  // protocol v5 only (PREPARE flag 0x01)
};

struct BatchChild {
  bool is_prepared = false;
  std::string query;  // when !is_prepared
  common::Bytes id;   // when is_prepared
  std::vector<Value> values;
  std::vector<std::string> value_names;
};

struct BatchRequest {
  uint8_t type = 0;  // 0 logged, 1 unlogged, 2 counter
  std::vector<BatchChild> children;
  uint16_t consistency = 0x0001;
  std::optional<uint16_t> serial_consistency;
  std::optional<int64_t> default_timestamp;
  // Protocol v5 only (flags 0x80 and 0x100); never set when decoding v4.
  std::optional<std::string> keyspace;
  std::optional<int32_t> now_in_seconds;
};

// Decoders read a whole body: trailing bytes are a protocol error. `version` is the protocol
// version without the direction bit; 5 and above apply the v5 differences (int flags,
// keyspace, now_in_seconds, result_metadata_id).
QueryRequest decode_query(common::BytesView body, int version);
ExecuteRequest decode_execute(common::BytesView body, int version);
std::string decode_prepare(common::BytesView body, int version);  // the query string only
PrepareRequest decode_prepare_request(common::BytesView body, int version);
BatchRequest decode_batch(common::BytesView body, int version);
std::map<std::string, std::string> decode_startup(common::BytesView body);
std::vector<std::string> decode_register(common::BytesView body);

// RESULT body for any result kind (Void=1, Rows=2, Set_keyspace=3, Prepared=4, Schema_change=5).
// Throws common::CqlError(kServerError) when the result cannot be encoded (a row whose width
// differs from the column count, a name longer than a [string] allows).
common::Bytes encode_result(const cql::ResultMessage& result, int version);
// The v5 result_metadata_id of a statement's result columns: a 16-byte digest that changes
// whenever the columns (names, tables, types) change. Written in v5 Prepared results.
common::Bytes result_metadata_id(const std::vector<cql::ColumnSpec>& columns);
// ERROR body: [int code][string message] plus the code's extra fields (spec 9). Never throws;
// a message longer than a [string] allows is truncated at a UTF-8 boundary.
common::Bytes encode_error(const common::CqlError& error);
// SUPPORTED body: the [string multimap] of options.
common::Bytes encode_supported(const std::vector<std::pair<std::string, std::vector<std::string>>>& options);
// EVENT body for SCHEMA_CHANGE.
common::Bytes encode_schema_change_event(const cql::SchemaChange& change);
// EVENT body for TOPOLOGY_CHANGE / STATUS_CHANGE: change is e.g. "NEW_NODE", "UP".
common::Bytes encode_node_event(const std::string& type, const std::string& change, common::BytesView address,
                                int32_t port);

}  // namespace krill::transport
