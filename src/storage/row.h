// Rows and cells as stored in RocksDB values, and Cassandra's reconciliation rules
// (docs/format.md, "Values").
//
// A stored value is a "row fragment": optional row deletion, optional liveness marker and
// a list of cells sorted by (column id, path). Fragments merge associatively, which is
// what lets writes be blind RocksDB Merge operands. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/bytes.h"

namespace krill::storage {

constexpr uint8_t kRowFormatVersion = 1;

// Expiring data: ttl seconds and the local expiry time (seconds since epoch). ttl == 0: never.
struct Liveness {
  int64_t timestamp = 0;  // microseconds
  int32_t ttl = 0;
  int32_t expiry = 0;
};

struct Deletion {
  int64_t timestamp = INT64_MIN;  // data with timestamp <= this is deleted
  int32_t local_time = 0;         // seconds since epoch when the deletion was written
  bool active() const { return timestamp != INT64_MIN; }
};

struct Cell {
  enum Flags : uint8_t {
    kTombstone = 0x01,
    kExpiring = 0x02,
    kCounter = 0x04,          // value is a bigint delta; merging sums deltas
    kComplexDeletion = 0x08,  // a collection tombstone: deletes the column's elements with ts <= timestamp
  };
  uint32_t column_id = 0;
  common::Bytes path;  // element key for collection/UDT cells, empty for simple cells
  uint8_t flags = 0;
  int64_t timestamp = 0;   // microseconds
  int32_t ttl = 0;         // kExpiring
  int32_t local_time = 0;  // kExpiring: expiry time; kTombstone/kComplexDeletion: deletion time
  common::Bytes value;     // absent for tombstones

  bool is_tombstone() const { return flags & (kTombstone | kComplexDeletion); }
  // Live at `now` (seconds since epoch): not a tombstone and not expired.
  bool is_live(int32_t now) const {
    if (flags & (kTombstone | kComplexDeletion)) return false;
    return !(flags & kExpiring) || local_time > now;
  }
};

struct RowFragment {
  Deletion deletion;
  std::optional<Liveness> marker;  // row marker written by INSERT
  std::vector<Cell> cells;         // sorted by (column_id, path); at most one entry per pair,
                                   // except a kComplexDeletion entry (empty path) first
};

common::Bytes encode_row(const RowFragment& row);
// Returns nullopt when the bytes are not a valid row fragment of a known format version.
std::optional<RowFragment> decode_row(common::BytesView bytes);

// Cassandra's reconciliation of two versions of the same cell: higher timestamp wins; on a
// tie a tombstone beats a live cell, then the later local deletion/expiry time wins, then the
// greater value. Counter cells sum.
const Cell& reconcile(const Cell& a, const Cell& b, Cell& scratch);

// Merges `newer` into `into` (the order of arguments does not matter for the result).
void merge_rows(RowFragment& into, const RowFragment& other);

// Drops what `row` itself shadows: cells and marker deleted by the row deletion or by a
// collection tombstone, and anything older than `outer` (partition deletion).
void apply_deletion(RowFragment& row, const Deletion& outer);

}  // namespace krill::storage
