// SELECT: key lookups and range scans, ordering, limits and paging.
#include <algorithm>

#include "common/murmur3.h"
#include "common/values.h"
#include "cql/selection.h"
#include "cql/where.h"
#include "schema/system_keyspaces.h"

namespace krill::cql {

using common::Bytes;
using common::CqlError;
using common::DataType;
using common::ErrorCode;
using common::throw_invalid;
using schema::ColumnKind;
using schema::TableDef;

namespace {

constexpr uint8_t kPagingStateVersion = 1;

// Where the next page starts. Opaque to clients.
struct PagingState {
  Bytes partition_key;
  bool has_clustering = false;  // false: the partition is finished (e.g. a static-only row)
  std::vector<Bytes> clustering;
  int64_t remaining = INT64_MAX;  // rows left under LIMIT
  int32_t index = 0;              // partition index for key lookups, row offset for virtual tables
};

Bytes encode_paging_state(const PagingState& s) {
  Bytes out;
  out.push_back(static_cast<char>(kPagingStateVersion));
  common::put_be32(out, static_cast<uint32_t>(s.partition_key.size()));
  out += s.partition_key;
  out.push_back(s.has_clustering ? '\1' : '\0');
  common::put_be32(out, static_cast<uint32_t>(s.clustering.size()));
  for (const auto& c : s.clustering) {
    common::put_be32(out, static_cast<uint32_t>(c.size()));
    out += c;
  }
  common::put_be64(out, static_cast<uint64_t>(s.remaining));
  common::put_be32(out, static_cast<uint32_t>(s.index));
  return out;
}

PagingState decode_paging_state(const Bytes& b) {
  auto bad = []() -> CqlError {
    return CqlError(ErrorCode::kProtocolError, "Invalid value for the paging state");
  };
  size_t pos = 0;
  auto need = [&](size_t n) {
    if (b.size() - pos < n) throw bad();
  };
  auto bytes = [&]() {
    need(4);
    uint32_t n = common::get_be32(b.data() + pos);
    pos += 4;
    need(n);
    Bytes v = b.substr(pos, n);
    pos += n;
    return v;
  };
  PagingState s;
  need(1);
  if (static_cast<uint8_t>(b[pos++]) != kPagingStateVersion) throw bad();
  s.partition_key = bytes();
  need(1);
  s.has_clustering = b[pos++] != 0;
  need(4);
  uint32_t n = common::get_be32(b.data() + pos);
  pos += 4;
  if (n > 1024) throw bad();
  for (uint32_t i = 0; i < n; ++i) s.clustering.push_back(bytes());
  need(12);
  s.remaining = static_cast<int64_t>(common::get_be64(b.data() + pos));
  s.index = static_cast<int32_t>(common::get_be32(b.data() + pos + 8));
  pos += 12;
  if (pos != b.size() || s.remaining <= 0 || s.index < 0) throw bad();
  return s;
}

// Accumulates result rows up to the page size and remembers where the page ended.
class PageBuilder {
 public:
  PageBuilder(Selection& sel, const std::vector<RowFilter>& filters, int64_t page_rows, int64_t remaining)
      : sel_(sel), filters_(filters), page_rows_(page_rows), remaining_(remaining) {}

  bool full() const { return taken_ >= page_rows_ || taken_ >= remaining_; }
  int64_t capacity() const { return std::min(page_rows_, remaining_) - taken_; }
  bool filtering() const { return !filters_.empty(); }

  // Offers a row; returns true when it was taken.
  bool offer(const RowView& view) {
    for (const auto& f : filters_) {
      if (!passes(f, view.value(*f.column))) return false;
    }
    sel_.add(view, rows_);
    ++taken_;
    return true;
  }

  std::vector<Row>& rows() { return rows_; }
  int64_t taken() const { return taken_; }
  int64_t remaining_after() const { return remaining_ - taken_; }
  bool limit_reached() const { return taken_ >= remaining_; }

 private:
  Selection& sel_;
  const std::vector<RowFilter>& filters_;
  int64_t page_rows_;
  int64_t remaining_;
  int64_t taken_ = 0;
  std::vector<Row> rows_;
};

struct SelectPlan {
  std::shared_ptr<const TableDef> table;
  WhereAnalysis where;
  bool reversed = false;
  int64_t limit = INT64_MAX;
};

bool order_reversed(const SelectStatement& s, const TableDef& t, const WhereAnalysis& w) {
  if (s.order_by.empty()) return false;
  if (!w.pk_complete)
    throw_invalid("ORDER BY is only supported when the partition key is restricted by an EQ or an IN.");
  auto ck = t.clustering_key();
  std::optional<bool> reversed;
  for (size_t i = 0; i < s.order_by.size(); ++i) {
    const auto& [name, desc] = s.order_by[i];
    const schema::ColumnDef* c = t.find_column(name);
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

void emit_partition(const storage::PartitionData& pd, const SelectPlan& plan, PageBuilder& page, int32_t now,
                    std::optional<PagingState>& last, int32_t index, bool allow_static_only) {
  const TableDef& t = *plan.table;
  auto pk = split_partition_key(pd.partition_key, t.partition_key().size());
  const storage::RowFragment* stat = pd.static_row ? &pd.static_row->fragment : nullptr;
  for (const auto& r : pd.rows) {
    if (page.full()) return;
    RowView v{&t, &pk, &r.clustering, &r.fragment, stat, nullptr, pd.token, now};
    page.offer(v);
    // The page resumes after the last row examined, whether or not a filter took it.
    last = PagingState{pd.partition_key, true, r.clustering, 0, index};
  }
  if (pd.rows.empty() && stat != nullptr && allow_static_only && !page.full()) {
    RowView v{&t, &pk, nullptr, nullptr, stat, nullptr, pd.token, now};
    page.offer(v);
    last = PagingState{pd.partition_key, false, {}, 0, index};
  }
}

RowsResult finish(Selection& sel, PageBuilder& page, std::optional<PagingState> last, bool more) {
  RowsResult result;
  result.columns = sel.columns();
  if (sel.is_aggregate()) {
    result.rows.push_back(sel.aggregate_result());
    return result;
  }
  result.rows = std::move(page.rows());
  if (more && last && !page.limit_reached()) {
    last->remaining = page.remaining_after();
    result.paging_state = encode_paging_state(*last);
  }
  return result;
}

RowsResult select_virtual(const SelectStatement& s, const SelectPlan& plan, Selection& sel, ExecContext& ctx,
                          int64_t page_rows, const std::optional<PagingState>& state) {
  auto rows = schema::virtual_table_rows(*plan.table, *ctx.schema, ctx.svc.node);
  int64_t remaining = state ? state->remaining : plan.limit;
  PageBuilder page(sel, plan.where.filters, page_rows, remaining);
  std::optional<PagingState> last;
  size_t start = state ? static_cast<size_t>(state->index) : 0;
  size_t i = start;
  for (; i < rows.size() && !page.full(); ++i) {
    RowView v{plan.table.get(), nullptr, nullptr, nullptr, nullptr, &rows[i], 0, ctx.now};
    page.offer(v);
    last = PagingState{{}, false, {}, 0, static_cast<int32_t>(i + 1)};
  }
  return finish(sel, page, last, i < rows.size());
}

}  // namespace

std::vector<ColumnSpec> select_result_columns(const SelectStatement& stmt, const TableDef& table) {
  return Selection(stmt, table).columns();
}

ResultMessage execute_select(const SelectStatement& s, ExecContext& ctx) {
  SelectPlan plan;
  std::string ks = resolve_keyspace(s.table.keyspace, ctx);
  plan.table = find_table(*ctx.schema, ks, s.table.name);
  const TableDef& t = *plan.table;
  if (!s.group_by.empty()) throw_invalid("GROUP BY is not supported yet");
  if (s.per_partition_limit) throw_invalid("PER PARTITION LIMIT is not supported yet");
  if (s.json) throw_invalid("SELECT JSON is not supported yet");
  Selection sel(s, t);
  plan.where = analyze_where(s.where, t, ctx, WhereUse::kSelect, s.allow_filtering);
  plan.reversed = order_reversed(s, t, plan.where);
  if (auto limit = evaluate_integer(s.limit, DataType::native(common::TypeKind::kInt), "[limit]", ctx)) {
    if (*limit <= 0) throw_invalid("LIMIT must be strictly positive");
    plan.limit = *limit;
  }
  int64_t page_rows =
      ctx.options.page_size > 0 ? std::min(ctx.options.page_size, ctx.svc.limits.max_page_size) : INT64_MAX;
  if (sel.is_aggregate()) page_rows = INT64_MAX;
  std::optional<PagingState> state;
  if (ctx.options.paging_state && !ctx.options.paging_state->empty() && !sel.is_aggregate()) {
    state = decode_paging_state(*ctx.options.paging_state);
  }
  RowsResult result;
  if (t.is_virtual) {
    result = select_virtual(s, plan, sel, ctx, page_rows, state);
    result.skip_metadata = ctx.options.skip_metadata;
    return result;
  }
  const WhereAnalysis& w = plan.where;
  int64_t remaining = state ? state->remaining : plan.limit;
  PageBuilder page(sel, w.filters, page_rows, remaining);
  std::optional<PagingState> last;
  bool more = false;
  bool ck_restricted = !w.ck_values.empty() || w.ck_lower || w.ck_upper;
  storage::ReadOptions ro;
  ro.slices = clustering_slices(w, t);
  ro.reversed = plan.reversed;
  ro.now = ctx.now;
  if (w.pk_complete) {
    auto keys = selected_partition_keys(w);
    if (!s.order_by.empty() && keys.size() > 1 && ctx.options.page_size > 0) {
      throw_invalid(
          "Cannot page queries with both ORDER BY and a IN restriction on the partition key; you must "
          "either remove the ORDER BY or the IN and sort client side, or disable paging for this query");
    }
    if (w.ck_complete && !t.clustering_key().empty() && selected_clustering_keys(w).empty()) keys.clear();
    size_t start = state ? static_cast<size_t>(state->index) : 0;
    for (size_t i = start; i < keys.size(); ++i) {
      if (page.full()) {
        more = true;
        break;
      }
      storage::ReadOptions pro = ro;
      if (state && i == start) {
        if (!state->has_clustering) continue;
        pro.after_clustering = state->clustering;
      }
      pro.row_limit = page.filtering() ? INT64_MAX : page.capacity();
      int64_t token = common::murmur3_token(keys[i]);
      auto pd = ctx.svc.coordinator.read_partition(*t.layout, keys[i], token, pro, ctx.consistency);
      emit_partition(pd, plan, page, ctx.now, last, static_cast<int32_t>(i), !ck_restricted);
      if (page.full()) more = true;
    }
    if (!s.order_by.empty() && keys.size() > 1) {
      // Rows of several partitions, ordered by the clustering columns as asked.
      auto ck = t.clustering_key();
      std::vector<size_t> pos;
      for (size_t k = 0; k < s.order_by.size(); ++k) {
        for (size_t c = 0; c < sel.columns().size(); ++c) {
          if (sel.columns()[c].name == s.order_by[k].first) pos.push_back(c);
        }
      }
      if (pos.size() != s.order_by.size())
        throw_invalid("ORDER BY with IN requires the ordered columns to be selected");
      std::stable_sort(page.rows().begin(), page.rows().end(), [&](const Row& a, const Row& b) {
        for (size_t k = 0; k < pos.size(); ++k) {
          int c =
              common::compare_values(ck[k]->type, a[pos[k]].value_or(Bytes()), b[pos[k]].value_or(Bytes()));
          if (c != 0) return s.order_by[k].second ? c > 0 : c < 0;
        }
        return false;
      });
    }
  } else if (!w.token_empty) {
    storage::ScanOptions so;
    so.now = ctx.now;
    so.end_token = w.token_end;
    so.distinct = s.distinct;
    if (w.token_start) so.start.token = *w.token_start;
    if (state) {
      // Finish the partition the previous page stopped in, then continue after it.
      int64_t token = common::murmur3_token(state->partition_key);
      if (state->has_clustering && !s.distinct) {
        storage::ReadOptions pro = ro;
        pro.after_clustering = state->clustering;
        pro.row_limit = page.filtering() ? INT64_MAX : page.capacity();
        auto pd =
            ctx.svc.coordinator.read_partition(*t.layout, state->partition_key, token, pro, ctx.consistency);
        emit_partition(pd, plan, page, ctx.now, last, 0, false);
        if (page.full()) more = true;  // the partition spans more pages still
      }
      so.start.token = token;
      so.start.after_partition_key = state->partition_key;
    }
    while (!page.full()) {
      so.row_limit = page.filtering() ? 1000 : page.capacity();
      if (s.distinct) so.partition_limit = page.capacity();
      auto scan = ctx.svc.coordinator.scan(*t.layout, so, ctx.consistency);
      for (const auto& pd : scan.partitions) {
        if (s.distinct) {
          if (page.full()) break;
          auto pk = split_partition_key(pd.partition_key, t.partition_key().size());
          const storage::RowFragment* stat = pd.static_row ? &pd.static_row->fragment : nullptr;
          RowView v{&t, &pk, nullptr, nullptr, stat, nullptr, pd.token, ctx.now};
          page.offer(v);
          last = PagingState{pd.partition_key, false, {}, 0, 0};
          continue;
        }
        emit_partition(pd, plan, page, ctx.now, last, 0, true);
        if (page.full()) break;
      }
      if (page.full()) {
        more = true;
        break;
      }
      if (!scan.more || scan.partitions.empty()) break;
      if (page.filtering()) {
        // The last partition may have been cut by the row limit: end this (short) page
        // where reading stopped, and let the next page resume there.
        more = true;
        break;
      }
      so.start.token = scan.partitions.back().token;
      so.start.after_partition_key = scan.partitions.back().partition_key;
    }
  }
  result = finish(sel, page, last, more);
  result.skip_metadata = ctx.options.skip_metadata;
  return result;
}

}  // namespace krill::cql
