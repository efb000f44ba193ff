// The coordinator: executes writes and reads for a statement against the replicas that
// own the data, at a consistency level.
//
// Today there is one node, so every token's only replica is the local storage engine;
// the seam exists so that clustering adds replicas rather than rewriting callers.
// Thread safety: all methods may be called concurrently. They block on storage I/O: call
// them from the request pool, never from a reactor thread, except mutate_now() and
// read_partition() with cache_only, which never wait on the disk.
#pragma once

#include <cstdint>
#include <vector>

#include "admin/metrics.h"
#include "common/consistency.h"
#include "common/error.h"
#include "storage/engine.h"

namespace krill::coordinator {

// Consistency levels with their protocol codes (common/consistency.h).
using common::Consistency;

// Throws CqlError(kProtocolError) for an unknown code.
Consistency consistency_from_code(uint16_t code);
using common::consistency_name;

struct CoordinatorOptions {
  // Every write forces a WAL fsync before it is acknowledged, whatever commitlog_sync
  // says. The engine applies commitlog_sync itself (storage/wal_sync.h); this is for
  // callers that need more, e.g. a future LWT commit path.
  bool sync_writes = false;
  // Where per-table local latencies and storage-proxy latencies are recorded (metrics.h is
  // a leaf header); null: not recorded.
  admin::Metrics* metrics = nullptr;
};

class Coordinator {
 public:
  Coordinator(storage::Engine& local, CoordinatorOptions options) : local_(local), options_(options) {}

  // Applies the writes atomically at `cl`. Throws CqlError: kUnavailable when too few
  // replicas are alive for `cl`, kServerError on a storage failure.
  void mutate(const std::vector<storage::PartitionWrite>& writes, Consistency cl);
  // mutate() for a reactor thread: never waits on the disk. Throws common::WouldBlock,
  // having applied nothing, when the write would have to (storage::Engine::write_no_wait).
  void mutate_now(const std::vector<storage::PartitionWrite>& writes, Consistency cl);
  // Throws what mutate() throws for `cl` before touching storage (kUnavailable).
  void check_write_available(Consistency cl) const { check_available(cl, true); }

  // With options.cache_only, throws common::WouldBlock when the data is not in memory.
  storage::PartitionData read_partition(const storage::TableLayout& layout, common::BytesView partition_key,
                                        int64_t token, const storage::ReadOptions& options, Consistency cl);

  storage::Engine::ScanResult scan(const storage::TableLayout& layout, const storage::ScanOptions& options,
                                   Consistency cl);

 private:
  void check_available(Consistency cl, bool is_write) const;
  void record_write(const std::vector<storage::PartitionWrite>& writes, uint64_t micros) const;
  // Turns a failed write's status into the CqlError mutate() throws.
  [[noreturn]] static void throw_write_error(const common::Status& s,
                                             const std::vector<storage::PartitionWrite>& writes,
                                             Consistency cl);

  storage::Engine& local_;
  CoordinatorOptions options_;
};

}  // namespace krill::coordinator
