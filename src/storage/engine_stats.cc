#include "storage/engine_stats.h"

#include <rocksdb/cache.h>
#include <rocksdb/env.h>
#include <rocksdb/thread_status.h>
#include <rocksdb/write_buffer_manager.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

namespace krill::storage {

namespace {

constexpr const char* kTablePrefix = "t_";

uint64_t int_property(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf, const std::string& name) {
  uint64_t v = 0;
  if (!db.GetIntProperty(cf, name, &v)) return 0;
  return v;
}

uint64_t map_number(const std::map<std::string, std::string>& m, const char* key) {
  auto it = m.find(key);
  if (it == m.end()) return 0;
  try {
    return static_cast<uint64_t>(std::stod(it->second));
  } catch (...) {
    return 0;
  }
}

const char* reason_name(rocksdb::CompactionReason r) {
  switch (r) {
    case rocksdb::CompactionReason::kLevelL0FilesNum:
      return "L0 files";
    case rocksdb::CompactionReason::kLevelMaxLevelSize:
      return "level size";
    case rocksdb::CompactionReason::kUniversalSizeAmplification:
      return "size amplification";
    case rocksdb::CompactionReason::kUniversalSizeRatio:
      return "size ratio";
    case rocksdb::CompactionReason::kUniversalSortedRunNum:
      return "sorted runs";
    case rocksdb::CompactionReason::kManualCompaction:
      return "manual";
    case rocksdb::CompactionReason::kFilesMarkedForCompaction:
      return "marked files";
    case rocksdb::CompactionReason::kBottommostFiles:
      return "bottommost files";
    case rocksdb::CompactionReason::kTtl:
      return "ttl";
    default:
      return "other";
  }
}

}  // namespace

std::string table_id_of_family(const std::string& cf_name) {
  if (cf_name.rfind(kTablePrefix, 0) != 0) return "";
  return cf_name.substr(2);
}

void ActivityListener::OnFlushCompleted(rocksdb::DB*, const rocksdb::FlushJobInfo& info) {
  std::lock_guard lock(mu_);
  ++flushes_[info.cf_name];
  ++flushes_total_;
}

void ActivityListener::OnCompactionCompleted(rocksdb::DB*, const rocksdb::CompactionJobInfo& info) {
  if (!info.status.ok()) return;
  Engine::CompletedCompaction c;
  c.table_id = table_id_of_family(info.cf_name);
  c.reason = reason_name(info.compaction_reason);
  c.finished_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  c.bytes_in = info.stats.total_input_bytes;
  c.bytes_out = info.stats.total_output_bytes;
  c.elapsed_micros = info.stats.elapsed_micros;
  std::lock_guard lock(mu_);
  ++compactions_;
  bytes_read_ += c.bytes_in;
  bytes_written_ += c.bytes_out;
  if (c.table_id.empty()) return;  // meta: counted, not listed
  history_.push_front(std::move(c));
  while (history_.size() > history_limit_) history_.pop_back();
}

uint64_t ActivityListener::flushes(const std::string& cf_name) const {
  std::lock_guard lock(mu_);
  auto it = flushes_.find(cf_name);
  return it == flushes_.end() ? 0 : it->second;
}

void ActivityListener::fill(Engine::CompactionStatus& out) const {
  std::lock_guard lock(mu_);
  out.completed = compactions_;
  out.bytes_read = bytes_read_;
  out.bytes_written = bytes_written_;
  out.flushes = flushes_total_;
  out.recent.assign(history_.begin(), history_.end());
}

void fill_table_stats(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf, Engine::TableStats& t) {
  rocksdb::ColumnFamilyMetaData meta;
  db.GetColumnFamilyMetaData(cf, &meta);
  size_t last = 0;
  for (size_t i = 0; i < meta.levels.size(); ++i) {
    if (!meta.levels[i].files.empty()) last = i + 1;
  }
  t.sstables_per_level.clear();
  t.sstable_count = 0;
  for (size_t i = 0; i < last; ++i) {
    t.sstables_per_level.push_back(meta.levels[i].files.size());
    t.sstable_count += meta.levels[i].files.size();
  }
  t.total_sst_bytes = int_property(db, cf, "rocksdb.total-sst-files-size");
  t.memtable_entries = int_property(db, cf, "rocksdb.num-entries-active-mem-table") +
                       int_property(db, cf, "rocksdb.num-entries-imm-mem-tables");
  t.pending_compaction_bytes = int_property(db, cf, "rocksdb.estimate-pending-compaction-bytes");
  t.compaction_pending = int_property(db, cf, "rocksdb.compaction-pending") != 0;
  std::map<std::string, std::string> props;
  if (db.GetMapProperty(cf, rocksdb::DB::Properties::kAggregatedTableProperties, &props)) {
    t.raw_bytes = map_number(props, "raw_key_size") + map_number(props, "raw_value_size");
    t.data_bytes = map_number(props, "data_size");
    t.filter_bytes = map_number(props, "filter_size");
    t.index_bytes = map_number(props, "index_size");
  }
}

void fill_running_jobs(rocksdb::DB& db, Engine::CompactionStatus& out) {
  uint64_t pending = 0;
  db.GetAggregatedIntProperty("rocksdb.estimate-pending-compaction-bytes", &pending);
  out.pending_bytes = pending;
  std::vector<rocksdb::ThreadStatus> threads;
  if (!db.GetEnv()->GetThreadList(&threads).ok()) return;
  for (const auto& ts : threads) {
    const bool compaction = ts.operation_type == rocksdb::ThreadStatus::OP_COMPACTION;
    const bool flush = ts.operation_type == rocksdb::ThreadStatus::OP_FLUSH;
    if (!compaction && !flush) continue;
    std::string id = table_id_of_family(ts.cf_name);
    if (id.empty()) continue;
    auto props = rocksdb::ThreadStatus::InterpretOperationProperties(ts.operation_type, ts.op_properties);
    Engine::BackgroundJob job;
    job.table_id = std::move(id);
    job.kind = compaction ? "COMPACTION" : "FLUSH";
    job.job_id = props.count("JobID") ? props["JobID"] : 0;
    job.elapsed_micros = ts.op_elapsed_micros;
    if (compaction) {
      job.bytes_done = props["BytesRead"];
      job.bytes_total = props["TotalInputBytes"];
    } else {
      job.bytes_done = props["BytesWritten"];
      job.bytes_total = props["BytesMemtables"];
    }
    out.running.push_back(std::move(job));
  }
}

void record_snapshot_files(rocksdb::DB& db, const std::string& dir) {
  std::vector<rocksdb::LiveFileMetaData> files;
  db.GetLiveFilesMetaData(&files);
  std::ofstream out(dir + "/KRILL-FILES", std::ios::trunc);
  for (const auto& f : files) {
    std::string id = table_id_of_family(f.column_family_name);
    if (id.empty()) continue;
    std::string name = f.name;
    if (!name.empty() && name[0] == '/') name.erase(0, 1);
    out << id << ' ' << name << '\n';
  }
}

common::Result<std::vector<Engine::SnapshotSize>> measure_snapshots(const std::string& snapshots_dir) {
  namespace fs = std::filesystem;
  std::vector<Engine::SnapshotSize> out;
  std::error_code ec;
  if (!fs::exists(snapshots_dir, ec)) return out;
  for (const auto& dir : fs::directory_iterator(snapshots_dir, ec)) {
    if (!dir.is_directory(ec)) continue;
    Engine::SnapshotSize s;
    s.tag = dir.path().filename().string();
    std::map<std::string, std::string> owner;  // file name -> table id
    {
      std::ifstream in(dir.path() / "KRILL-FILES");
      std::string id, file;
      while (in >> id >> file) owner[file] = id;
    }
    std::map<std::string, Engine::SnapshotSize::Table> tables;
    for (const auto& f : fs::recursive_directory_iterator(dir.path(), ec)) {
      struct stat st {};
      if (::lstat(f.path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      const auto bytes = static_cast<uint64_t>(st.st_size);
      const bool only_here = st.st_nlink <= 1;
      s.size_on_disk += bytes;
      if (only_here) s.true_size += bytes;
      auto it = owner.find(f.path().filename().string());
      if (it == owner.end()) continue;
      auto& t = tables[it->second];
      t.table_id = it->second;
      t.size_on_disk += bytes;
      if (only_here) t.true_size += bytes;
    }
    for (auto& [id, t] : tables) s.tables.push_back(std::move(t));
    out.push_back(std::move(s));
  }
  if (ec) return common::Status::error("listing " + snapshots_dir + ": " + ec.message());
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.tag < b.tag; });
  return out;
}

Engine::MemoryUse collect_memory(rocksdb::DB& db, const rocksdb::Cache& cache,
                                 const rocksdb::WriteBufferManager& wbm, uint64_t block_cache_budget) {
  Engine::MemoryUse m;
  m.block_cache_capacity = cache.GetCapacity();
  m.block_cache_usage = cache.GetUsage();
  m.block_cache_budget = block_cache_budget;
  m.memtable_bytes = wbm.memory_usage();
  m.memtable_budget = wbm.buffer_size();
  uint64_t readers = 0;
  db.GetAggregatedIntProperty("rocksdb.estimate-table-readers-mem", &readers);
  m.table_readers_bytes = readers;
  return m;
}

int64_t limiter_rate(uint64_t bytes_per_second) {
  constexpr int64_t kUnthrottled = int64_t{1} << 40;  // 1 TiB/s
  if (bytes_per_second == 0 || bytes_per_second > static_cast<uint64_t>(kUnthrottled)) return kUnthrottled;
  return static_cast<int64_t>(bytes_per_second);
}

}  // namespace krill::storage
