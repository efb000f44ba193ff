// The rows an INSERT writes, shared by the INSERT statement (modification.cc) and by bulk
// loading (`krill load`, tools/load/), so that a loaded row is stored exactly as the same
// INSERT would store it: the row marker, one cell per column (per element for non-frozen
// collections and UDTs, after a collection tombstone), a tombstone for a null, the table's
// default_time_to_live, all at one write timestamp.
//
// InsertEncoder is the bulk-loading entry point: text fields in, storage::PartitionWrite
// out. It is immutable after construction and thread-safe (const methods only); the
// UuidGenerator passed to encode() is thread-safe too.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/uuid.h"
#include "schema/schema.h"
#include "storage/engine.h"

namespace krill::cql {

// Timestamp, TTL and clock shared by the cells of one write.
struct WriteAttrs {
  int64_t timestamp = 0;  // microseconds
  int32_t ttl = 0;        // seconds, 0 = none
  int32_t now = 0;        // seconds since epoch
};

// Sorts a row's cells by (column id, path), a collection tombstone first; of two cells for
// the same (column, path) the later one in `cells` wins (the last write of a statement).
void sort_cells(std::vector<storage::Cell>& cells);

// Appends the cells that `INSERT ... (c) VALUES (value)` writes for a non-key column:
// value nullopt means null (a tombstone; for a multi-cell column only the collection
// tombstone).
void insert_cells(const schema::ColumnDef& c, std::optional<common::Bytes> value, const WriteAttrs& a,
                  common::UuidGenerator& uuids, std::vector<storage::Cell>& out);

// Adds an INSERT's rows to `w`: the static row when it has cells, then (unless
// `only_static`) the regular row with `clustering` and the INSERT's row marker. Sorts cells.
void append_insert_rows(storage::RowWrite static_row, storage::RowWrite row,
                        std::vector<common::Bytes> clustering, bool only_static, const WriteAttrs& a,
                        storage::PartitionWrite& w);

// Throws CqlError(kInvalid) for an empty key or one longer than 65535 bytes (Cassandra's
// messages).
void check_partition_key(const common::Bytes& key);

// Converts a text field (CSV) to a value of `type`, in the forms cqlsh's COPY writes for
// scalar types: numbers as literals, true/false (any case), blobs as 0x followed by hex,
// uuids bare, timestamps/dates/times/inets/durations as their string literals (timestamps
// also as integer milliseconds), text as is. Collections, tuples and UDTs are given as
// JSON (as fromJson() takes them). Throws CqlError(kInvalid) with a message naming the
// type, e.g. "Unable to make int from 'x'".
common::Bytes parse_text_value(const common::DataType& type, std::string_view text);

class InsertEncoder {
 public:
  // `columns`: the table's columns in field order; empty = every column in the table's
  // order (partition key, clustering, then by name). Throws CqlError(kInvalid) for an
  // unknown or repeated column, a missing primary key column, a counter table, a
  // materialized view or a virtual table.
  InsertEncoder(std::shared_ptr<const schema::TableDef> table, const std::vector<std::string>& columns);

  const schema::TableDef& table() const { return *table_; }
  const std::vector<const schema::ColumnDef*>& columns() const { return columns_; }

  // Converts field `i` (of columns()[i]) with parse_text_value. Throws CqlError(kInvalid).
  common::Bytes parse_field(size_t i, std::string_view text) const;

  // The partition write of `INSERT INTO t (columns) VALUES (values)`: values[i] belongs to
  // columns()[i], nullopt = null. `a.ttl` is ignored: the table's default_time_to_live
  // applies, as for an INSERT without USING TTL. Throws CqlError(kInvalid) for a null or
  // empty partition key part or a null clustering column.
  storage::PartitionWrite encode(std::vector<std::optional<common::Bytes>>& values, const WriteAttrs& a,
                                 common::UuidGenerator& uuids) const;

 private:
  std::shared_ptr<const schema::TableDef> table_;
  std::vector<const schema::ColumnDef*> columns_;
};

}  // namespace krill::cql
