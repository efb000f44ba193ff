#include "storage/engine.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/rate_limiter.h>
#include <rocksdb/sst_file_manager.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/utilities/options_util.h>
#include <rocksdb/write_buffer_manager.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <unordered_map>

#include "storage/compaction_filter.h"
#include "storage/engine_stats.h"
#include "storage/ingest.h"
#include "storage/merge_operator.h"
#include "storage/partition_prefix.h"
#include "storage/partition_reader.h"
#include "storage/rocksdb_logger.h"

namespace krill::storage {
namespace {

using common::Bytes;
using common::BytesView;
using common::Result;
using common::Status;

constexpr const char* kMetaFamily = "meta";
constexpr const char* kTablePrefix = "t_";

Status from_rocks(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return Status::ok();
  if (s.IsNoSpace())
    return Status::no_space(what + ": no space left on the data disk (" + s.ToString() + ")");
  return Status::error(what + ": " + s.ToString());
}

int32_t wall_clock_seconds() { return static_cast<int32_t>(std::time(nullptr)); }

bool valid_tag(const std::string& tag) {
  if (tag.empty() || tag.size() > 200 || tag[0] == '.') return false;
  return std::all_of(tag.begin(), tag.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

// A table's column family and what its compaction filter knows about the table.
struct Family {
  std::shared_ptr<rocksdb::ColumnFamilyHandle> handle;
  std::shared_ptr<TableGcState> gc;
  CompactionSettings::Style opened_style = CompactionSettings::Style::kLeveled;  // fixed while open
};

class RocksEngine final : public Engine {
 public:
  RocksEngine(const EngineOptions& options) : options_(options) {}

  ~RocksEngine() override {
    if (syncer_) syncer_->stop();
    families_.clear();
    if (meta_ != nullptr) db_->DestroyColumnFamilyHandle(meta_);
    if (default_ != nullptr) db_->DestroyColumnFamilyHandle(default_);
    if (db_) db_->Close().PermitUncheckedError();
  }

  Status open() {
    // Memtables are charged to the block cache (dummy entries), so the cache holds both
    // budgets; allow_stall makes writers wait for a flush instead of overshooting.
    cache_ = rocksdb::NewLRUCache(options_.block_cache_bytes + options_.write_buffer_bytes);
    wbm_ = std::make_shared<rocksdb::WriteBufferManager>(options_.write_buffer_bytes, cache_,
                                                         /*allow_stall=*/true);
    db_options_.create_if_missing = true;
    db_options_.create_missing_column_families = true;
    db_options_.write_buffer_manager = wbm_;
    db_options_.max_background_jobs = options_.background_jobs;
    // Always a limiter (unthrottled = a rate no disk reaches) so that the throughput can be
    // changed while running (set_compaction_throughput).
    db_options_.rate_limiter.reset(
        rocksdb::NewGenericRateLimiter(limiter_rate(options_.compaction_throughput_bytes)));
    throughput_ = options_.compaction_throughput_bytes;
    // Running flushes and compactions are listed from RocksDB's thread list (engine_stats.cc).
    db_options_.enable_thread_tracking = true;
    db_options_.listeners.push_back(activity_);
    if (options_.env != nullptr) db_options_.env = options_.env;
    if (options_.log) db_options_.info_log = make_rocksdb_logger(options_.log);
    // Lets RocksDB recover by itself from a full disk once space is freed.
    db_options_.sst_file_manager.reset(rocksdb::NewSstFileManager(db_options_.env));
    // Compactions run at the lowest CPU priority (nice 19): on a machine with a core or two
    // they would otherwise take turns with the reactors and show as milliseconds of request
    // latency. Flushes keep the normal priority so that memtables drain and writes do not stall.
    db_options_.env->LowerThreadPoolCPUPriority(rocksdb::Env::Priority::LOW, rocksdb::CpuPriority::kLow)
        .PermitUncheckedError();
    // One filter instance must see a whole partition in key order (compaction_filter.h).
    db_options_.max_subcompactions = 1;
    // A writer that waits for another's write group (two reactors writing at once) sleeps
    // instead of calling sched_yield() for up to 100 µs: on a machine with few cores the
    // yielding took the CPU the group's leader needed (measured: L1 p99 20 -> 8 ms).
    db_options_.enable_write_thread_adaptive_yield = false;
    db_options_.keep_log_file_num = 5;
    db_options_.max_total_wal_size = 4 * options_.write_buffer_bytes;

    std::string path = options_.data_dir + "/db";
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) return Status::error("cannot create " + path + ": " + ec.message());

    auto styles = load_compaction_file(compaction_file());
    if (!styles.is_ok()) return styles.status();
    compaction_ = std::move(styles.value());

    std::vector<std::string> names;
    auto s = rocksdb::DB::ListColumnFamilies(db_options_, path, &names);
    if (!s.ok()) names = {rocksdb::kDefaultColumnFamilyName};
    bool has_meta = false;
    std::vector<rocksdb::ColumnFamilyDescriptor> descs;
    std::unordered_map<std::string, std::shared_ptr<TableGcState>> states;
    for (const auto& n : names) {
      std::shared_ptr<TableGcState> gc;
      if (n.rfind(kTablePrefix, 0) == 0) gc = states[n] = std::make_shared<TableGcState>();
      auto cf = family_options(gc);
      if (gc) apply_compaction(settings_for(n.substr(2)), cf);
      descs.emplace_back(n, cf);
      if (n == kMetaFamily) has_meta = true;
    }
    if (!has_meta) descs.emplace_back(kMetaFamily, family_options(nullptr));

    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    s = rocksdb::DB::Open(db_options_, path, descs, &handles, &raw);
    if (!s.ok()) return from_rocks(s, "opening " + path);
    db_.reset(raw);
    for (auto* h : handles) {
      const std::string& n = h->GetName();
      if (n == kMetaFamily) {
        meta_ = h;
      } else if (n == rocksdb::kDefaultColumnFamilyName) {
        default_ = h;
      } else if (n.rfind(kTablePrefix, 0) == 0) {
        families_[n.substr(2)] = Family{wrap(h), states[n], settings_for(n.substr(2)).style};
      } else {
        db_->DestroyColumnFamilyHandle(h);
      }
    }
    auto st = check_format_version();
    if (!st.is_ok()) return st;
    syncer_ =
        std::make_unique<WalSyncer>(options_.commitlog_sync, options_.commitlog_sync_period_ms,
                                    options_.commitlog_sync_group_window_ms, [this] { return sync_wal(); });
    return Status::ok();
  }

  // Refuses a database written by a newer format; records the version in a new one (or
  // in one written before the record existed, which is version 1).
  Status check_format_version() {
    std::string value;
    auto s = db_->Get(rocksdb::ReadOptions(), meta_, kFormatVersionKey, &value);
    if (s.IsNotFound()) {
      rocksdb::WriteOptions wo;
      wo.sync = true;
      return from_rocks(db_->Put(wo, meta_, kFormatVersionKey, std::to_string(kStorageFormatVersion)),
                        "writing the format version");
    }
    if (!s.ok()) return from_rocks(s, "reading the format version");
    int version = 0;
    try {
      version = std::stoi(value);
    } catch (const std::exception&) {
      return Status::error("corrupt format version record '" + value + "' in " + options_.data_dir + "/db");
    }
    if (version > kStorageFormatVersion) {
      return Status::error("the data in " + options_.data_dir + "/db has storage format version " +
                           std::to_string(version) + ", newer than this binary supports (" +
                           std::to_string(kStorageFormatVersion) +
                           "); run a newer Krill or restore a snapshot taken before the upgrade "
                           "(docs/format.md, \"Versions and roll-back\")");
    }
    return Status::ok();
  }

  Status create_table(const std::string& table_id) override {
    DdlGuard ddl(ddl_running_);
    std::unique_lock lock(mu_);
    if (families_.count(table_id)) return Status::ok();
    rocksdb::ColumnFamilyHandle* h = nullptr;
    auto gc = std::make_shared<TableGcState>();
    auto cf = family_options(gc);
    auto settings = settings_for(table_id);
    apply_compaction(settings, cf);
    auto s = db_->CreateColumnFamily(cf, kTablePrefix + table_id, &h);
    if (!s.ok()) return from_rocks(s, "creating table " + table_id);
    families_[table_id] = Family{wrap(h), gc, settings.style};
    return Status::ok();
  }

  Result<bool> set_table_compaction(const std::string& table_id,
                                    const CompactionSettings& settings) override {
    DdlGuard ddl(ddl_running_);
    std::unique_lock lock(mu_);
    auto it = compaction_.find(table_id);
    if (it == compaction_.end() || !(it->second == settings)) {
      auto next = compaction_;
      next[table_id] = settings;
      auto st = save_compaction_file(compaction_file(), next);
      if (!st.is_ok()) return st;
      compaction_ = std::move(next);
    }
    auto f = families_.find(table_id);
    if (f == families_.end()) return true;
    if (f->second.opened_style != settings.style) return false;
    std::unordered_map<std::string, std::string> changes;
    for (const auto& [k, v] : mutable_compaction_options(settings)) changes[k] = v;
    auto s = db_->SetOptions(f->second.handle.get(), changes);
    if (!s.ok()) return from_rocks(s, "changing compaction options of table " + table_id);
    return true;
  }

  Status drop_table(const std::string& table_id) override {
    if (!family(table_id)) return Status::ok();
    DdlGuard ddl(ddl_running_);
    if (options_.auto_snapshot) {
      // The schema already stopped naming the table (SchemaManager::persist writes the
      // meta records before dropping): the snapshot gets the meta as it was before that
      // last change, so that restoring it brings the table's definition back too.
      auto st = auto_snapshot("dropped", table_id, /*undo_last_meta_change=*/true);
      if (!st.is_ok()) return st;
    }
    std::shared_ptr<rocksdb::ColumnFamilyHandle> h;
    {
      std::unique_lock lock(mu_);
      auto it = families_.find(table_id);
      if (it == families_.end()) return Status::ok();
      h = it->second.handle;
      families_.erase(it);
      if (compaction_.erase(table_id) > 0) {
        // A stale line only costs a lookup at the next open: not worth failing the drop for.
        auto st = save_compaction_file(compaction_file(), compaction_);
        if (!st.is_ok() && options_.log) options_.log->warn("dropping table {}: {}", table_id, st.message());
      }
    }
    return from_rocks(db_->DropColumnFamily(h.get()), "dropping table " + table_id);
  }

  Status truncate_table(const std::string& table_id) override {
    auto h = family(table_id);
    if (!h) return Status::error("unknown table " + table_id);
    if (options_.auto_snapshot) {
      auto st = auto_snapshot("truncated", table_id, false);
      if (!st.is_ok()) return st;
    }
    // Delete the whole key space of the table; the range tombstone is cheap and compaction
    // reclaims the space.
    DdlGuard ddl(ddl_running_);
    std::string end(9, '\xff');
    auto s = db_->DeleteRange(rocksdb::WriteOptions(), h.get(), rocksdb::Slice(""), rocksdb::Slice(end));
    return from_rocks(s, "truncating table " + table_id);
  }

  // The writes as one batch; `keep` holds their column families open until it is applied.
  // `now`: for a reactor thread, would_block instead of waiting for a table being created or
  // dropped.
  Status build_batch(const std::vector<PartitionWrite>& writes, rocksdb::WriteBatch& batch,
                     std::vector<std::shared_ptr<rocksdb::ColumnFamilyHandle>>& keep, bool now = false) {
    for (const PartitionWrite& w : writes) {
      Family f;
      auto found = table_family(w.layout->id, now, f);
      if (!found.is_ok()) return found;
      f.gc->observe(w.layout);
      auto h = std::move(f.handle);
      rocksdb::ColumnFamilyHandle* cf = h.get();
      encode_partition_write(w, [&batch, cf](Bytes&& key, Bytes&& value) {
        batch.Merge(cf, key, value).PermitUncheckedError();
      });
      keep.push_back(std::move(h));
    }
    return Status::ok();
  }

  Status write_no_wait(const std::vector<PartitionWrite>& writes) override {
    // Only the periodic commit log acknowledges before an fsync; a stopped database resumes
    // with I/O. Both are the blocking path's.
    if (syncer_->mode() != CommitlogSync::kPeriodic) return Status::would_block("write waits for an fsync");
    if (writes_stopped_.load()) return Status::would_block("writes are stopped by a disk error");
    // Creating or dropping a column family holds RocksDB's write queue through a MANIFEST fsync.
    if (ddl_running_.load() > 0) return Status::would_block("a table is being created or dropped");
    rocksdb::WriteBatch batch;
    std::vector<std::shared_ptr<rocksdb::ColumnFamilyHandle>> keep;
    auto built = build_batch(writes, batch, keep, /*now=*/true);
    if (!built.is_ok()) return built;
    rocksdb::WriteOptions wo;
    wo.no_slowdown = true;  // a stall (memtables full, too many files) returns Incomplete instead
    auto s = db_->Write(wo, &batch);
    if (s.IsIncomplete()) return Status::would_block("write would stall");
    auto st = from_rocks(s, "write");
    if (!st.is_ok()) writes_stopped_ = true;
    return st;
  }

  Status write(const std::vector<PartitionWrite>& writes, bool sync) override {
    rocksdb::WriteBatch batch;
    std::vector<std::shared_ptr<rocksdb::ColumnFamilyHandle>> keep;
    auto built = build_batch(writes, batch, keep);
    if (!built.is_ok()) return built;
    // batch: RocksDB fsyncs before returning (one fsync per internal write group).
    // group: written unsynced, then wait for the group fsync that covers it.
    // periodic: written to the OS now, fsynced by the syncer's timer.
    const CommitlogSync mode = syncer_->mode();
    rocksdb::WriteOptions wo;
    wo.sync = mode == CommitlogSync::kBatch || (sync && mode == CommitlogSync::kPeriodic);
    auto ready = resume_writes();
    if (!ready.is_ok()) return ready;
    auto st = from_rocks(db_->Write(wo, &batch), "write");
    if (!st.is_ok()) {
      writes_stopped_ = true;  // RocksDB stops writes after an I/O error until Resume()
      return st;
    }
    if (mode != CommitlogSync::kGroup) return st;
    return syncer_->wait_durable();
  }

  // After a disk error (a full disk above all), RocksDB refuses writes until resumed, and
  // nothing may touch the write-ahead log meanwhile. Each write first tries to resume, so
  // the node recovers by itself once space is freed.
  Status resume_writes() {
    if (!writes_stopped_.load()) return Status::ok();
    std::lock_guard lock(resume_mu_);
    if (!writes_stopped_.load()) return Status::ok();
    auto s = db_->Resume();
    if (!s.ok()) return from_rocks(s, "write refused after a disk error");
    writes_stopped_ = false;
    return Status::ok();
  }

  Status sync_wal() {
    if (writes_stopped_.load())
      return Status::error("write-ahead log not synced: writes are stopped by a disk error");
    auto st = from_rocks(db_->SyncWAL(), "sync wal");
    if (!st.is_ok()) writes_stopped_ = true;
    return st;
  }

  Result<PartitionData> read_partition(const TableLayout& layout, BytesView partition_key, int64_t token,
                                       const ReadOptions& options) override {
    Family f;
    auto found = table_family(layout.id, options.cache_only, f);
    if (!found.is_ok()) return found;
    f.gc->observe(layout);
    if (point_readable(layout, options)) {
      PartitionData out;
      out.partition_key = Bytes(partition_key);
      out.token = token;
      auto s = read_point(*db_, f.handle.get(), layout, encode_partition_prefix(token, partition_key),
                          options, out);
      if (!s.is_ok()) return s;
      return out;
    }
    rocksdb::ReadOptions ro;
    ro.prefix_same_as_start = true;  // one partition: files whose filter rules it out are skipped
    if (options.cache_only) ro.read_tier = rocksdb::kBlockCacheTier;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, f.handle.get()));
    PartitionReader reader(it.get(), layout);
    PartitionData out;
    out.partition_key = Bytes(partition_key);
    out.token = token;
    Bytes prefix = encode_partition_prefix(token, partition_key);
    auto s = reader.read(prefix, options, out);
    if (!s.is_ok()) return s;
    return out;
  }

  Result<ScanResult> scan(const TableLayout& layout, const ScanOptions& options) override {
    Family f;
    auto found = table_family(layout.id, /*now=*/false, f);
    if (!found.is_ok()) return found;
    f.gc->observe(layout);
    rocksdb::ReadOptions ro;
    ro.total_order_seek = true;  // across partitions: the prefix filters do not apply
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, f.handle.get()));
    PartitionReader reader(it.get(), layout);
    ScanResult result;
    auto s = reader.scan(options, result.partitions, result.more);
    if (!s.is_ok()) return s;
    return result;
  }

  Status put_meta(const std::string& key, const std::string& value, bool sync) override {
    record_meta_undo(key, sync);
    rocksdb::WriteOptions wo;
    wo.sync = sync;
    return from_rocks(db_->Put(wo, meta_, key, value), "meta put");
  }

  Status delete_meta(const std::string& key, bool sync) override {
    record_meta_undo(key, sync);
    rocksdb::WriteOptions wo;
    wo.sync = sync;
    return from_rocks(db_->Delete(wo, meta_, key), "meta delete");
  }

  Result<std::vector<std::pair<std::string, std::string>>> scan_meta(const std::string& prefix) override {
    std::vector<std::pair<std::string, std::string>> out;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), meta_));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      out.emplace_back(it->key().ToString(), it->value().ToString());
    }
    if (!it->status().ok()) return from_rocks(it->status(), "meta scan");
    return out;
  }

  Status flush() override {
    std::vector<rocksdb::ColumnFamilyHandle*> all{meta_};
    std::vector<std::shared_ptr<rocksdb::ColumnFamilyHandle>> keep;
    {
      std::shared_lock lock(mu_);
      for (auto& [id, f] : families_) {
        all.push_back(f.handle.get());
        keep.push_back(f.handle);
      }
    }
    auto s = db_->Flush(rocksdb::FlushOptions(), all);
    if (!s.ok()) return from_rocks(s, "flush");
    return from_rocks(db_->SyncWAL(), "sync wal");
  }

  uint64_t live_data_bytes() override {
    uint64_t total = 0;
    db_->GetAggregatedIntProperty("rocksdb.live-sst-files-size", &total);
    return total;
  }

  Status flush_table(const std::string& table_id) override {
    auto h = family(table_id);
    if (!h) return Status::error("unknown table " + table_id);
    return from_rocks(db_->Flush(rocksdb::FlushOptions(), h.get()), "flushing table " + table_id);
  }

  Status compact_table(const std::string& table_id) override {
    auto h = family(table_id);
    if (!h) return Status::error("unknown table " + table_id);
    auto st = flush_table(table_id);
    if (!st.is_ok()) return st;
    rocksdb::CompactRangeOptions co;
    co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    co.exclusive_manual_compaction = false;
    // The filter sees merge results only once they are stored values: the first pass
    // merges operands into values, the second filters them (compaction_filter.h).
    for (int pass = 0; pass < 2; ++pass) {
      auto s = db_->CompactRange(co, h.get(), nullptr, nullptr);
      if (!s.ok()) return from_rocks(s, "compacting table " + table_id);
    }
    return Status::ok();
  }

  Status ingest_files(const std::string& table_id, const std::vector<std::string>& files) override {
    auto h = family(table_id);
    if (!h) return Status::error("unknown table " + table_id);
    auto ready = resume_writes();
    if (!ready.is_ok()) return ready;
    return ingest_sst_files(*db_, h.get(), files);
  }

  Result<TableStats> table_stats(const std::string& table_id) override {
    auto h = family(table_id);
    if (!h) return Status::error("unknown table " + table_id);
    TableStats t;
    db_->GetIntProperty(h.get(), "rocksdb.live-sst-files-size", &t.disk_bytes);
    db_->GetIntProperty(h.get(), "rocksdb.estimate-num-keys", &t.estimated_keys);
    db_->GetIntProperty(h.get(), "rocksdb.cur-size-all-mem-tables", &t.memtable_bytes);
    fill_table_stats(*db_, h.get(), t);
    t.flushes = activity_->flushes(kTablePrefix + table_id);
    {
      std::shared_lock lock(mu_);
      auto it = families_.find(table_id);
      if (it != families_.end()) t.compaction_style = style_name(it->second.opened_style);
      t.configured_compaction_style = style_name(settings_for(table_id).style);
    }
    return t;
  }

  Status snapshot(const std::string& tag, const std::vector<std::string>& table_ids) override {
    if (!valid_tag(tag)) return Status::error("invalid snapshot tag '" + tag + "'");
    for (const auto& id : table_ids) {
      if (!family(id)) return Status::error("unknown table " + id);
    }
    return checkpoint(tag, false);
  }

  Status checkpoint(const std::string& tag, bool undo_last_meta_change) {
    std::lock_guard lock(snapshot_mu_);
    std::string dir = snapshots_dir() + "/" + tag;
    std::error_code ec;
    if (std::filesystem::exists(dir, ec)) return Status::error("snapshot '" + tag + "' already exists");
    std::filesystem::create_directories(snapshots_dir(), ec);
    if (ec) return Status::error("cannot create " + snapshots_dir() + ": " + ec.message());
    rocksdb::Checkpoint* raw = nullptr;
    auto s = rocksdb::Checkpoint::Create(db_.get(), &raw);
    if (!s.ok()) return from_rocks(s, "snapshot " + tag);
    std::unique_ptr<rocksdb::Checkpoint> cp(raw);
    // Flushes memtables first (log_size_for_flush 0), then hard-links the SST files.
    s = cp->CreateCheckpoint(dir);
    if (!s.ok()) return from_rocks(s, "snapshot " + tag);
    record_snapshot_files(*db_, dir);  // which table each file belongs to (engine_stats.h)
    {
      // The compaction settings travel with the snapshot, so a restored table keeps its style.
      std::shared_lock lock(mu_);
      auto st = save_compaction_file(dir + "/KRILL-COMPACTION", compaction_);
      if (!st.is_ok()) return st;
    }
    if (!undo_last_meta_change) return Status::ok();
    MetaUndo undo;
    {
      std::lock_guard mlock(meta_mu_);
      undo = meta_undo_;
    }
    return revert_meta(dir, undo);
  }

  // One auto snapshot per schema change: DROP KEYSPACE or a table with indexes drops
  // several column families after one meta change set; the first checkpoint, taken before
  // any of them went, holds them all. Without meta changes (direct engine use) every call
  // snapshots.
  Status auto_snapshot(const char* what, const std::string& table_id, bool undo_last_meta_change) {
    {
      std::lock_guard lock(meta_mu_);
      if (!meta_undo_.empty() && set_snapshotted_) return Status::ok();
    }
    auto st = checkpoint(auto_tag(what, table_id), undo_last_meta_change);
    if (!st.is_ok()) return st;
    std::lock_guard lock(meta_mu_);
    set_snapshotted_ = true;
    return st;
  }

  using MetaUndo = std::vector<std::pair<std::string, std::optional<std::string>>>;

  // Remembers the value `key` had before the current meta change set. A change set ends
  // with a synced meta write (SchemaManager::persist ends each DDL with one).
  void record_meta_undo(const std::string& key, bool ends_set) {
    std::lock_guard lock(meta_mu_);
    if (meta_set_closed_) {
      meta_undo_.clear();
      set_snapshotted_ = false;
    }
    meta_set_closed_ = ends_set;
    for (const auto& [k, v] : meta_undo_) {
      if (k == key) return;
    }
    std::string old;
    auto s = db_->Get(rocksdb::ReadOptions(), meta_, key, &old);
    meta_undo_.emplace_back(key, s.ok() ? std::optional<std::string>(old) : std::nullopt);
  }

  // Opens the checkpoint at `dir` on its own and writes `undo` into its meta family.
  Status revert_meta(const std::string& dir, const MetaUndo& undo) {
    if (undo.empty()) return Status::ok();
    rocksdb::DBOptions o;
    o.create_if_missing = false;
    std::vector<std::string> names;
    auto s = rocksdb::DB::ListColumnFamilies(o, dir, &names);
    if (!s.ok()) return from_rocks(s, "reopening snapshot " + dir);
    std::vector<rocksdb::ColumnFamilyDescriptor> descs;
    for (const auto& n : names) {
      auto cf = family_options(nullptr);
      cf.disable_auto_compactions = true;  // leave the hard-linked files as they are
      descs.emplace_back(n, cf);
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    s = rocksdb::DB::Open(o, dir, descs, &handles, &raw);
    if (!s.ok()) return from_rocks(s, "reopening snapshot " + dir);
    std::unique_ptr<rocksdb::DB> db(raw);
    rocksdb::ColumnFamilyHandle* meta = nullptr;
    for (auto* h : handles) {
      if (h->GetName() == kMetaFamily) meta = h;
    }
    if (meta != nullptr) {
      rocksdb::WriteBatch batch;
      for (const auto& [k, v] : undo) {
        auto st = v ? batch.Put(meta, k, *v) : batch.Delete(meta, k);
        st.PermitUncheckedError();
      }
      rocksdb::WriteOptions wo;
      wo.sync = true;
      s = db->Write(wo, &batch);
      if (s.ok()) s = db->Flush(rocksdb::FlushOptions(), meta);
    }
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    auto closed = db->Close();
    if (s.ok()) s = closed;
    return from_rocks(s, "writing the schema into snapshot " + dir);
  }

  Result<std::vector<std::string>> list_snapshots() override {
    std::vector<std::string> tags;
    std::error_code ec;
    if (!std::filesystem::exists(snapshots_dir(), ec)) return tags;
    for (const auto& e : std::filesystem::directory_iterator(snapshots_dir(), ec)) {
      if (e.is_directory() && valid_tag(e.path().filename().string()))
        tags.push_back(e.path().filename().string());
    }
    if (ec) return Status::error("listing " + snapshots_dir() + ": " + ec.message());
    std::sort(tags.begin(), tags.end());
    return tags;
  }

  Status clear_snapshot(const std::string& tag) override {
    if (!tag.empty() && !valid_tag(tag)) return Status::error("invalid snapshot tag '" + tag + "'");
    std::lock_guard lock(snapshot_mu_);
    std::error_code ec;
    std::string dir = tag.empty() ? snapshots_dir() : snapshots_dir() + "/" + tag;
    std::filesystem::remove_all(dir, ec);
    if (ec) return Status::error("removing " + dir + ": " + ec.message());
    return Status::ok();
  }

  uint64_t wal_sync_count() override { return syncer_->sync_count(); }

  CompactionStatus compaction_status() override {
    CompactionStatus out;
    activity_->fill(out);
    fill_running_jobs(*db_, out);
    return out;
  }

  void set_compaction_throughput(uint64_t bytes_per_second) override {
    db_options_.rate_limiter->SetBytesPerSecond(limiter_rate(bytes_per_second));
    throughput_ = bytes_per_second;
  }

  uint64_t compaction_throughput() override { return throughput_.load(); }

  Result<std::vector<SnapshotSize>> snapshot_sizes() override {
    std::lock_guard lock(snapshot_mu_);
    return measure_snapshots(snapshots_dir());
  }

  MemoryUse memory_use() override { return collect_memory(*db_, *cache_, *wbm_, options_.block_cache_bytes); }

 private:
  // `gc`: the table's compaction-filter state; nullptr for meta/default (no filter).
  rocksdb::ColumnFamilyOptions family_options(std::shared_ptr<TableGcState> gc) const {
    rocksdb::ColumnFamilyOptions cf;
    cf.merge_operator = make_row_merge_operator();
    // One memtable is at most a quarter of the memtable budget: flushes stay small, and
    // so does the free space RocksDB waits for before it recovers from a full disk.
    cf.write_buffer_size = std::max<uint64_t>(1ull << 20, options_.write_buffer_bytes / 4);
    const bool table = gc != nullptr;
    if (table) cf.compaction_filter_factory = make_gc_filter_factory(std::move(gc), &wall_clock_seconds);
    rocksdb::BlockBasedTableOptions t;
    t.block_cache = cache_;
    t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    if (table) {
      // Partition bloom filters (partition_prefix.h). Point reads (read_point) look up keys
      // of one partition and use the same filter, so whole-key entries would be dead weight.
      cf.prefix_extractor = make_partition_prefix_extractor();
      t.whole_key_filtering = false;
      // The same filter in each memtable (1 % of its size): a point read skips the memtables
      // that do not hold the partition instead of searching their skip lists.
      cf.memtable_prefix_bloom_size_ratio = 0.01;
    }
    t.cache_index_and_filter_blocks = true;
    cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
    cf.compression = rocksdb::kLZ4Compression;
    cf.bottommost_compression = rocksdb::kLZ4Compression;
    return cf;
  }

  std::string compaction_file() const { return options_.data_dir + "/db/KRILL-COMPACTION"; }

  // REQUIRES: mu_ held, or open() running.
  CompactionSettings settings_for(const std::string& table_id) const {
    auto it = compaction_.find(table_id);
    return it == compaction_.end() ? CompactionSettings{} : it->second;
  }

  std::shared_ptr<rocksdb::ColumnFamilyHandle> wrap(rocksdb::ColumnFamilyHandle* h) {
    rocksdb::DB* db = db_.get();
    return std::shared_ptr<rocksdb::ColumnFamilyHandle>(
        h, [db](rocksdb::ColumnFamilyHandle* p) { db->DestroyColumnFamilyHandle(p).PermitUncheckedError(); });
  }

  std::shared_ptr<rocksdb::ColumnFamilyHandle> family(const std::string& id) {
    return family_entry(id).handle;
  }

  Family family_entry(const std::string& id) {
    std::shared_lock lock(mu_);
    auto it = families_.find(id);
    return it == families_.end() ? Family{} : it->second;
  }

  // The table's column family, or an "unknown table" error. `now` (a reactor thread):
  // would_block instead of waiting while DDL holds mu_ (it does through fsyncs).
  Status table_family(const std::string& id, bool now, Family& out) {
    std::shared_lock lock(mu_, std::defer_lock);
    if (!now) {
      lock.lock();
    } else if (!lock.try_lock()) {
      return Status::would_block("a table is being created or dropped");
    }
    auto it = families_.find(id);
    if (it == families_.end()) return Status::error("unknown table " + id);
    out = it->second;
    return Status::ok();
  }

  // Counts DDL under way (ddl_running_) for write_no_wait.
  class DdlGuard {
   public:
    explicit DdlGuard(std::atomic<int>& n) : n_(n) { n_.fetch_add(1); }
    ~DdlGuard() { n_.fetch_sub(1); }
    DdlGuard(const DdlGuard&) = delete;
    DdlGuard& operator=(const DdlGuard&) = delete;

   private:
    std::atomic<int>& n_;
  };

  static std::string auto_tag(const char* what, const std::string& table_id) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now().time_since_epoch());
    return std::to_string(ms.count()) + "-" + what + "-" + table_id;
  }

  std::string snapshots_dir() const { return options_.data_dir + "/snapshots"; }

  EngineOptions options_;
  rocksdb::DBOptions db_options_;
  std::shared_ptr<rocksdb::Cache> cache_;
  std::shared_ptr<rocksdb::WriteBufferManager> wbm_;
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ColumnFamilyHandle* meta_ = nullptr;
  rocksdb::ColumnFamilyHandle* default_ = nullptr;
  std::atomic<bool> writes_stopped_{false};
  std::atomic<int> ddl_running_{0};  // create/drop/truncate/compaction changes under way
  std::mutex resume_mu_;
  std::shared_mutex mu_;
  std::unordered_map<std::string, Family> families_;      // GUARDED_BY(mu_)
  std::map<std::string, CompactionSettings> compaction_;  // GUARDED_BY(mu_); mirrors compaction_file()
  std::unique_ptr<WalSyncer> syncer_;                     // set by open()
  std::shared_ptr<ActivityListener> activity_ = std::make_shared<ActivityListener>();
  std::atomic<uint64_t> throughput_{0};  // compaction throughput, bytes/s (0 = unthrottled)
  std::mutex snapshot_mu_;               // serializes snapshot creation/removal
  std::mutex meta_mu_;
  MetaUndo meta_undo_;            // GUARDED_BY(meta_mu_): the latest meta change set, undone
  bool meta_set_closed_ = true;   // GUARDED_BY(meta_mu_)
  bool set_snapshotted_ = false;  // GUARDED_BY(meta_mu_): an auto snapshot covers this change set
};

}  // namespace

Result<std::unique_ptr<Engine>> Engine::open(const EngineOptions& options) {
  auto engine = std::make_unique<RocksEngine>(options);
  auto s = engine->open();
  if (!s.is_ok()) return s;
  return std::unique_ptr<Engine>(std::move(engine));
}

}  // namespace krill::storage
