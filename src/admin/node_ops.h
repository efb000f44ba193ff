// The operations the admin API (nodetool, the dashboard) asks of the node: table figures,
// flush / compact / snapshot / drain, compaction throughput, memory use.
//
// The node implements NodeOps (node/admin_ops.cc) and hands it to AdminApi in NodeView::ops;
// admin never includes storage or schema, so the reports below are plain data.
// Every method may block on storage and is called only on the request pool. Methods that
// can fail return "" or an error message; a message starting with "unknown keyspace",
// "unknown table" or "invalid" is the caller's fault (HTTP 400), others are HTTP 500.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace krill::admin {

struct TableReport {
  std::string keyspace;
  std::string table;  // for an index: "<table>.<index>"
  std::string id;     // storage id: looks up the table's latencies in Metrics::tables
  bool is_index = false;
  std::string compaction_style;  // "leveled" | "tiered"
  uint64_t sstable_count = 0;
  std::vector<uint64_t> sstables_per_level;
  uint64_t live_bytes = 0, total_bytes = 0;
  uint64_t memtable_bytes = 0, memtable_entries = 0;
  uint64_t estimated_partitions = 0;  // RocksDB's key estimate (rows, not partitions)
  uint64_t flushes = 0;
  uint64_t pending_compaction_bytes = 0;
  bool compaction_pending = false;
  uint64_t raw_bytes = 0, data_bytes = 0, filter_bytes = 0, index_bytes = 0;
  uint64_t snapshot_bytes = 0;  // size on disk of this table's files in snapshots
};

struct CompactionJob {
  std::string keyspace, table, kind;  // kind: "COMPACTION" | "FLUSH"
  uint64_t id = 0, bytes_done = 0, bytes_total = 0, elapsed_micros = 0;
};

struct CompactionRecord {
  std::string keyspace, table, reason;
  int64_t finished_ms = 0;
  uint64_t bytes_in = 0, bytes_out = 0, elapsed_micros = 0;
};

struct PendingCompaction {
  std::string keyspace, table;
  uint64_t tasks = 0;
};

struct CompactionReport {
  std::vector<CompactionJob> running;
  std::vector<PendingCompaction> pending;  // tables with work pending
  std::vector<CompactionRecord> recent;    // newest first
  uint64_t pending_bytes = 0, completed = 0, bytes_read = 0, bytes_written = 0, flushes = 0;
};

struct SnapshotTable {
  std::string keyspace, table;
  uint64_t size_on_disk = 0, true_size = 0;
};

struct SnapshotReport {
  std::string tag;
  int64_t created_ms = 0;  // 0 when unknown
  uint64_t size_on_disk = 0, true_size = 0;
  std::vector<SnapshotTable> tables;
};

struct MemoryReport {
  uint64_t budget = 0;  // --memory
  uint64_t rss = 0;
  uint64_t block_cache_capacity = 0, block_cache_usage = 0, block_cache_budget = 0;
  uint64_t memtable_bytes = 0, memtable_budget = 0;
  uint64_t table_readers_bytes = 0;
  uint64_t request_bytes = 0, request_budget = 0;  // CQL request memory in flight / limit
};

class NodeOps {
 public:
  virtual ~NodeOps() = default;

  // Tables (and their indexes) of `keyspace`, or one `table` of it; every keyspace when
  // `keyspace` is empty.
  virtual std::string tables(const std::string& keyspace, const std::string& table,
                             std::vector<TableReport>& out) = 0;
  // Flush or compact the named tables of a keyspace (all of them when `tables` is empty), or
  // every table when `keyspace` is empty too.
  virtual std::string flush(const std::string& keyspace, const std::vector<std::string>& tables) = 0;
  virtual std::string compact(const std::string& keyspace, const std::vector<std::string>& tables) = 0;
  // Takes snapshot `tag` of `keyspaces` (all when empty), or of one `table` of the single
  // keyspace given. Tags: [A-Za-z0-9._-].
  virtual std::string snapshot(const std::string& tag, const std::vector<std::string>& keyspaces,
                               const std::string& table) = 0;
  virtual std::string snapshots(std::vector<SnapshotReport>& out) = 0;
  // Removes snapshot `tag` (every snapshot when empty); with `keyspaces`, only snapshots
  // that hold nothing but tables of those keyspaces.
  virtual std::string clear_snapshot(const std::string& tag, const std::vector<std::string>& keyspaces) = 0;
  // Stops CQL (closes the listener and every connection after in-flight requests finish)
  // and flushes every table; the process stays up for the HTTP API until SIGTERM.
  virtual std::string drain() = 0;
  virtual std::string operation_mode() = 0;         // "NORMAL" | "DRAINING" | "DRAINED"
  virtual uint64_t compaction_throughput_mb() = 0;  // 0 = unthrottled
  virtual std::string set_compaction_throughput_mb(uint64_t mb_per_second) = 0;
  virtual CompactionReport compactions() = 0;
  virtual MemoryReport memory() = 0;
};

}  // namespace krill::admin
