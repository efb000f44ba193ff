#include "schema/schema.h"

namespace krill::schema {

const char* column_kind_name(ColumnKind k) {
  switch (k) {
    case ColumnKind::kPartitionKey:
      return "partition_key";
    case ColumnKind::kClustering:
      return "clustering";
    case ColumnKind::kStatic:
      return "static";
    case ColumnKind::kRegular:
      break;
  }
  return "regular";
}

const ColumnDef* TableDef::find_column(const std::string& n) const {
  for (const auto& c : columns) {
    if (c.name == n) return &c;
  }
  return nullptr;
}

std::vector<const ColumnDef*> TableDef::partition_key() const {
  std::vector<const ColumnDef*> out;
  for (const auto& c : columns) {
    if (c.kind == ColumnKind::kPartitionKey) out.push_back(&c);
  }
  return out;
}

std::vector<const ColumnDef*> TableDef::clustering_key() const {
  std::vector<const ColumnDef*> out;
  for (const auto& c : columns) {
    if (c.kind == ColumnKind::kClustering) out.push_back(&c);
  }
  return out;
}

bool TableDef::has_static_columns() const {
  for (const auto& c : columns) {
    if (c.kind == ColumnKind::kStatic) return true;
  }
  return false;
}

void TableDef::refresh_layout() {
  if (is_virtual) {
    layout = nullptr;
    return;
  }
  auto l = std::make_shared<storage::TableLayout>();
  l->id = id.to_string();
  l->gc_grace_seconds = params.gc_grace_seconds;  // read by storage's compaction filter
  for (const ColumnDef* c : clustering_key()) {
    l->clustering.types.push_back(c->type);
    l->clustering.descending.push_back(c->descending);
  }
  // Ids are handed out in order and never reused: every id below next_column_id that no
  // column holds belonged to a dropped column.
  std::vector<bool> used(next_column_id, false);
  for (const auto& c : columns) {
    if (c.id < next_column_id) used[c.id] = true;
  }
  for (uint32_t i = 0; i < next_column_id; ++i) {
    if (!used[i]) l->dropped_column_ids.push_back(i);
  }
  layout = std::move(l);
}

std::shared_ptr<const TableDef> KeyspaceDef::find_table(const std::string& n) const {
  auto it = tables.find(n);
  return it == tables.end() ? nullptr : it->second;
}

std::optional<common::DataType> KeyspaceDef::find_type(const std::string& n) const {
  auto it = types.find(n);
  if (it == types.end()) return std::nullopt;
  return it->second;
}

std::shared_ptr<const KeyspaceDef> Schema::find_keyspace(const std::string& n) const {
  auto it = keyspaces.find(n);
  return it == keyspaces.end() ? nullptr : it->second;
}

std::shared_ptr<const TableDef> Schema::find_table(const std::string& ks, const std::string& t) const {
  auto k = find_keyspace(ks);
  return k ? k->find_table(t) : nullptr;
}

}  // namespace krill::schema
