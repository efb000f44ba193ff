// Secondary index maintenance: the entries of base writes, and the build over existing data.
#include <algorithm>

#include "common/murmur3.h"
#include "common/values.h"
#include "cql/index.h"

namespace krill::cql {

using common::Bytes;
using common::TypeKind;
using schema::ColumnDef;
using schema::ColumnKind;
using schema::IndexDef;
using schema::TableDef;
using storage::Cell;
using storage::Liveness;
using storage::RowFragment;

namespace {

constexpr size_t kMaxIndexedValue = 65535;
constexpr int64_t kBuildChunkPartitions = 64;

Liveness cell_liveness(const Cell& c) {
  Liveness l;
  l.timestamp = c.timestamp;
  if (c.flags & Cell::kExpiring) {
    l.ttl = c.ttl;
    l.expiry = c.local_time;
  }
  return l;
}

// The liveness of a row for indexes on key columns: its marker, else its newest live cell.
std::optional<Liveness> row_liveness(const RowFragment& f) {
  std::optional<Liveness> best = f.marker;
  for (const Cell& c : f.cells) {
    if (c.is_tombstone() || (c.flags & Cell::kCounter)) continue;
    if (!best || c.timestamp > best->timestamp) best = Liveness{c.timestamp, 0, 0};
  }
  return best;
}

// The indexed values a row fragment writes for `idx` on column `c`, with their liveness.
void cell_values(const IndexDef& idx, const ColumnDef& c, const RowFragment& f,
                 std::vector<std::pair<Bytes, Liveness>>& out) {
  for (const Cell& cell : f.cells) {
    if (cell.column_id != c.id || cell.is_tombstone()) continue;
    Bytes v;
    if (!c.type.is_multi_cell()) {
      v = cell.value;
    } else if (c.type.kind() == TypeKind::kSet) {
      v = cell.path;
    } else if (c.type.kind() == TypeKind::kMap) {
      if (idx.target_kind == "keys")
        v = cell.path;
      else if (idx.target_kind == "entries")
        v = common::encode_elements({cell.path, cell.value});
      else
        v = cell.value;
    } else {
      v = cell.value;  // list values
    }
    out.emplace_back(std::move(v), cell_liveness(cell));
  }
}

storage::PartitionWrite& entry_partition(std::vector<storage::PartitionWrite>& out, const IndexDef& idx,
                                         const Bytes& value) {
  for (auto& w : out) {
    if (w.layout == idx.layout && w.partition_key == value) return w;
  }
  storage::PartitionWrite w;
  w.layout = idx.layout;
  w.partition_key = value;
  w.token = common::murmur3_token(value);
  out.push_back(std::move(w));
  return out.back();
}

}  // namespace

void add_index_entries(const TableDef& t, const storage::PartitionWrite& w,
                       std::vector<storage::PartitionWrite>& out) {
  if (t.indexes.empty()) return;
  std::vector<Bytes> pk;  // split on demand
  for (const IndexDef& idx : t.indexes) {
    const ColumnDef* c = t.find_column(idx.column);
    if (c == nullptr) continue;
    for (const auto& r : w.rows) {
      if (r.is_static != (c->kind == ColumnKind::kStatic)) continue;
      std::vector<std::pair<Bytes, Liveness>> values;
      if (c->kind == ColumnKind::kPartitionKey || c->kind == ColumnKind::kClustering) {
        auto live = row_liveness(r.fragment);
        if (!live) continue;
        if (c->kind == ColumnKind::kPartitionKey) {
          if (pk.empty()) pk = split_partition_key(w.partition_key, t.partition_key().size());
          values.emplace_back(pk[static_cast<size_t>(c->position)], *live);
        } else {
          values.emplace_back(r.clustering[static_cast<size_t>(c->position)], *live);
        }
      } else {
        cell_values(idx, *c, r.fragment, values);
      }
      for (auto& [value, live] : values) {
        if (value.empty() || value.size() > kMaxIndexedValue) continue;
        storage::RowWrite entry;
        entry.clustering.push_back(common::encode_bigint(w.token));
        entry.clustering.push_back(w.partition_key);
        if (!r.is_static)
          entry.clustering.insert(entry.clustering.end(), r.clustering.begin(), r.clustering.end());
        entry.fragment.marker = live;
        entry_partition(out, idx, value).rows.push_back(std::move(entry));
      }
    }
  }
}

void build_index(const TableDef& t, const IndexDef& index, ExecContext& ctx) {
  TableDef only = t;  // the same table with just this index
  only.indexes = {index};
  storage::ScanOptions so;
  so.now = ctx.now;
  so.partition_limit = kBuildChunkPartitions;
  while (true) {
    auto scan = ctx.svc.coordinator.scan(*t.layout, so, coordinator::Consistency::kOne);
    std::vector<storage::PartitionWrite> entries;
    for (const auto& pd : scan.partitions) {
      storage::PartitionWrite w;
      w.layout = t.layout;
      w.partition_key = pd.partition_key;
      w.token = pd.token;
      if (pd.static_row) w.rows.push_back(storage::RowWrite{true, {}, pd.static_row->fragment});
      for (const auto& r : pd.rows) w.rows.push_back(storage::RowWrite{false, r.clustering, r.fragment});
      add_index_entries(only, w, entries);
    }
    if (!entries.empty()) ctx.svc.coordinator.mutate(entries, coordinator::Consistency::kOne);
    if (!scan.more || scan.partitions.empty()) return;
    so.start.token = scan.partitions.back().token;
    so.start.inclusive = true;
    so.start.after_partition_key = scan.partitions.back().partition_key;
  }
}

}  // namespace krill::cql
