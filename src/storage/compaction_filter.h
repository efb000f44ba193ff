// The compaction filter of table column families: purges what Cassandra's compaction
// purges once it is older than the table's gc_grace_seconds (docs/storage.md, "Purging").
//
// Per key, on fully merged values (RocksDB kValue: the key's whole history, so dropping
// something cannot uncover an older version of the same key):
//   - expired cells become tombstones (value dropped); expired cells and cell, row and
//     collection tombstones whose deletion/expiry time is gc_grace_seconds in the past go;
//   - an expired row marker goes once its expiry is gc_grace_seconds in the past;
//   - cells of dropped columns go;
//   - a row left with nothing is removed.
// Across keys: a partition deletion (kind 00) and range tombstones (kind 01) sort before
// the rows of their partition, so the filter remembers them and drops the rows and cells
// they shadow. They themselves are purged only in a full compaction (every file of the
// table is an input, so every row they shadow passes through the same filter after them);
// otherwise they stay until Engine::compact_table.
//
// Merge operands (not yet merged values) are never purged by age: an operand does not hold
// the key's history, and dropping a deletion in it could resurrect older data. What a
// partition or range deletion shadows is dropped from operands too, so that a full
// compaction purging that deletion never lets an operand below it merge back to life.
#pragma once

#include <rocksdb/compaction_filter.h>

#include <atomic>
#include <memory>
#include <mutex>

#include "storage/engine.h"

namespace krill::storage {

// What the filter of one table needs to know, updated by the engine as layouts pass by.
// Thread-safe.
class TableGcState {
 public:
  // Keeps the newest layout (gc_grace_seconds, clustering, dropped columns).
  void observe(const std::shared_ptr<const TableLayout>& layout);
  void observe(const TableLayout& layout);            // copies only when gc_grace or drops changed
  std::shared_ptr<const TableLayout> layout() const;  // nullptr until observed

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const TableLayout> layout_;  // GUARDED_BY(mu_)
};

// `clock` returns seconds since the epoch (tests pass a fake one).
std::shared_ptr<rocksdb::CompactionFilterFactory> make_gc_filter_factory(std::shared_ptr<TableGcState> state,
                                                                         int32_t (*clock)());

// Drops what `outer` (a partition or range deletion in force) shadows in `row`; true when
// the row changed.
bool shadow_row(RowFragment& row, const Deletion& outer);

// The per-key part, exposed for unit tests: purges `row` as of `now` with `gc_grace`,
// after applying `outer` (a deletion covering the row from elsewhere in its partition).
// Returns true when the row changed.
bool purge_row(RowFragment& row, const Deletion& outer, int32_t now, int32_t gc_grace,
               const std::vector<uint32_t>& dropped_columns);

}  // namespace krill::storage
