// Queries served by a secondary index: choosing the index and reading through it.
#include "common/murmur3.h"
#include "common/values.h"
#include "cql/index.h"

namespace krill::cql {

using common::Bytes;
using common::TypeKind;
using schema::ColumnDef;
using schema::IndexDef;
using schema::TableDef;

namespace {

// Whether `idx` serves relation operator `op` on its column.
bool serves(const IndexDef& idx, const ColumnDef& c, Relation::Op op) {
  const bool collection = c.type.is_multi_cell() && c.type.is_collection();
  switch (op) {
    case Relation::Op::kEq:
      return idx.target_kind == "full" || (idx.target_kind.empty() && !collection);
    case Relation::Op::kContains:
      return collection && (idx.target_kind == "values" || idx.target_kind.empty());
    case Relation::Op::kContainsKey:
      return collection && idx.target_kind == "keys";
    default:
      return false;
  }
}

const common::DataType& operand_type(const ColumnDef& c, Relation::Op op) {
  if (op == Relation::Op::kContains)
    return c.type.kind() == TypeKind::kMap ? c.type.params()[1] : c.type.params()[0];
  if (op == Relation::Op::kContainsKey) return c.type.params()[0];
  return c.type;
}

}  // namespace

std::optional<IndexQuery> choose_index(const std::vector<Relation>& where, const TableDef& t,
                                       const ExecContext& ctx) {
  if (t.indexes.empty()) return std::nullopt;
  for (const Relation& r : where) {
    if (r.token || r.multi_column || r.columns.size() != 1 || !r.value) continue;
    const ColumnDef* c = t.find_column(r.columns[0]);
    if (c == nullptr) continue;
    if (r.map_key) {
      // m[k] = v is served by an entries(m) index, whose entries are (key, value) pairs.
      if (r.op != Relation::Op::kEq || c->type.kind() != TypeKind::kMap) continue;
      for (const IndexDef& idx : t.indexes) {
        if (idx.column != c->name || idx.target_kind != "entries") continue;
        IndexQuery q;
        q.index = &idx;
        q.value = common::encode_elements(
            {evaluate_required(*r.map_key, c->type.params()[0], "key(" + c->name + ")", ctx),
             evaluate_required(*r.value, c->type.params()[1], c->name, ctx)});
        return q;
      }
      continue;
    }
    for (const IndexDef& idx : t.indexes) {
      if (idx.column != c->name || !serves(idx, *c, r.op)) continue;
      IndexQuery q;
      q.index = &idx;
      q.value = evaluate_required(*r.value, operand_type(*c, r.op), c->name, ctx);
      return q;
    }
  }
  return std::nullopt;
}

void check_index_filtering(const WhereAnalysis& w, const IndexQuery& q) {
  for (const auto& f : w.filters) {
    if (f.column->name == q.index->column || f.column->kind == schema::ColumnKind::kPartitionKey) continue;
    common::throw_invalid(
        "Cannot execute this query as it might involve data filtering and thus may have unpredictable "
        "performance. If you want to execute this query despite the performance unpredictability, use ALLOW "
        "FILTERING");
  }
}

StreamEnd stream_index_rows(const ReadPlan& plan, const IndexQuery& q, ExecContext& ctx,
                            const std::optional<PagingState>& from, RowSink& sink) {
  const TableDef& t = *plan.table;
  const WhereAnalysis& w = plan.where;
  const size_t pk_count = t.partition_key().size();
  StreamEnd end;
  if (q.value.empty()) return end;  // empty values are not indexed
  std::optional<std::vector<Bytes>> after;
  if (from) {
    std::vector<Bytes> key{common::encode_bigint(common::murmur3_token(from->partition_key)),
                           from->partition_key};
    key.insert(key.end(), from->clustering.begin(), from->clustering.end());
    after = std::move(key);
  }
  const int64_t token = common::murmur3_token(q.value);
  while (true) {
    storage::ReadOptions ro;
    ro.now = ctx.now;
    ro.row_limit = std::clamp<int64_t>(sink.wanted(""), 1, kMaxReadChunk);
    ro.after_clustering = after;
    auto entries = ctx.svc.coordinator.read_partition(*q.index->layout, q.value, token, ro, ctx.consistency);
    for (const auto& e : entries.rows) {
      after = e.clustering;
      if (e.clustering.size() < 2) continue;
      const int64_t base_token = common::decode_bigint(e.clustering[0]);
      if ((w.token_start && base_token < *w.token_start) || (w.token_end && base_token > *w.token_end))
        continue;
      const Bytes& base_pk = e.clustering[1];
      std::vector<Bytes> ck(e.clustering.begin() + 2, e.clustering.end());
      if (!plan.slices.empty() && !in_slices(ck, plan.slices, t)) continue;
      storage::ReadOptions br;
      br.now = ctx.now;
      br.row_limit = 1;
      if (!ck.empty()) {
        storage::Slice s;
        s.start.prefix = ck;
        s.end.prefix = ck;
        br.slices = {s};
      }
      auto base = ctx.svc.coordinator.read_partition(*t.layout, base_pk, base_token, br, ctx.consistency);
      if (base.rows.empty()) continue;  // a stale entry
      auto pk = split_partition_key(base_pk, pk_count);
      const storage::RowFragment* stat = base.static_row ? &base.static_row->fragment : nullptr;
      const auto& row = base.rows.front();
      RowView v{&t, &pk, &row.clustering, &row.fragment, stat, nullptr, base_token, ctx.now};
      if (sink.offer(v, base_pk) == Verdict::kStop) {
        end.stopped = true;
        return end;
      }
      PagingState s;
      s.partition_key = base_pk;
      s.has_clustering = true;
      s.clustering = row.clustering;
      end.last = std::move(s);
    }
    if (static_cast<int64_t>(entries.rows.size()) < ro.row_limit) return end;
  }
}

}  // namespace krill::cql
