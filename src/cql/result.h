// What executing a CQL request produces, independent of the wire encoding.
//
// The query processor (query_processor.h) returns a ResultMessage; transport/ encodes it
// as a RESULT frame (spec section 4.2.5). Values are serialized CQL values; nullopt is null.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/bytes.h"
#include "common/types.h"

namespace krill::cql {

struct ColumnSpec {
  std::string keyspace;
  std::string table;
  std::string name;
  common::DataType type;
};

using Row = std::vector<std::optional<common::Bytes>>;

struct RowsResult {
  std::vector<ColumnSpec> columns;
  std::vector<Row> rows;
  // Set when more pages remain; the client sends it back to get the next page.
  std::optional<common::Bytes> paging_state;
  // The client asked to skip metadata (EXECUTE with skip_metadata): send flags and count only.
  bool skip_metadata = false;
};

struct VoidResult {};

struct SetKeyspaceResult {
  std::string keyspace;
};

struct PreparedResult {
  common::Bytes id;
  std::vector<ColumnSpec> bind_columns;    // variables metadata
  std::vector<uint16_t> pk_indexes;        // bind positions of the partition key columns, in key order
  std::vector<ColumnSpec> result_columns;  // empty for non-SELECT
};

// Also the body of a SCHEMA_CHANGE event.
struct SchemaChange {
  enum class Change { kCreated, kUpdated, kDropped };
  enum class Target { kKeyspace, kTable, kType, kFunction, kAggregate };
  Change change = Change::kCreated;
  Target target = Target::kKeyspace;
  std::string keyspace;
  std::string name;                    // table/type/function name; "" for keyspace
  std::vector<std::string> arg_types;  // functions/aggregates
};

struct SchemaChangeResult {
  SchemaChange change;
};

using ResultMessage =
    std::variant<VoidResult, RowsResult, SetKeyspaceResult, PreparedResult, SchemaChangeResult>;

}  // namespace krill::cql
