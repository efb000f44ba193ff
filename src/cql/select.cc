// SELECT: planning, result rows, aggregates, GROUP BY, PER PARTITION LIMIT, ordering and
// paging. Reading the rows is select_read.cc's job.
//
// Paging: the page size and LIMIT count result rows, i.e. groups for GROUP BY queries.
// Rows are streamed from storage in bounded chunks and grouped on the fly, so a group may
// span any number of storage reads and pages stop only between groups: the paging state
// is the last row of the last group returned. Aggregates without GROUP BY read every
// selected row (in chunks) and return their single row without paging.
#include <algorithm>

#include "common/values.h"
#include "cql/index.h"
#include "cql/select_internal.h"
#include "cql/selection.h"

namespace krill::cql {

using common::Bytes;
using common::BytesView;
using common::DataType;
using common::throw_invalid;
using schema::ColumnDef;
using schema::ColumnKind;
using schema::TableDef;

namespace {

// Turns the rows it is offered into result rows (or groups), up to the page size, LIMIT and
// PER PARTITION LIMIT.
class PageBuilder final : public RowSink {
 public:
  enum class Mode {
    kRows,       // one result row per row
    kAggregate,  // one result row for all rows
    kGroups,     // one result row per GROUP BY group
  };
  struct Limits {
    int64_t page = INT64_MAX;           // result rows in this page
    int64_t remaining = INT64_MAX;      // result rows left under LIMIT
    int64_t per_partition = INT64_MAX;  // result rows per partition
  };

  PageBuilder(Selection& sel, const std::vector<RowFilter>& filters, Mode mode,
              std::vector<const ColumnDef*> group_by, Limits limits, const std::optional<PagingState>& from)
      : sel_(sel), filters_(filters), mode_(mode), group_by_(std::move(group_by)), limits_(limits) {
    if (from) {
      count_pk_ = from->partition_key;
      count_ = from->partition_count;
    }
  }

  Verdict offer(const RowView& row, BytesView pk) override {
    for (const auto& f : filters_) {
      if (!passes(f, row.value(*f.column))) return Verdict::kConsumed;
    }
    switch (mode_) {
      case Mode::kRows:
        count_in(pk);
        if (count_ >= limits_.per_partition) return Verdict::kSkipPartition;
        if (full()) return Verdict::kStop;
        sel_.reset();
        sel_.add_input(row);
        rows_.push_back(sel_.output());
        ++taken_;
        ++count_;
        return Verdict::kConsumed;
      case Mode::kAggregate:
        count_in(pk);
        if (count_ >= limits_.per_partition) return Verdict::kSkipPartition;
        sel_.add_input(row);
        ++count_;
        return Verdict::kConsumed;
      case Mode::kGroups: {
        auto key = group_key(row);
        if (open_ && key == open_key_) {
          sel_.add_input(row);
          return Verdict::kConsumed;
        }
        if (open_) emit_group();
        count_in(pk);
        if (count_ >= limits_.per_partition) return Verdict::kSkipPartition;
        if (full()) return Verdict::kStop;
        sel_.reset();
        sel_.add_input(row);
        open_ = true;
        open_key_ = std::move(key);
        open_pk_ = Bytes(pk);
        return Verdict::kConsumed;
      }
    }
    return Verdict::kConsumed;
  }

  int64_t wanted(BytesView pk) const override {
    if (mode_ != Mode::kRows || !filters_.empty()) return kMaxReadChunk;
    int64_t cap = std::min(limits_.page, limits_.remaining) - taken_;
    if (cap < INT64_MAX) ++cap;  // one more row tells whether another page follows
    if (limits_.per_partition != INT64_MAX && !pk.empty()) {
      int64_t done = pk == count_pk_ ? count_ : 0;
      cap = std::min(cap, limits_.per_partition - done + 1);
    }
    return std::max<int64_t>(cap, 1);
  }

  // Completes the last group, or the aggregate row (always one, even for no rows).
  void finish() {
    if (mode_ == Mode::kAggregate) rows_.push_back(sel_.output());
    if (mode_ == Mode::kGroups && open_) emit_group();
  }

  std::vector<Row>& rows() { return rows_; }
  bool limit_reached() const { return taken_ >= limits_.remaining; }
  int64_t remaining_after() const { return limits_.remaining - taken_; }
  // Result rows already returned from partition `pk`, for the paging state.
  int32_t partition_count(BytesView pk) const { return pk == count_pk_ ? static_cast<int32_t>(count_) : 0; }

 private:
  bool full() const { return taken_ >= limits_.page || taken_ >= limits_.remaining; }

  void count_in(BytesView pk) {
    if (pk != count_pk_) {
      count_pk_ = Bytes(pk);
      count_ = 0;
    }
  }

  void emit_group() {
    rows_.push_back(sel_.output());
    ++taken_;
    count_in(open_pk_);
    ++count_;
    open_ = false;
  }

  std::vector<std::optional<Bytes>> group_key(const RowView& row) const {
    std::vector<std::optional<Bytes>> key;
    key.reserve(group_by_.size());
    for (const ColumnDef* c : group_by_) key.push_back(row.value(*c));
    return key;
  }

  Selection& sel_;
  const std::vector<RowFilter>& filters_;
  Mode mode_;
  std::vector<const ColumnDef*> group_by_;  // partition key, then the grouped clustering prefix
  Limits limits_;
  int64_t taken_ = 0;
  Bytes count_pk_;     // the partition count_ refers to
  int64_t count_ = 0;  // result rows returned from count_pk_
  bool open_ = false;  // a group is being accumulated
  std::vector<std::optional<Bytes>> open_key_;
  Bytes open_pk_;
  std::vector<Row> rows_;
};

bool order_reversed(const SelectStatement& s, const TableDef& t, const WhereAnalysis& w) {
  if (s.order_by.empty()) return false;
  if (!w.pk_complete)
    throw_invalid("ORDER BY is only supported when the partition key is restricted by an EQ or an IN.");
  std::optional<bool> reversed;
  for (size_t i = 0; i < s.order_by.size(); ++i) {
    const auto& [name, desc] = s.order_by[i];
    const ColumnDef* c = t.find_column(name);
    if (!c) throw_invalid("Undefined column name " + name + " in table " + t.keyspace + "." + t.name);
    if (c->kind != ColumnKind::kClustering) {
      throw_invalid("Order by is currently only supported on the clustered columns of the PRIMARY KEY, got " +
                    name);
    }
    if (c->position != static_cast<int>(i)) {
      throw_invalid(
          "Order by currently only supports the ordering of columns following their declared order in the "
          "PRIMARY KEY");
    }
    bool r = desc != c->descending;
    if (reversed && *reversed != r) throw_invalid("Unsupported order by relation");
    reversed = r;
  }
  return reversed.value_or(false);
}

// GROUP BY: primary key columns in their declared order (columns restricted by an
// equality may be left out), covering the whole partition key. Returns the columns that
// identify a group: the partition key and the grouped clustering prefix.
std::vector<const ColumnDef*> group_by_columns(const SelectStatement& s, const TableDef& t,
                                               const WhereAnalysis& w) {
  if (s.group_by.empty()) return {};
  auto pk = t.partition_key();
  auto ck = t.clustering_key();
  std::vector<const ColumnDef*> key_columns(pk.begin(), pk.end());
  key_columns.insert(key_columns.end(), ck.begin(), ck.end());
  auto restricted_by_eq = [&](const ColumnDef* c) {
    size_t p = static_cast<size_t>(c->position);
    if (c->kind == ColumnKind::kPartitionKey) return w.pk_complete && w.pk_values[p].size() == 1;
    return p < w.ck_values.size() && w.ck_values[p].size() == 1 && !w.ck_prefixes;
  };
  const char* order_error =
      "Group by currently only support groups of columns following their declared order in the PRIMARY KEY";
  size_t pos = 0;
  for (const auto& name : s.group_by) {
    const ColumnDef* c = t.find_column(name);
    if (!c) throw_invalid("Undefined column name " + name + " in table " + t.keyspace + "." + t.name);
    if (c->kind != ColumnKind::kPartitionKey && c->kind != ColumnKind::kClustering)
      throw_invalid("Group by is currently only supported on the columns of the PRIMARY KEY, got " + c->name);
    while (true) {
      if (pos >= key_columns.size()) throw_invalid(order_error);
      const ColumnDef* next = key_columns[pos++];
      if (next == c) break;
      if (!restricted_by_eq(next)) throw_invalid(order_error);
    }
  }
  if (pos < pk.size()) throw_invalid("Group by is not supported on only a part of the partition key");
  if (pos > pk.size() && s.distinct)
    throw_invalid("Grouping on clustering columns is not allowed for SELECT DISTINCT queries");
  return std::vector<const ColumnDef*>(key_columns.begin(),
                                       key_columns.begin() + static_cast<std::ptrdiff_t>(pos));
}

std::optional<int64_t> positive_limit(const TermPtr& term, const char* receiver, const char* what,
                                      ExecContext& ctx) {
  auto v = evaluate_integer(term, DataType::native(common::TypeKind::kInt), receiver, ctx);
  if (v && *v <= 0) throw_invalid(std::string(what) + " must be strictly positive");
  return v;
}

}  // namespace

std::vector<ColumnSpec> select_result_columns(const SelectStatement& stmt, const TableDef& table) {
  return Selection(stmt, table, nullptr).columns();
}

ResultMessage execute_select(const SelectStatement& s, ExecContext& ctx) {
  ReadPlan plan;
  std::string ks = resolve_keyspace(s.table.keyspace, ctx);
  plan.table = find_table(*ctx.schema, ks, s.table.name);
  const TableDef& t = *plan.table;
  std::optional<Selection> built;
  if (ctx.selection && ctx.selection->plain && ctx.selection->table == plan.table) {
    built.emplace(*ctx.selection);  // prepared: no selector tree to build
  } else {
    built.emplace(s, t, &ctx);
  }
  Selection& sel = *built;
  // A relation served by a secondary index lifts the ALLOW FILTERING requirement for itself.
  std::optional<IndexQuery> index = t.is_virtual ? std::nullopt : choose_index(s.where, t, ctx);
  plan.where = analyze_where(s.where, t, ctx, WhereUse::kSelect, s.allow_filtering || index.has_value());
  if (index && !s.allow_filtering) check_index_filtering(plan.where, *index);
  if (index && plan.where.pk_complete) index.reset();  // a key lookup filtered by the relation
  const WhereAnalysis& w = plan.where;
  plan.reversed = order_reversed(s, t, w);
  plan.distinct = s.distinct;
  plan.ck_restricted = !w.ck_values.empty() || w.ck_lower || w.ck_upper || w.ck_prefixes;
  auto group_by = group_by_columns(s, t, w);
  PageBuilder::Limits limits;
  if (auto limit = positive_limit(s.limit, "[limit]", "LIMIT", ctx)) limits.remaining = *limit;
  if (auto ppl = positive_limit(s.per_partition_limit, "[per_partition_limit]", "PER PARTITION LIMIT", ctx)) {
    if (s.distinct) throw_invalid("PER PARTITION LIMIT is not allowed with SELECT DISTINCT queries");
    limits.per_partition = *ppl;
  }
  auto mode = !group_by.empty()    ? PageBuilder::Mode::kGroups
              : sel.is_aggregate() ? PageBuilder::Mode::kAggregate
                                   : PageBuilder::Mode::kRows;
  if (mode != PageBuilder::Mode::kAggregate && ctx.options.page_size > 0)
    limits.page = std::min(ctx.options.page_size, ctx.svc.limits.max_page_size);
  std::optional<PagingState> state;
  if (ctx.options.paging_state && !ctx.options.paging_state->empty() && mode != PageBuilder::Mode::kAggregate)
    state = decode_paging_state(*ctx.options.paging_state);
  if (state) limits.remaining = state->remaining;

  // ORDER BY over several partitions (IN): read each partition's best rows, sort, then LIMIT.
  bool sort_partitions = !s.order_by.empty() && w.pk_complete && selected_partition_keys(w).size() > 1;
  std::vector<size_t> sort_positions;
  int64_t limit = limits.remaining;
  if (sort_partitions) {
    if (ctx.options.page_size > 0) {
      throw_invalid(
          "Cannot page queries with both ORDER BY and a IN restriction on the partition key; you must "
          "either remove the ORDER BY or the IN and sort client side, or disable paging for this query");
    }
    std::vector<const ColumnDef*> order_columns;
    for (const auto& [name, desc] : s.order_by) order_columns.push_back(t.find_column(name));
    sort_positions = sel.add_hidden_columns(order_columns);
    limits.per_partition = std::min(limits.per_partition, limits.remaining);
    limits.remaining = INT64_MAX;
  }

  // On a reactor only reads of named partitions run, page by page (or a row per partition):
  // scans, index lookups, aggregates and unpaged partitions go to the request pool.
  if (ctx.no_block && !t.is_virtual &&
      (index || !w.pk_complete || mode != PageBuilder::Mode::kRows ||
       (limits.page == INT64_MAX && !t.clustering_key().empty()))) {
    throw common::WouldBlock{};
  }
  PageBuilder page(sel, w.filters, mode, group_by, limits, state);
  StreamEnd end;
  if (!selects_nothing(w)) {
    plan.slices = clustering_slices(w, t);
    end = index ? stream_index_rows(plan, *index, ctx, state, page) : stream_rows(plan, ctx, state, page);
  }
  page.finish();

  RowsResult result;
  result.columns = sel.columns();
  result.rows = std::move(page.rows());
  if (sort_partitions) {
    auto ck = t.clustering_key();
    std::stable_sort(result.rows.begin(), result.rows.end(), [&](const Row& a, const Row& b) {
      for (size_t k = 0; k < sort_positions.size(); ++k) {
        size_t p = sort_positions[k];
        int c = common::compare_values(ck[k]->type, a[p].value_or(Bytes()), b[p].value_or(Bytes()));
        if (c != 0) return s.order_by[k].second ? c > 0 : c < 0;
      }
      return false;
    });
    if (static_cast<int64_t>(result.rows.size()) > limit) result.rows.resize(static_cast<size_t>(limit));
    for (auto& r : result.rows) r.resize(sel.visible_count());
  }
  if (end.stopped && end.last && !page.limit_reached()) {
    end.last->remaining = page.remaining_after();
    end.last->partition_count = page.partition_count(end.last->partition_key);
    result.paging_state = encode_paging_state(*end.last);
  }
  result.skip_metadata = ctx.options.skip_metadata;
  return result;
}

}  // namespace krill::cql
