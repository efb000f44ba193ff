// The local replica's storage engine: Krill's tables on one RocksDB database.
//
// One RocksDB DB per node; one column family per table ("t_<table id>") plus "meta" for
// the node's own metadata (schema). Keys and values follow docs/format.md (keys.h, row.h).
// Writes are blind Merge operands reconciled by a merge operator; reads apply partition,
// row and collection deletions and TTL expiry.
//
// Thread safety: all methods may be called concurrently from any thread, except that
// open() / close() bracket everything. Methods block on disk I/O: never call them from a
// reactor thread (the coordinator runs them on its blocking pool).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/error.h"
#include "storage/compaction_styles.h"
#include "storage/keys.h"
#include "storage/row.h"
#include "storage/wal_sync.h"

namespace rocksdb {
class Env;
}  // namespace rocksdb
namespace spdlog {
class logger;
}  // namespace spdlog

namespace krill::storage {

struct EngineOptions {
  std::string data_dir;  // the RocksDB directory lives in data_dir/db; snapshots in data_dir/snapshots
  uint64_t block_cache_bytes = 64ull << 20;
  // Shared by all memtables (write buffer manager). Memtable memory is charged to the block
  // cache, which is sized block_cache_bytes + write_buffer_bytes, so the two together stay
  // within that sum; writers stall (on the request pool) when memtables are full.
  uint64_t write_buffer_bytes = 32ull << 20;
  int background_jobs = 2;
  // Commit-log durability (wal_sync.h): when the WAL is fsynced relative to the ack.
  CommitlogSync commitlog_sync = CommitlogSync::kPeriodic;
  int commitlog_sync_period_ms = 10000;     // periodic: fsync interval
  int commitlog_sync_group_window_ms = 15;  // group: at most one fsync per window
  // Snapshot a table (whole-DB checkpoint) before drop_table / truncate_table.
  bool auto_snapshot = true;
  // Bytes per second that flushes and compactions may write; 0 = unthrottled.
  uint64_t compaction_throughput_bytes = 64ull << 20;
  // The file layer RocksDB uses; nullptr = the real one. Tests substitute a layer that
  // simulates power loss (power_loss_fs.h). Not owned; must outlive the engine.
  rocksdb::Env* env = nullptr;
  // Where RocksDB's own messages go (rocksdb_logger.h); nullptr = RocksDB's LOG file in db/.
  std::shared_ptr<spdlog::logger> log;
};

// The newest on-disk format this binary reads and writes (docs/format.md). Stored in the
// meta column family under kFormatVersionKey at creation; a newer one refuses to open.
constexpr int kStorageFormatVersion = 1;
constexpr const char* kFormatVersionKey = "local/format_version";

// A table as storage sees it: an id and its clustering layout.
struct TableLayout {
  std::string id;  // stable identifier (the table's uuid, as text)
  ClusteringLayout clustering;
  std::vector<uint32_t> dropped_column_ids;  // sorted; reads never return cells of these columns
  // Tombstones and expired cells older than this may be purged by compaction. The engine
  // learns a table's value from the layouts passed to write/read/scan (until then, and
  // after a restart until the first of these, it assumes the default: ten days).
  int32_t gc_grace_seconds = 864000;
};

// One row's worth of changes.
struct RowWrite {
  bool is_static = false;
  std::vector<common::Bytes> clustering;  // full clustering key (empty for static rows / no clustering)
  RowFragment fragment;
};

// Bound of a clustering slice: a clustering prefix (possibly empty = unbounded).
struct SliceBound {
  std::vector<common::Bytes> prefix;
  bool inclusive = true;
};

// Deletes every row whose clustering key lies between `start` and `end` (in storage order).
struct RangeTombstone {
  SliceBound start;
  SliceBound end;
  Deletion deletion;
};

// Changes to one partition.
struct PartitionWrite {
  std::shared_ptr<const TableLayout> layout;
  common::Bytes partition_key;  // serialized routing key
  int64_t token = 0;
  Deletion partition_deletion;  // active() when the whole partition is deleted
  std::vector<RangeTombstone> range_tombstones;
  std::vector<RowWrite> rows;
};

// A contiguous range of rows in clustering order.
struct Slice {
  SliceBound start;  // empty prefix: from the first row
  SliceBound end;    // empty prefix: to the last row
};

struct ReadOptions {
  std::vector<Slice> slices;  // empty: the whole partition; otherwise in clustering order, non-overlapping
  bool reversed = false;      // return rows in reverse clustering order
  int64_t row_limit = INT64_MAX;
  int32_t now = 0;  // seconds since epoch, for TTL expiry
  bool include_static = true;
  // Resume point for paging: only rows strictly after this full clustering key (in the
  // direction of the read: before it when reversed) are returned.
  std::optional<std::vector<common::Bytes>> after_clustering;
  // Read only memtables and the block cache, never the disk: when the data is elsewhere the
  // read returns Status::would_block() (for reads run on a reactor thread).
  bool cache_only = false;
};

struct RowData {
  std::vector<common::Bytes> clustering;
  RowFragment fragment;  // live cells only; marker present only if live
};

struct PartitionData {
  common::Bytes partition_key;
  int64_t token = 0;
  std::optional<RowData> static_row;  // only when it has live cells
  std::vector<RowData> rows;          // live rows only
};

// Where a range scan starts: a token, and optionally the partition key to start after
// (exclusive) within that token.
struct ScanStart {
  int64_t token = INT64_MIN;
  bool inclusive = true;
  std::optional<common::Bytes> after_partition_key;  // with token: resume strictly after this partition
};

struct ScanOptions {
  ScanStart start;
  std::optional<int64_t> end_token;  // inclusive; nullopt: to the end of the ring
  int64_t partition_limit = INT64_MAX;
  int64_t row_limit = INT64_MAX;  // stops after the partition holding the limit-th row
  int32_t now = 0;
  bool distinct = false;  // partition keys (and static rows) only
};

class Engine {
 public:
  // Opens (creating if needed) the database under options.data_dir. Existing table column
  // families are opened; the merge operator is installed on all of them.
  static common::Result<std::unique_ptr<Engine>> open(const EngineOptions& options);
  virtual ~Engine() = default;

  // Creates the table's column family, with the compaction settings recorded for it by
  // set_table_compaction (leveled defaults if none). Idempotent.
  virtual common::Status create_table(const std::string& table_id) = 0;
  // Records a table's compaction settings (compaction_styles.h), before or after its column
  // family exists. Returns true when they are in effect (or will be at creation), false when
  // the style differs from the one the column family was opened with: that part applies
  // the next time the engine opens; thresholds and file sizes apply at once.
  virtual common::Result<bool> set_table_compaction(const std::string& table_id,
                                                    const CompactionSettings& settings) = 0;
  // Drop and truncate first take a snapshot "<unix ms>-dropped-<id>" / "-truncated-<id>"
  // when options.auto_snapshot is set; a failed snapshot fails the operation.
  virtual common::Status drop_table(const std::string& table_id) = 0;  // idempotent
  virtual common::Status truncate_table(const std::string& table_id) = 0;

  // Applies all writes atomically (one RocksDB WriteBatch). The WAL is written before this
  // returns; it is fsynced before returning in batch and group modes, and also when `sync`
  // is set (e.g. LWT), whatever the mode.
  virtual common::Status write(const std::vector<PartitionWrite>& writes, bool sync) = 0;
  // write() for a reactor thread: never waits. Returns Status::would_block(), having written
  // nothing, when the write would stall (memtables full, too many files), needs an fsync
  // before its acknowledgement (batch and group commit logs) or a resume after a disk error.
  virtual common::Status write_no_wait(const std::vector<PartitionWrite>& writes) = 0;

  // Reads one partition.
  virtual common::Result<PartitionData> read_partition(const TableLayout& layout,
                                                       common::BytesView partition_key, int64_t token,
                                                       const ReadOptions& options) = 0;

  // Reads partitions in token order; `more` is true when the scan stopped at a limit.
  struct ScanResult {
    std::vector<PartitionData> partitions;
    bool more = false;
  };
  virtual common::Result<ScanResult> scan(const TableLayout& layout, const ScanOptions& options) = 0;

  // The "meta" column family: small key/value records (the schema).
  virtual common::Status put_meta(const std::string& key, const std::string& value, bool sync) = 0;
  virtual common::Status delete_meta(const std::string& key, bool sync) = 0;
  virtual common::Result<std::vector<std::pair<std::string, std::string>>> scan_meta(
      const std::string& prefix) = 0;

  // Flushes memtables and syncs the WAL (used by drain and before a clean exit).
  virtual common::Status flush() = 0;
  // Approximate bytes on disk for all tables.
  virtual uint64_t live_data_bytes() = 0;

  // Internal operations API (nodetool / HTTP later). All block; unknown table: error.
  // Flushes one table's memtable to disk.
  virtual common::Status flush_table(const std::string& table_id) = 0;
  // Flushes, then compacts the whole table into the bottom level; the compaction filter
  // (compaction_filter.h) purges tombstones and expired data older than gc_grace_seconds.
  virtual common::Status compact_table(const std::string& table_id) = 0;
  struct TableStats {
    uint64_t disk_bytes = 0;      // live SST bytes
    uint64_t estimated_keys = 0;  // RocksDB's estimate (exact after a full compaction)
    uint64_t memtable_bytes = 0;
    // The style the column family runs with now ("leveled" / "tiered"), and the recorded
    // one, which differs until the engine is reopened after a style change.
    std::string compaction_style = "leveled";
    std::string configured_compaction_style = "leveled";
    // Operations figures (engine_stats.cc; nodetool tablestats, the dashboard).
    uint64_t sstable_count = 0;
    std::vector<uint64_t> sstables_per_level;  // L0.. up to the last non-empty level
    uint64_t total_sst_bytes = 0;              // live + obsolete files not yet deleted
    uint64_t memtable_entries = 0;
    uint64_t pending_compaction_bytes = 0;
    bool compaction_pending = false;
    uint64_t flushes = 0;       // memtables flushed since the engine opened
    uint64_t raw_bytes = 0;     // uncompressed key + value bytes in SST files
    uint64_t data_bytes = 0;    // their data blocks on disk (compression ratio)
    uint64_t filter_bytes = 0;  // bloom filters
    uint64_t index_bytes = 0;
  };
  virtual common::Result<TableStats> table_stats(const std::string& table_id) = 0;

  // Compactions and flushes: running ones, totals and the recent history.
  struct BackgroundJob {
    std::string table_id;
    std::string kind;  // "COMPACTION" | "FLUSH"
    uint64_t job_id = 0;
    uint64_t bytes_done = 0;
    uint64_t bytes_total = 0;  // 0 when unknown
    uint64_t elapsed_micros = 0;
  };
  struct CompletedCompaction {
    std::string table_id;
    std::string reason;
    int64_t finished_ms = 0;  // unix time
    uint64_t bytes_in = 0, bytes_out = 0, elapsed_micros = 0;
  };
  struct CompactionStatus {
    std::vector<BackgroundJob> running;
    uint64_t pending_bytes = 0;  // RocksDB's estimate of bytes compaction still has to rewrite
    uint64_t completed = 0, bytes_read = 0, bytes_written = 0, flushes = 0;
    std::vector<CompletedCompaction> recent;  // newest first
  };
  virtual CompactionStatus compaction_status() = 0;
  // Bytes per second flushes and compactions may write, changeable while running; 0 = unthrottled.
  virtual void set_compaction_throughput(uint64_t bytes_per_second) = 0;
  virtual uint64_t compaction_throughput() = 0;
  struct SnapshotSize {
    std::string tag;
    uint64_t size_on_disk = 0;
    uint64_t true_size = 0;  // bytes only the snapshot holds (no longer in the live database)
    struct Table {
      std::string table_id;
      uint64_t size_on_disk = 0, true_size = 0;
    };
    std::vector<Table> tables;  // per table, from the file list recorded when it was taken
  };
  virtual common::Result<std::vector<SnapshotSize>> snapshot_sizes() = 0;
  struct MemoryUse {
    uint64_t block_cache_capacity = 0;  // holds the block cache and memtable budgets
    uint64_t block_cache_usage = 0;     // including memtable reservations
    uint64_t block_cache_budget = 0;    // the block cache's own share
    uint64_t memtable_bytes = 0;
    uint64_t memtable_budget = 0;
    uint64_t table_readers_bytes = 0;  // index and filter blocks outside the cache
  };
  virtual MemoryUse memory_use() = 0;

  // Bulk load (ingest.h): atomically adds SST files written by storage::SstWriter to the
  // table (all become visible at once, or none). The files must be on the database's
  // filesystem; they are moved into the database. Their Merge operands reconcile with
  // existing rows like normal writes. Unknown table or a refused file: error.
  virtual common::Status ingest_files(const std::string& table_id, const std::vector<std::string>& files) = 0;

  // Snapshots: a RocksDB checkpoint (hard links to the immutable SST files, a copy of the
  // manifest and WAL) of the whole database, meta column family included, at
  // <data_dir>/snapshots/<tag>/. `table_ids` names the tables the caller cares about
  // (recorded in the tag by callers; empty = all): the checkpoint always holds every table
  // so that it can be restored by copying it over <data_dir>/db (docs/storage.md).
  // Tags: [A-Za-z0-9._-], not starting with '.'; an existing tag is an error.
  virtual common::Status snapshot(const std::string& tag, const std::vector<std::string>& table_ids) = 0;
  virtual common::Result<std::vector<std::string>> list_snapshots() = 0;  // sorted tags
  // Removes one snapshot, or all when `tag` is empty.
  virtual common::Status clear_snapshot(const std::string& tag) = 0;

  // WAL fsyncs issued by the commit-log syncer (periodic/group modes; tests, metrics).
  virtual uint64_t wal_sync_count() = 0;
};

}  // namespace krill::storage
