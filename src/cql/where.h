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
  RowFilter() = default;
  RowFilter(const schema::ColumnDef* c, Relation::Op o, std::vector<common::Bytes> v)
      : column(c), op(o), values(std::move(v)) {}

  const schema::ColumnDef* column = nullptr;
  Relation::Op op = Relation::Op::kEq;
  std::vector<common::Bytes> values;  // one value, or the IN candidates
  // m[key] op value: the relation applies to the map entry with this key (ALLOW FILTERING).
  std::optional<common::Bytes> map_key;
};

struct Bound {
  common::Bytes value;
  bool inclusive = true;
};

// A clustering slice bound over the columns that follow the EQ/IN prefix, compared as a
// tuple in value order (Cassandra's multi-column semantics); a single-column range is a
// one-element tuple.
struct TupleBound {
  std::vector<common::Bytes> values;
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
  // Clustering: candidate values of the leading EQ/IN columns (one entry per column), then
  // an optional range on the next column(s). A multi-column slice also sets ck_lower /
  // ck_upper (to its first component) so that "is there a slice" checks see it; the exact
  // bounds are ck_tuple_lower / ck_tuple_upper, set for every slice.
  std::vector<std::vector<common::Bytes>> ck_values;
  std::optional<Bound> ck_lower, ck_upper;
  std::optional<TupleBound> ck_tuple_lower, ck_tuple_upper;
  // Set when a multi-column EQ/IN restricts the prefix: the exact prefixes, which the
  // cartesian product of ck_values would over-select.
  std::optional<std::vector<std::vector<common::Bytes>>> ck_prefixes;
  bool ck_complete = false;  // every clustering column has EQ/IN
  std::vector<RowFilter> filters;
};

enum class WhereUse { kSelect, kUpdate, kDelete };

// Throws CqlError(kInvalid) with Cassandra's messages for unsupported restrictions.
WhereAnalysis analyze_where(const std::vector<Relation>& where, const schema::TableDef& table,
                            const ExecContext& ctx, WhereUse use, bool allow_filtering);

// The partition keys selected (cartesian product of pk_values), deduplicated.
std::vector<common::Bytes> selected_partition_keys(const WhereAnalysis& w);
// The clustering prefixes selected by the EQ/IN columns (the full keys when ck_complete):
// ck_prefixes, or the cartesian product of ck_values; deduplicated.
std::vector<std::vector<common::Bytes>> selected_clustering_keys(const WhereAnalysis& w);
// True when the restrictions cannot match any row (IN () on a key column, an empty token
// range).
bool selects_nothing(const WhereAnalysis& w);
// Clustering slices in clustering order, non-overlapping (empty when the whole partition is
// selected; meaningless when selects_nothing(w)). Multi-column slices over columns of mixed ASC/DESC order
// become several slices.
std::vector<storage::Slice> clustering_slices(const WhereAnalysis& w, const schema::TableDef& table);
// Whether a full clustering key lies in one of `slices` (for reads that cannot apply them,
// such as range scans with ALLOW FILTERING). True when `slices` is empty.
bool in_slices(const std::vector<common::Bytes>& clustering, const std::vector<storage::Slice>& slices,
               const schema::TableDef& table);

// Records the bind specs of the markers of a token or multi-column relation: the partition
// key columns for token(?, ?), tuple<...> for (a, b) > ?, list<tuple<...>> for IN ?, the
// columns for (a, b) = (?, ?).
void relation_bind_specs(const Relation& r, const schema::TableDef& table, std::vector<ColumnSpec>& specs);

// Whether a value passes a filter.
bool passes(const RowFilter& f, const std::optional<common::Bytes>& value);

}  // namespace krill::cql
