// Commit-log (RocksDB WAL) durability modes, Cassandra's `commitlog_sync`.
//
// Every mode writes a mutation to the WAL (the kernel's page cache) before the write is
// acknowledged, so a process crash (kill -9) loses nothing. The modes differ in when the
// WAL is fsynced, which is what protects against power loss and kernel crashes:
//   periodic  a background thread fsyncs every `period_ms`; writes do not wait for it.
//   batch     each write is fsynced before it is acknowledged (RocksDB sync=true; RocksDB
//             itself lets one fsync serve the writers of one internal write group).
//   group     writes go to the WAL unsynced, then wait for an fsync started after them;
//             one fsync, run by a leader among the waiters, serves every write that
//             reached the WAL before it started. Fsyncs start at most every `window_ms`.
//
// Thread safety: all methods may be called concurrently. wait_durable() blocks on disk
// I/O: call it only from the request pool, never from a reactor thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "common/error.h"

namespace krill::storage {

enum class CommitlogSync { kPeriodic, kBatch, kGroup };

// Parses "periodic" | "batch" | "group"; false on anything else.
bool parse_commitlog_sync(const std::string& text, CommitlogSync& out);
const char* commitlog_sync_name(CommitlogSync mode);

class WalSyncer {
 public:
  // `sync` fsyncs the WAL (DB::SyncWAL); it must be safe to call concurrently with writes.
  // In periodic mode a thread calling it every `period_ms` starts here.
  WalSyncer(CommitlogSync mode, int period_ms, int window_ms, std::function<common::Status()> sync);
  ~WalSyncer();  // stops the periodic thread (stop())
  WalSyncer(const WalSyncer&) = delete;
  WalSyncer& operator=(const WalSyncer&) = delete;

  CommitlogSync mode() const { return mode_; }

  // Group mode: call after a write reached the WAL (unsynced); returns once an fsync that
  // started after that point has completed, with that fsync's status. Other modes: no-op.
  common::Status wait_durable();

  // Stops the periodic thread after a last fsync. Idempotent.
  void stop();

  // Number of fsyncs this syncer issued (for tests and metrics).
  uint64_t sync_count() const;

 private:
  void periodic_loop();

  const CommitlogSync mode_;
  const int period_ms_;
  const int window_ms_;
  std::function<common::Status()> sync_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  uint64_t written_ = 0;        // GUARDED_BY(mu_): writes that reached the WAL (group mode)
  uint64_t synced_ = 0;         // GUARDED_BY(mu_): writes covered by a completed fsync
  uint64_t failed_upto_ = 0;    // GUARDED_BY(mu_): writes whose covering fsync failed
  std::string failure_;         // GUARDED_BY(mu_): that fsync's error
  bool leader_active_ = false;  // GUARDED_BY(mu_)
  std::chrono::steady_clock::time_point last_sync_start_{};  // GUARDED_BY(mu_)
  uint64_t syncs_ = 0;                                       // GUARDED_BY(mu_)
  bool stopping_ = false;                                    // GUARDED_BY(mu_)
  std::thread thread_;                                       // periodic mode only
};

}  // namespace krill::storage
