// Internal to cql/: secondary indexes (schema/indexes.h describes their storage).
//
// Entries are added blindly on every base write (add_index_entries) and by the build that
// follows CREATE INDEX (build_index); they are never deleted. A query served by an index
// reads the entries of one indexed value, fetches each base row and lets the query's row
// filters (which always include the indexed relation) re-check it, so entries left behind
// by overwrites, deletions and expiry are never returned.
#pragma once

#include <optional>
#include <vector>

#include "cql/execution.h"
#include "cql/select_internal.h"

namespace krill::cql {

// The index entries of the base writes `w` to table `t`, appended to `out`. Only live cells
// (and, for indexes on primary key columns, rows with a live marker or cell) give entries.
void add_index_entries(const schema::TableDef& t, const storage::PartitionWrite& w,
                       std::vector<storage::PartitionWrite>& out);

// Writes the entries of `index` for every row already in table `t`, reading it in chunks
// of partitions (a partition is read whole).
void build_index(const schema::TableDef& t, const schema::IndexDef& index, ExecContext& ctx);

// A query that an index serves: the index and the indexed value (its entries' partition).
struct IndexQuery {
  const schema::IndexDef* index = nullptr;
  common::Bytes value;
};

// The index that serves one of the relations of `where` on table `t`, if any (EQ on an
// indexed column or full() target, CONTAINS on values(), CONTAINS KEY on keys()).
std::optional<IndexQuery> choose_index(const std::vector<Relation>& where, const schema::TableDef& t,
                                       const ExecContext& ctx);

// Throws Cassandra's ALLOW FILTERING error when `w` filters on anything but the indexed
// relation and partition key columns (analysed with filtering allowed).
void check_index_filtering(const WhereAnalysis& w, const IndexQuery& q);

// Reads the rows of `plan` through the index, in index order, resuming after `from`.
StreamEnd stream_index_rows(const ReadPlan& plan, const IndexQuery& q, ExecContext& ctx,
                            const std::optional<PagingState>& from, RowSink& sink);

// CREATE INDEX / DROP INDEX.
ResultMessage create_index(const CreateIndexStatement& s, ExecContext& ctx);
ResultMessage drop_index(const DropIndexStatement& s, ExecContext& ctx);

}  // namespace krill::cql
