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
#include "storage/keys.h"
#include "storage/row.h"

namespace krill::storage {

struct EngineOptions {
  std::string data_dir;  // the RocksDB directory lives in data_dir/db
  uint64_t block_cache_bytes = 64ull << 20;
  uint64_t write_buffer_bytes = 32ull << 20;  // shared by all memtables (write buffer manager)
  int background_jobs = 2;
};

// A table as storage sees it: an id and its clustering layout.
struct TableLayout {
  std::string id;  // stable identifier (the table's uuid, as text)
  ClusteringLayout clustering;
  std::vector<uint32_t> dropped_column_ids;  // sorted; reads never return cells of these columns
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

  virtual common::Status create_table(const std::string& table_id) = 0;  // idempotent
  virtual common::Status drop_table(const std::string& table_id) = 0;    // idempotent
  virtual common::Status truncate_table(const std::string& table_id) = 0;

  // Applies all writes atomically (one RocksDB WriteBatch). `sync` fsyncs the WAL first.
  virtual common::Status write(const std::vector<PartitionWrite>& writes, bool sync) = 0;

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
};

}  // namespace krill::storage
