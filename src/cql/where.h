// Internal to cql/: analysis of WHERE clauses into key lookups, clustering slices and
// row filters, with Cassandra's rules about what may be restricted and how.
#pragma once

#include <optional>
#include <vector>

#include "cql/execution.h"
#include "storage/engine.h"

namespace krill::cql {

// A relation that is checked against each row after it is read.
struct RowFilter {
  const schema::ColumnDef* column = nullptr;
  Relation::Op op = Relation::Op::kEq;
  std::vector<common::Bytes> values;  // one value, or the IN candidates
};

struct Bound {
  common::Bytes value;
  bool inclusive = true;
};

struct WhereAnalysis {
  // Partition key: per column, the candidate values (EQ gives one, IN several).
  std::vector<std::vector<common::Bytes>> pk_values;
  bool pk_complete = false;
  // token(pk) bounds.
  std::optional<int64_t> token_start;  // inclusive
  std::optional<int64_t> token_end;    // inclusive
  bool token_empty = false;            // the token range selects nothing
  // Clustering: candidate values of the leading EQ/IN columns, then an optional range on
  // the next column.
  std::vector<std::vector<common::Bytes>> ck_values;
  std::optional<Bound> ck_lower, ck_upper;
  bool ck_complete = false;  // every clustering column has EQ/IN
  std::vector<RowFilter> filters;
};

enum class WhereUse { kSelect, kUpdate, kDelete };

// Throws CqlError(kInvalid) with Cassandra's messages for unsupported restrictions.
WhereAnalysis analyze_where(const std::vector<Relation>& where, const schema::TableDef& table,
                            const ExecContext& ctx, WhereUse use, bool allow_filtering);

// The partition keys selected (cartesian product of pk_values), deduplicated.
std::vector<common::Bytes> selected_partition_keys(const WhereAnalysis& w);
// The full clustering keys selected when ck_complete (cartesian product), deduplicated.
std::vector<std::vector<common::Bytes>> selected_clustering_keys(const WhereAnalysis& w);
// Clustering slices in storage order (empty when the whole partition is selected).
std::vector<storage::Slice> clustering_slices(const WhereAnalysis& w, const schema::TableDef& table);

// Whether a value passes a filter.
bool passes(const RowFilter& f, const std::optional<common::Bytes>& value);

}  // namespace krill::cql
