// External sort with bounded memory for `krill load`: key/value entries in, unique keys
// out in byte order, the entry added last winning among equal keys (as the later of two
// writes does).
//
// Entries are buffered in memory up to `memory_bytes` (data plus a 16-byte index entry
// each); a full buffer is sorted and spilled to a run file in `temp_dir`. merge() then
// merges the runs k-way. Every run records where each of 16 equal slices of the key space
// (by the first 8 key bytes, i.e. the token) starts, so merge() can be called for disjoint
// key ranges from several threads at once.
//
// Thread safety: add() and finish() from one thread; after finish(), merge() may run
// concurrently for different parts. Run files are removed by the destructor.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/error.h"

namespace krill::tools::load {

class ExternalSorter {
 public:
  static constexpr int kSlices = 16;  // merge(part, parts) needs parts dividing this

  ExternalSorter(std::string temp_dir, uint64_t memory_bytes);
  ~ExternalSorter();
  ExternalSorter(const ExternalSorter&) = delete;
  ExternalSorter& operator=(const ExternalSorter&) = delete;

  // Adds one entry. May sort and spill the buffer (blocking on disk I/O). An error means a
  // run could not be written.
  common::Status add(common::BytesView key, common::BytesView value);
  // Ends the input. REQUIRES: called once, before merge().
  common::Status finish();

  using Emit = std::function<common::Status(common::BytesView key, common::BytesView value)>;
  // Emits, in key order, the unique keys whose first 8 bytes fall in part `part` of
  // `parts` equal slices of the key space (parts in {1, 2, 4, 8, 16}). Stops at the first
  // error from emit or from reading a run.
  common::Status merge(int part, int parts, const Emit& emit) const;

  uint64_t entries_added() const { return added_; }
  int runs() const { return static_cast<int>(runs_.size()); }
  uint64_t spilled_bytes() const { return spilled_bytes_; }

 private:
  struct Run {
    std::string path;
    uint64_t bytes = 0;
    uint64_t slice_start[kSlices + 1] = {};  // file offset where each key slice begins
  };
  struct Entry {
    uint64_t prefix;  // the key's first 8 bytes, big-endian (zero-padded)
    uint32_t offset;  // of the entry in buffer_
    uint32_t ordinal;
  };
  common::Status spill();
  void sort_buffer();

  std::string temp_dir_;
  uint64_t memory_bytes_;
  std::string buffer_;  // entries: varint key length, key, varint value length, value
  std::vector<Entry> index_;
  std::vector<Run> runs_;
  uint64_t added_ = 0;
  uint64_t spilled_bytes_ = 0;
  bool finished_ = false;
};

}  // namespace krill::tools::load
