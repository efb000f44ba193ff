// Reads partitions through a RocksDB iterator: applies deletions and TTL, slices rows,
// walks the token ring for scans; and partitions of tables without clustering columns by
// point lookups (read_point). Internal to storage/ (engine.cc uses it).
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/iterator.h>

#include <vector>

#include "storage/engine.h"

namespace krill::storage {

class PartitionReader {
 public:
  // REQUIRES: `it` iterates the table's column family and outlives the reader.
  PartitionReader(rocksdb::Iterator* it, const TableLayout& layout) : it_(it), layout_(layout) {}

  // Reads the partition whose encoded prefix is `prefix` into `out` (rows, static row).
  common::Status read(const common::Bytes& prefix, const ReadOptions& options, PartitionData& out);

  // Appends partitions from options.start on, up to the limits; sets `more` when stopped
  // by a limit before the end of the range.
  common::Status scan(const ScanOptions& options, std::vector<PartitionData>& out, bool& more);

 private:
  // Decodes the row at the iterator; returns false if it is not live (or not decodable,
  // in which case status_ is set).
  bool live_row(const Deletion& partition_deletion, int32_t now, RowFragment& row);
  // The newest range deletion covering a row key (its clustering encoding).
  Deletion covering(common::BytesView row_key) const;
  void read_rows(const common::Bytes& prefix, const Slice* slice, const ReadOptions& options,
                 const Deletion& partition_deletion, PartitionData& out, int64_t& remaining);
  common::Bytes slice_start(const common::Bytes& rows_prefix, const Slice* slice) const;
  common::Bytes slice_end(const common::Bytes& rows_prefix, const Slice* slice) const;

  rocksdb::Iterator* it_;
  const TableLayout& layout_;
  common::Status status_;
  struct Range {
    EncodedRange range;
    Deletion deletion;
  };
  std::vector<Range> ranges_;  // range tombstones of the partition being read
};

// Point reads of a table without clustering columns. Such a partition holds at most two
// records, both found by exact key: its header (a partition deletion) and its one row
// (no static row, no range tombstones: those need clustering columns).
//
// True when `options` can be answered that way for `layout`: no clustering columns and
// no slice or paging position (a read with those goes through PartitionReader).
bool point_readable(const TableLayout& layout, const ReadOptions& options);
// Reads the partition whose encoded prefix is `prefix` into `out` exactly as
// PartitionReader::read would: the partition deletion shadows the row; dropped columns and
// expired cells go. One MultiGet; with options.cache_only, two Gets on one snapshot (and
// Status::would_block() when a block is not in memory).
common::Status read_point(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf, const TableLayout& layout,
                          const common::Bytes& prefix, const ReadOptions& options, PartitionData& out);

}  // namespace krill::storage
