// Internal to cql/: materialized views.
//
// A view is a TableDef with `view` set, stored beside the tables of its keyspace and read
// like any table. It is kept in step with its base table by apply_writes (derived_writes.h):
// under the base partition's lock, the base rows a write touches are read before and after
// the write, and each view row is recomputed from the "after" row. A view row whose key
// changed or whose base row vanished is deleted with a row tombstone at the newest
// timestamp it held; view cells carry the base cells' timestamps, raised to the timestamp
// of the view's regular key column when it has one, so that a row re-created at a key
// deleted earlier is not shadowed by that deletion.
#pragma once

#include <map>
#include <vector>

#include "cql/execution.h"

namespace krill::cql {

// The stored rows of one base partition, by clustering key (regular rows only).
using BaseRows = std::map<std::vector<common::Bytes>, storage::RowFragment>;

// Reads the base rows that write `w` may change: every row of the partition when it
// deletes a partition or ranges, otherwise the rows it writes.
BaseRows read_affected_rows(const schema::TableDef& base, const storage::PartitionWrite& w, ExecContext& ctx);

// Appends to `out` the writes that take `view` from the rows `before` to the rows `after`
// of the base partition written by `w`.
void view_updates(const schema::TableDef& base, const schema::TableDef& view,
                  const storage::PartitionWrite& w, const BaseRows& before, const BaseRows& after,
                  int32_t now, std::vector<storage::PartitionWrite>& out);

// Writes the rows of `view` for every row already in `base` (in chunks of partitions;
// each partition is read whole).
void build_view(const schema::TableDef& base, const schema::TableDef& view, ExecContext& ctx);

// CREATE / ALTER / DROP MATERIALIZED VIEW.
ResultMessage create_view(const CreateViewStatement& s, ExecContext& ctx);
ResultMessage alter_view(const AlterViewStatement& s, ExecContext& ctx);
ResultMessage drop_view(const DropViewStatement& s, ExecContext& ctx);

}  // namespace krill::cql
