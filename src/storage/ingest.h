// Bulk ingestion: partition writes as RocksDB key/value pairs, SST files written outside a
// running database, and their atomic ingestion into a table's column family.
//
// encode_partition_write() is THE encoder of writes: Engine::write and the bulk loader both
// use it, so loaded rows are byte-for-byte what the same INSERT would store. Every pair is a
// Merge operand (never a Put), so ingested rows reconcile with existing data by the merge
// operator's timestamp rules exactly as normal writes do (docs/format.md, "Values").
//
// SstWriter writes one SST file with the options of a table column family (bytewise
// comparator, the row merge operator, LZ4, whole-key bloom filter). Keys must be added in
// strictly increasing order. Not thread-safe (one writer per thread).
//
// Ingestion itself is Engine::ingest_files (engine.h), which calls ingest_sst_files below.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/error.h"
#include "storage/engine.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
}  // namespace rocksdb

namespace krill::storage {

// Calls emit(key, value) for every Merge operand that `w` writes, in the order Engine::write
// applies them (partition header, range tombstones, then rows as given; keys are not
// sorted). REQUIRES: w.layout is set.
void encode_partition_write(const PartitionWrite& w,
                            const std::function<void(common::Bytes&& key, common::Bytes&& value)>& emit);

class SstWriter {
 public:
  SstWriter();
  ~SstWriter();
  SstWriter(const SstWriter&) = delete;
  SstWriter& operator=(const SstWriter&) = delete;

  // Creates `path` (truncating). Error when the file cannot be created.
  common::Status open(const std::string& path);
  // Adds one merge operand. REQUIRES: open; key greater than the previous key.
  common::Status add(common::BytesView key, common::BytesView value);
  // Bytes written so far (an estimate of the final size).
  uint64_t file_size() const;
  uint64_t entries() const { return entries_; }
  // Finishes and syncs the file. An empty file (no add) is removed and reported as
  // finished with entries() == 0: RocksDB cannot write an empty SST.
  common::Status finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string path_;
  uint64_t entries_ = 0;
};

// Ingests `files` (SST files written by SstWriter, on the database's filesystem) into `cf`
// atomically: all of them become visible at once, or none (an error leaves the database as
// it was). The files are moved (hard-linked, then unlinked) into the database. A memtable
// overlapping them is flushed first. Used by Engine::ingest_files.
common::Status ingest_sst_files(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf,
                                const std::vector<std::string>& files);

}  // namespace krill::storage
