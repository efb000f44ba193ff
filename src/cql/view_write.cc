// Materialized view maintenance: view rows recomputed from base rows (view.h).
#include <algorithm>
#include <set>

#include "common/murmur3.h"
#include "cql/view.h"

namespace krill::cql {

using common::Bytes;
using schema::ColumnDef;
using schema::ColumnKind;
using schema::TableDef;
using storage::Cell;
using storage::Liveness;
using storage::RowFragment;

namespace {

constexpr int64_t kBuildChunkPartitions = 64;

// One view row computed from a base row.
struct ViewRow {
  Bytes partition_key;
  std::vector<Bytes> clustering;
  RowFragment fragment;  // marker and cells, view column ids, timestamps raised
  int64_t max_timestamp = INT64_MIN;
};

const Cell* simple_cell(const RowFragment& f, uint32_t column_id) {
  for (const Cell& c : f.cells) {
    if (c.column_id == column_id && c.path.empty() && !c.is_tombstone()) return &c;
  }
  return nullptr;
}

std::optional<ViewRow> view_row(const TableDef& base, const TableDef& view, const std::vector<Bytes>& base_pk,
                                const std::vector<Bytes>& clustering, const RowFragment& row) {
  ViewRow out;
  const Cell* key_cell = nullptr;  // the view key column that is a regular base column
  std::vector<Bytes> pk_values;
  for (const ColumnDef& vc : view.columns) {
    if (vc.kind != ColumnKind::kPartitionKey && vc.kind != ColumnKind::kClustering) continue;
    const ColumnDef* bc = base.find_column(vc.name);
    if (!bc) return std::nullopt;
    Bytes value;
    if (bc->kind == ColumnKind::kPartitionKey) {
      value = base_pk[static_cast<size_t>(bc->position)];
    } else if (bc->kind == ColumnKind::kClustering) {
      value = clustering[static_cast<size_t>(bc->position)];
    } else {
      key_cell = simple_cell(row, bc->id);
      if (!key_cell) return std::nullopt;  // IS NOT NULL
      value = key_cell->value;
    }
    (vc.kind == ColumnKind::kPartitionKey ? pk_values : out.clustering).push_back(std::move(value));
  }
  if (pk_values.empty() || pk_values.front().empty()) return std::nullopt;
  out.partition_key = make_partition_key(pk_values);
  const int64_t floor = key_cell ? key_cell->timestamp : INT64_MIN;
  auto raise = [&](int64_t ts) {
    int64_t r = std::max(ts, floor);
    out.max_timestamp = std::max(out.max_timestamp, r);
    return r;
  };
  bool any_cell = false;
  std::optional<Liveness> from_cells;  // the newest cell's liveness, when every cell expires
  bool all_expiring = true;
  for (const ColumnDef& vc : view.columns) {
    if (vc.kind != ColumnKind::kRegular) continue;
    const ColumnDef* bc = base.find_column(vc.name);
    if (!bc || bc->kind != ColumnKind::kRegular) continue;
    for (const Cell& c : row.cells) {
      if (c.column_id != bc->id || c.is_tombstone()) continue;
      Cell copy = c;
      copy.column_id = vc.id;
      copy.timestamp = raise(c.timestamp);
      out.fragment.cells.push_back(std::move(copy));
    }
  }
  for (const Cell& c : row.cells) {  // liveness of a row without marker: any live base cell
    if (c.is_tombstone()) continue;
    any_cell = true;
    if (!(c.flags & Cell::kExpiring)) all_expiring = false;
    if (!from_cells || c.local_time > from_cells->expiry)
      from_cells = Liveness{c.timestamp, c.flags & Cell::kExpiring ? c.ttl : 0, c.local_time};
  }
  if (key_cell) {
    Liveness l{key_cell->timestamp, 0, 0};
    if (key_cell->flags & Cell::kExpiring) {
      l.ttl = key_cell->ttl;
      l.expiry = key_cell->local_time;
    }
    out.fragment.marker = l;
  } else if (row.marker) {
    out.fragment.marker = row.marker;
  } else if (any_cell) {
    Liveness l = *from_cells;
    if (!all_expiring) l.ttl = l.expiry = 0;
    out.fragment.marker = l;
  } else {
    return std::nullopt;
  }
  out.fragment.marker->timestamp = raise(out.fragment.marker->timestamp);
  std::stable_sort(out.fragment.cells.begin(), out.fragment.cells.end(), [](const Cell& a, const Cell& b) {
    return std::tie(a.column_id, a.path) < std::tie(b.column_id, b.path);
  });
  return out;
}

storage::PartitionWrite& view_partition(std::vector<storage::PartitionWrite>& out, const TableDef& view,
                                        const Bytes& key) {
  for (auto& w : out) {
    if (w.layout == view.layout && w.partition_key == key) return w;
  }
  storage::PartitionWrite w;
  w.layout = view.layout;
  w.partition_key = key;
  w.token = common::murmur3_token(key);
  out.push_back(std::move(w));
  return out.back();
}

void read_rows(const TableDef& base, const Bytes& key, int64_t token,
               const std::vector<storage::Slice>& slices, ExecContext& ctx, BaseRows& out) {
  storage::ReadOptions ro;
  ro.now = ctx.now;
  ro.slices = slices;
  ro.include_static = false;
  auto pd = ctx.svc.coordinator.read_partition(*base.layout, key, token, ro, coordinator::Consistency::kOne);
  for (auto& r : pd.rows) out[r.clustering] = std::move(r.fragment);
}

}  // namespace

BaseRows read_affected_rows(const TableDef& base, const storage::PartitionWrite& w, ExecContext& ctx) {
  BaseRows out;
  bool whole = w.partition_deletion.active() || !w.range_tombstones.empty() || base.clustering_key().empty();
  if (whole) {
    read_rows(base, w.partition_key, w.token, {}, ctx, out);
    return out;
  }
  std::set<std::vector<Bytes>> keys;
  for (const auto& r : w.rows) {
    if (!r.is_static) keys.insert(r.clustering);
  }
  for (const auto& k : keys) {
    storage::Slice s;
    s.start.prefix = k;
    s.end.prefix = k;
    read_rows(base, w.partition_key, w.token, {s}, ctx, out);
  }
  return out;
}

void view_updates(const TableDef& base, const TableDef& view, const storage::PartitionWrite& w,
                  const BaseRows& before, const BaseRows& after, int32_t now,
                  std::vector<storage::PartitionWrite>& out) {
  auto base_pk = split_partition_key(w.partition_key, base.partition_key().size());
  std::set<std::vector<Bytes>> keys;
  for (const auto& [k, r] : before) keys.insert(k);
  for (const auto& [k, r] : after) keys.insert(k);
  for (const auto& k : keys) {
    auto b = before.find(k);
    auto a = after.find(k);
    std::optional<ViewRow> old_row, new_row;
    if (b != before.end()) old_row = view_row(base, view, base_pk, k, b->second);
    if (a != after.end()) new_row = view_row(base, view, base_pk, k, a->second);
    const bool same_key = old_row && new_row && old_row->partition_key == new_row->partition_key &&
                          old_row->clustering == new_row->clustering;
    if (old_row && !same_key) {
      storage::RowWrite del;
      del.clustering = old_row->clustering;
      del.fragment.deletion = storage::Deletion{old_row->max_timestamp, now};
      view_partition(out, view, old_row->partition_key).rows.push_back(std::move(del));
    }
    if (!new_row) continue;
    if (same_key) {
      // Cells the base row lost: tombstones at the timestamps they had in the view.
      for (const Cell& c : old_row->fragment.cells) {
        bool kept =
            std::any_of(new_row->fragment.cells.begin(), new_row->fragment.cells.end(),
                        [&](const Cell& n) { return n.column_id == c.column_id && n.path == c.path; });
        if (kept) continue;
        Cell t;
        t.column_id = c.column_id;
        t.path = c.path;
        t.flags = Cell::kTombstone;
        t.timestamp = c.timestamp;
        t.local_time = now;
        new_row->fragment.cells.push_back(std::move(t));
      }
      std::stable_sort(new_row->fragment.cells.begin(), new_row->fragment.cells.end(),
                       [](const Cell& x, const Cell& y) {
                         return std::tie(x.column_id, x.path) < std::tie(y.column_id, y.path);
                       });
    }
    storage::RowWrite r;
    r.clustering = new_row->clustering;
    r.fragment = std::move(new_row->fragment);
    view_partition(out, view, new_row->partition_key).rows.push_back(std::move(r));
  }
}

void build_view(const TableDef& base, const TableDef& view, ExecContext& ctx) {
  storage::ScanOptions so;
  so.now = ctx.now;
  so.partition_limit = kBuildChunkPartitions;
  while (true) {
    auto scan = ctx.svc.coordinator.scan(*base.layout, so, coordinator::Consistency::kOne);
    std::vector<storage::PartitionWrite> writes;
    for (const auto& pd : scan.partitions) {
      storage::PartitionWrite w;
      w.layout = base.layout;
      w.partition_key = pd.partition_key;
      w.token = pd.token;
      BaseRows after;
      for (const auto& r : pd.rows) after[r.clustering] = r.fragment;
      view_updates(base, view, w, {}, after, ctx.now, writes);
    }
    if (!writes.empty()) ctx.svc.coordinator.mutate(writes, coordinator::Consistency::kOne);
    if (!scan.more || scan.partitions.empty()) return;
    so.start.token = scan.partitions.back().token;
    so.start.after_partition_key = scan.partitions.back().partition_key;
  }
}

}  // namespace krill::cql
