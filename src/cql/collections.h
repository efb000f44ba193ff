// Internal to cql/: non-frozen collections and UDTs, stored one cell per element
// (docs/format.md, "Values"): a list element's path is a timeuuid that orders it, a set
// element's path is the element (empty value), a map entry's path is the key, a UDT
// field's path is its 2-byte field index. Overwriting the whole value writes a collection
// tombstone one microsecond older than the new elements.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/bytes.h"
#include "common/uuid.h"
#include "cql/insert_rows.h"
#include "schema/schema.h"
#include "storage/row.h"

namespace krill::cql {

// WriteAttrs (timestamp, TTL and clock of one write) is in insert_rows.h.

storage::Cell make_live_cell(uint32_t column_id, common::Bytes path, common::Bytes value,
                             const WriteAttrs& a);
storage::Cell make_tombstone_cell(uint32_t column_id, common::Bytes path, const WriteAttrs& a);

// `c = value` (INSERT or UPDATE) for a multi-cell column: the collection tombstone, then
// the elements of `value` (nullopt: null, only the tombstone).
void overwrite_cells(const schema::ColumnDef& c, const std::optional<common::Bytes>& value,
                     const WriteAttrs& a, common::UuidGenerator& uuids, std::vector<storage::Cell>& out);

// `c = c + value`: append to a list, add to a set, put into a map.
void add_cells(const schema::ColumnDef& c, const common::Bytes& value, const WriteAttrs& a,
               common::UuidGenerator& uuids, std::vector<storage::Cell>& out);

// `c = value + c`: prepend to a list.
void prepend_cells(const schema::ColumnDef& c, const common::Bytes& value, const WriteAttrs& a,
                   std::vector<storage::Cell>& out);

// `c = c - value` for sets and maps (map: `value` is a set of keys): tombstones per element.
void remove_cells(const schema::ColumnDef& c, const common::Bytes& value, const WriteAttrs& a,
                  std::vector<storage::Cell>& out);

// The live element cells of column `c` in `row`, in the collection's order.
std::vector<const storage::Cell*> element_cells(const schema::ColumnDef& c, const storage::RowFragment& row);

// The serialized value of a multi-cell column assembled from its live element cells;
// nullopt when it has none (an empty collection reads as null, as in Cassandra).
std::optional<common::Bytes> assemble(const schema::ColumnDef& c, const storage::RowFragment& row);

// The path of a UDT field cell.
common::Bytes field_path(size_t index);

}  // namespace krill::cql
