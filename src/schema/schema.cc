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

namespace krill::schema {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_leveled(const std::string& cls) { return ends_with(cls, "LeveledCompactionStrategy"); }

bool is_tiered(const std::string& cls) {
  for (const char* name :
       {"SizeTieredCompactionStrategy", "TimeWindowCompactionStrategy", "DateTieredCompactionStrategy",
        "IncrementalCompactionStrategy", "UnifiedCompactionStrategy"}) {
    if (ends_with(cls, name)) return true;
  }
  return false;
}

// The option's integer value, or `fallback` when absent; nullopt when not an integer.
std::optional<int64_t> int_option(const std::map<std::string, std::string>& m, const std::string& key,
                                  int64_t fallback) {
  auto it = m.find(key);
  if (it == m.end()) return fallback;
  try {
    size_t used = 0;
    int64_t v = std::stoll(it->second, &used);
    if (used != it->second.size()) return std::nullopt;
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::string validate_compaction(const std::map<std::string, std::string>& m) {
  auto cls_it = m.find("class");
  std::string cls = cls_it == m.end() ? "" : cls_it->second;
  if (!is_leveled(cls) && !is_tiered(cls)) return "Unable to find compaction strategy class '" + cls + "'";
  auto min = int_option(m, "min_threshold", 4);
  auto max = int_option(m, "max_threshold", 32);
  if (!min || !max) return "min_threshold and max_threshold must be integers";
  if (*min < 2) return "min_threshold must be at least 2, was " + std::to_string(*min);
  if (*max < *min) {
    return "max_threshold (" + std::to_string(*max) + ") cannot be smaller than min_threshold (" +
           std::to_string(*min) + ")";
  }
  if (is_leveled(cls)) {
    auto size = int_option(m, "sstable_size_in_mb", 160);
    if (!size || *size <= 0) return "sstable_size_in_mb must be greater than 0";
  }
  return "";
}

storage::CompactionSettings compaction_settings(const TableParams& params) {
  const auto& m = params.compaction;
  storage::CompactionSettings s;
  auto cls = m.count("class") ? m.at("class") : "";
  if (is_leveled(cls)) {
    s.style = storage::CompactionSettings::Style::kLeveled;
    s.target_file_bytes = static_cast<uint64_t>(int_option(m, "sstable_size_in_mb", 160).value_or(160)) << 20;
  } else {
    s.style = storage::CompactionSettings::Style::kTiered;
    s.min_threshold = static_cast<int>(int_option(m, "min_threshold", 4).value_or(4));
    s.max_threshold = static_cast<int>(int_option(m, "max_threshold", 32).value_or(32));
  }
  return s;
}

}  // namespace krill::schema
