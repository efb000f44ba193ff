// Operations statistics of the RocksDB engine (internal to storage; engine.cc uses it):
// per-table figures read from RocksDB properties, running flushes and compactions from
// RocksDB's thread list, completed ones from an event listener, snapshot sizes from the
// file system, and memory use of the block cache and memtables.
//
// Thread safety: ActivityListener is called by RocksDB's background threads and read by
// request-pool threads; its state is guarded by one mutex (flushes and compactions are rare).
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/listener.h>

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "storage/engine.h"

namespace rocksdb {
class Cache;
class WriteBufferManager;
}  // namespace rocksdb

namespace krill::storage {

// Counts flushes and compactions per column family and keeps the most recent compactions.
class ActivityListener final : public rocksdb::EventListener {
 public:
  explicit ActivityListener(size_t history_limit = 32) : history_limit_(history_limit) {}

  void OnFlushCompleted(rocksdb::DB* db, const rocksdb::FlushJobInfo& info) override;
  void OnCompactionCompleted(rocksdb::DB* db, const rocksdb::CompactionJobInfo& info) override;

  // Flushes of the column family named `cf_name` since the engine opened.
  uint64_t flushes(const std::string& cf_name) const;
  // Totals and the recent history (newest first).
  void fill(Engine::CompactionStatus& out) const;

 private:
  size_t history_limit_;
  mutable std::mutex mu_;
  std::map<std::string, uint64_t> flushes_;          // GUARDED_BY(mu_), by column family name
  uint64_t flushes_total_ = 0;                       // GUARDED_BY(mu_)
  uint64_t compactions_ = 0;                         // GUARDED_BY(mu_)
  uint64_t bytes_read_ = 0, bytes_written_ = 0;      // GUARDED_BY(mu_)
  std::deque<Engine::CompletedCompaction> history_;  // GUARDED_BY(mu_), newest first
};

// The table id of a table column family name ("t_<id>"), or "" for other families.
std::string table_id_of_family(const std::string& cf_name);

// Fills the RocksDB-derived fields of `t` for one column family.
void fill_table_stats(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf, Engine::TableStats& t);

// Running flushes and compactions of table column families (RocksDB's thread list; needs
// DBOptions::enable_thread_tracking), plus the pending compaction bytes of the database.
void fill_running_jobs(rocksdb::DB& db, Engine::CompactionStatus& out);

// Writes <dir>/KRILL-FILES: "<table id> <file name>" for every live SST file of a table,
// so that snapshot sizes can be broken down per table. Best effort (errors are ignored).
void record_snapshot_files(rocksdb::DB& db, const std::string& dir);

// Size on disk and "true" size (bytes in files no other directory links to) of every
// snapshot under `snapshots_dir`, sorted by tag.
common::Result<std::vector<Engine::SnapshotSize>> measure_snapshots(const std::string& snapshots_dir);

// Memory held by the block cache and the memtables.
Engine::MemoryUse collect_memory(rocksdb::DB& db, const rocksdb::Cache& cache,
                                 const rocksdb::WriteBufferManager& wbm, uint64_t block_cache_budget);

// The rate a GenericRateLimiter is given for a compaction throughput in bytes per second;
// 0 (unthrottled) maps to a rate no disk reaches, so the limiter can always be retuned live.
int64_t limiter_rate(uint64_t bytes_per_second);

}  // namespace krill::storage
