#include "node/admin_ops.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>

#include "admin/metrics.h"
#include "schema/schema_manager.h"
#include "storage/engine.h"

namespace krill::node {

namespace {

constexpr const char* kSnapshotRecord = "KRILL-SNAPSHOT";
// How long listed snapshot sizes are reused (a walk of the snapshot directories).
constexpr auto kSnapshotSizeCacheTtl = std::chrono::seconds(10);
// A compaction "task" for the pending-task estimate (Cassandra counts tasks, RocksDB bytes).
constexpr uint64_t kPendingTaskBytes = 64ull << 20;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A storage table of the schema: a table or one of its indexes.
struct StoredTable {
  std::string keyspace, table, id;
  bool is_index = false;
};

// Every stored table of `keyspace` (all when empty), or the one named `table` (with no
// indexes). Returns an error for unknown names.
std::string stored_tables(const schema::Schema& schema, const std::string& keyspace, const std::string& table,
                          std::vector<StoredTable>& out) {
  if (!keyspace.empty() && !schema.find_keyspace(keyspace)) return "unknown keyspace " + keyspace;
  for (const auto& [ks_name, ks] : schema.keyspaces) {
    if (!keyspace.empty() && ks_name != keyspace) continue;
    bool found = false;
    for (const auto& [name, t] : ks->tables) {
      if (!table.empty() && name != table) continue;
      found = true;
      if (!t->layout) continue;  // virtual
      out.push_back({ks_name, name, t->layout->id, false});
      if (!table.empty()) continue;
      for (const auto& index : t->indexes) {
        if (index.layout) out.push_back({ks_name, name + "." + index.name, index.layout->id, true});
      }
    }
    if (!table.empty() && !found) return "unknown table " + keyspace + "." + table;
  }
  return "";
}

// Table id -> (keyspace, table) for every stored table of the current schema.
std::map<std::string, std::pair<std::string, std::string>> names_by_id(const schema::Schema& schema) {
  std::vector<StoredTable> all;
  stored_tables(schema, "", "", all);
  std::map<std::string, std::pair<std::string, std::string>> out;
  for (auto& t : all) out[t.id] = {t.keyspace, t.table};
  return out;
}

struct SnapshotRecord {
  int64_t created_ms = 0;
  std::vector<std::string> keyspaces;
  std::vector<StoredTable> tables;
  bool present = false;
};

SnapshotRecord read_record(const std::string& dir) {
  SnapshotRecord r;
  std::ifstream in(dir + "/" + kSnapshotRecord);
  if (!in) return r;
  r.present = true;
  std::string kind;
  while (in >> kind) {
    if (kind == "created_ms") {
      in >> r.created_ms;
    } else if (kind == "keyspace") {
      std::string ks;
      in >> ks;
      r.keyspaces.push_back(ks);
    } else if (kind == "table") {
      StoredTable t;
      in >> t.keyspace >> t.table >> t.id;
      r.tables.push_back(t);
    } else {
      std::string rest;
      std::getline(in, rest);
    }
  }
  return r;
}

class AdminOps final : public admin::NodeOps {
 public:
  explicit AdminOps(AdminOpsDeps d) : d_(std::move(d)) {}

  std::string tables(const std::string& keyspace, const std::string& table,
                     std::vector<admin::TableReport>& out) override {
    std::vector<StoredTable> list;
    std::string err = stored_tables(*d_.schema->current(), keyspace, table, list);
    if (!err.empty()) return err;
    auto snapshot_bytes = snapshot_bytes_by_table();
    for (const auto& t : list) {
      auto st = d_.engine->table_stats(t.id);
      if (!st.is_ok()) continue;  // dropped meanwhile
      const auto& s = st.value();
      admin::TableReport r;
      r.keyspace = t.keyspace;
      r.table = t.table;
      r.id = t.id;
      r.is_index = t.is_index;
      r.compaction_style = s.compaction_style;
      r.sstable_count = s.sstable_count;
      r.sstables_per_level = s.sstables_per_level;
      r.live_bytes = s.disk_bytes;
      r.total_bytes = std::max(s.total_sst_bytes, s.disk_bytes);
      r.memtable_bytes = s.memtable_bytes;
      r.memtable_entries = s.memtable_entries;
      r.estimated_partitions = s.estimated_keys;
      r.flushes = s.flushes;
      r.pending_compaction_bytes = s.pending_compaction_bytes;
      r.compaction_pending = s.compaction_pending;
      r.raw_bytes = s.raw_bytes;
      r.data_bytes = s.data_bytes;
      r.filter_bytes = s.filter_bytes;
      r.index_bytes = s.index_bytes;
      if (auto it = snapshot_bytes.find(t.id); it != snapshot_bytes.end()) r.snapshot_bytes = it->second;
      out.push_back(std::move(r));
    }
    return "";
  }

  std::string flush(const std::string& keyspace, const std::vector<std::string>& tables) override {
    return each_table(keyspace, tables, [this](const std::string& id) { return d_.engine->flush_table(id); });
  }

  std::string compact(const std::string& keyspace, const std::vector<std::string>& tables) override {
    return each_table(keyspace, tables,
                      [this](const std::string& id) { return d_.engine->compact_table(id); });
  }

  std::string snapshot(const std::string& tag, const std::vector<std::string>& keyspaces,
                       const std::string& table) override {
    auto schema = d_.schema->current();
    std::vector<std::string> names = keyspaces;
    if (names.empty()) {
      for (const auto& [name, ks] : schema->keyspaces) names.push_back(name);
    }
    std::vector<StoredTable> tables;
    for (const auto& ks : names) {
      std::string err = stored_tables(*schema, ks, table, tables);
      if (!err.empty()) return err;
    }
    std::vector<std::string> ids;
    for (const auto& t : tables) ids.push_back(t.id);
    auto st = d_.engine->snapshot(tag, ids);
    if (!st.is_ok()) {
      const std::string& m = st.message();
      if (m.rfind("invalid snapshot tag", 0) == 0) return "invalid request: " + m;
      if (m.find("already exists") != std::string::npos) return "invalid request: " + m;
      return m;
    }
    std::ofstream out(snapshot_dir(tag) + "/" + kSnapshotRecord, std::ios::trunc);
    out << "created_ms " << now_ms() << "\n";
    for (const auto& ks : names) out << "keyspace " << ks << "\n";
    for (const auto& t : tables) out << "table " << t.keyspace << " " << t.table << " " << t.id << "\n";
    out.close();
    forget_snapshot_sizes();
    if (d_.log) d_.log->info("Snapshot {} taken ({} tables)", tag, tables.size());
    return "";
  }

  std::string snapshots(std::vector<admin::SnapshotReport>& out) override {
    auto sizes = d_.engine->snapshot_sizes();
    if (!sizes.is_ok()) return sizes.status().message();
    auto names = names_by_id(*d_.schema->current());
    for (const auto& s : sizes.value()) {
      admin::SnapshotReport r;
      r.tag = s.tag;
      r.size_on_disk = s.size_on_disk;
      r.true_size = s.true_size;
      SnapshotRecord rec = read_record(snapshot_dir(s.tag));
      r.created_ms = rec.created_ms;
      std::map<std::string, const storage::Engine::SnapshotSize::Table*> by_id;
      for (const auto& t : s.tables) by_id[t.table_id] = &t;
      std::vector<StoredTable> listed = rec.tables;
      if (!rec.present) {
        // An automatic snapshot (before DROP / TRUNCATE): name what it holds as well as we can.
        for (const auto& t : s.tables) {
          auto it = names.find(t.table_id);
          listed.push_back(it != names.end()
                               ? StoredTable{it->second.first, it->second.second, t.table_id, false}
                               : StoredTable{"(dropped)", t.table_id, t.table_id, false});
        }
      }
      for (const auto& t : listed) {
        admin::SnapshotTable row;
        row.keyspace = t.keyspace;
        row.table = t.table;
        if (auto it = by_id.find(t.id); it != by_id.end()) {
          row.size_on_disk = it->second->size_on_disk;
          row.true_size = it->second->true_size;
        }
        r.tables.push_back(std::move(row));
      }
      out.push_back(std::move(r));
    }
    return "";
  }

  std::string clear_snapshot(const std::string& tag, const std::vector<std::string>& keyspaces) override {
    auto tags = d_.engine->list_snapshots();
    if (!tags.is_ok()) return tags.status().message();
    const std::set<std::string> wanted(keyspaces.begin(), keyspaces.end());
    for (const auto& t : tags.value()) {
      if (!tag.empty() && t != tag) continue;
      if (!wanted.empty()) {
        SnapshotRecord rec = read_record(snapshot_dir(t));
        if (!rec.present) continue;
        bool inside = std::all_of(rec.keyspaces.begin(), rec.keyspaces.end(),
                                  [&wanted](const std::string& ks) { return wanted.count(ks) > 0; });
        if (!inside) continue;
      }
      auto st = d_.engine->clear_snapshot(t);
      if (!st.is_ok()) return st.message();
      if (d_.log) d_.log->info("Snapshot {} cleared", t);
    }
    forget_snapshot_sizes();
    return "";
  }

  std::string drain() override {
    int expected = kNormal;
    if (!mode_.compare_exchange_strong(expected, kDraining)) return "";  // draining or drained already
    if (d_.log) d_.log->info("DRAINING: starting drain process");
    if (d_.serving) *d_.serving = false;
    if (d_.stop_cql) d_.stop_cql();
    auto st = d_.engine->flush();
    mode_ = kDrained;
    if (d_.log) d_.log->info("DRAINED");
    return st.is_ok() ? "" : "drain: " + st.message();
  }

  std::string operation_mode() override {
    switch (mode_.load()) {
      case kDraining:
        return "DRAINING";
      case kDrained:
        return "DRAINED";
      default:
        return "NORMAL";
    }
  }

  uint64_t compaction_throughput_mb() override { return d_.engine->compaction_throughput() >> 20; }

  std::string set_compaction_throughput_mb(uint64_t mb) override {
    d_.engine->set_compaction_throughput(mb << 20);
    if (d_.log) d_.log->info("compaction_throughput_mb_per_sec set to {}", mb);
    return "";
  }

  admin::CompactionReport compactions() override {
    auto c = d_.engine->compaction_status();
    auto schema = d_.schema->current();
    auto names = names_by_id(*schema);
    auto name_of = [&names](const std::string& id) {
      auto it = names.find(id);
      return it != names.end() ? it->second : std::make_pair(std::string("(dropped)"), id);
    };
    admin::CompactionReport r;
    r.pending_bytes = c.pending_bytes;
    r.completed = c.completed;
    r.bytes_read = c.bytes_read;
    r.bytes_written = c.bytes_written;
    r.flushes = c.flushes;
    for (const auto& j : c.running) {
      auto [ks, t] = name_of(j.table_id);
      r.running.push_back({ks, t, j.kind, j.job_id, j.bytes_done, j.bytes_total, j.elapsed_micros});
    }
    for (const auto& h : c.recent) {
      auto [ks, t] = name_of(h.table_id);
      r.recent.push_back({ks, t, h.reason, h.finished_ms, h.bytes_in, h.bytes_out, h.elapsed_micros});
    }
    for (const auto& [id, name] : names) {
      auto st = d_.engine->table_stats(id);
      if (!st.is_ok() || !st.value().compaction_pending) continue;
      uint64_t tasks = std::max<uint64_t>(1, st.value().pending_compaction_bytes / kPendingTaskBytes);
      r.pending.push_back({name.first, name.second, tasks});
    }
    return r;
  }

  admin::MemoryReport memory() override {
    auto m = d_.engine->memory_use();
    admin::MemoryReport r;
    r.budget = d_.memory_budget;
    r.rss = admin::read_rss_bytes();
    r.block_cache_capacity = m.block_cache_capacity;
    r.block_cache_usage = m.block_cache_usage;
    r.block_cache_budget = m.block_cache_budget;
    r.memtable_bytes = m.memtable_bytes;
    r.memtable_budget = m.memtable_budget;
    r.table_readers_bytes = m.table_readers_bytes;
    r.request_bytes = d_.request_bytes ? d_.request_bytes() : 0;
    r.request_budget = d_.request_budget;
    return r;
  }

 private:
  enum Mode : int { kNormal, kDraining, kDrained };

  std::string snapshot_dir(const std::string& tag) const { return d_.data_dir + "/snapshots/" + tag; }

  template <typename F>
  std::string each_table(const std::string& keyspace, const std::vector<std::string>& tables, F f) {
    auto schema = d_.schema->current();
    std::vector<StoredTable> list;
    if (tables.empty()) {
      std::string err = stored_tables(*schema, keyspace, "", list);
      if (!err.empty()) return err;
    } else {
      for (const auto& t : tables) {
        std::string err = stored_tables(*schema, keyspace, t, list);
        if (!err.empty()) return err;
      }
    }
    for (const auto& t : list) {
      auto st = f(t.id);
      if (!st.is_ok()) return t.keyspace + "." + t.table + ": " + st.message();
    }
    return "";
  }

  // Bytes of each table's files in snapshots, cached for kSnapshotSizeCacheTtl.
  std::map<std::string, uint64_t> snapshot_bytes_by_table() {
    std::lock_guard lock(cache_mu_);
    auto now = std::chrono::steady_clock::now();
    if (cache_valid_ && now - cache_time_ < kSnapshotSizeCacheTtl) return cache_;
    cache_.clear();
    auto sizes = d_.engine->snapshot_sizes();
    if (sizes.is_ok()) {
      for (const auto& s : sizes.value()) {
        for (const auto& t : s.tables) cache_[t.table_id] += t.size_on_disk;
      }
    }
    cache_time_ = now;
    cache_valid_ = true;
    return cache_;
  }

  void forget_snapshot_sizes() {
    std::lock_guard lock(cache_mu_);
    cache_valid_ = false;
  }

  AdminOpsDeps d_;
  std::atomic<int> mode_{kNormal};
  std::mutex cache_mu_;
  bool cache_valid_ = false;                          // GUARDED_BY(cache_mu_)
  std::chrono::steady_clock::time_point cache_time_;  // GUARDED_BY(cache_mu_)
  std::map<std::string, uint64_t> cache_;             // GUARDED_BY(cache_mu_)
};

}  // namespace

std::shared_ptr<admin::NodeOps> make_admin_ops(AdminOpsDeps deps) {
  return std::make_shared<AdminOps>(std::move(deps));
}

}  // namespace krill::node
