// A RocksDB file layer for tests that simulates losing power (reliability plan, T2).
//
// It passes every operation to the real file system and remembers, per file written
// since it was created, how many bytes the kernel holds and how many an fsync made
// durable. cut_power() freezes that picture: the engine goes on running (so nothing stalls
// waiting for a disk that fails), but nothing it does afterwards counts — later writes and
// syncs are not recorded, renames and deletes pretend to succeed, new files are marked for
// removal. Once the engine is gone, apply_power_loss() rewrites the files on disk to what a
// disk could hold after the cut: each file keeps its synced bytes plus, in kRandomTail
// mode, a random part of its unsynced tail (a torn write); files never synced before the
// cut are removed. Renames count as durable when they happen and directory fsyncs are not
// modelled (RocksDB syncs the directory after the renames and creations that matter).
#pragma once

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace krill::storage::testing {

class PowerLossFs : public rocksdb::FileSystemWrapper {
 public:
  enum class Loss { kDropUnsynced, kRandomTail };
  using Clock = std::chrono::steady_clock;

  PowerLossFs();
  const char* Name() const override { return "KrillPowerLossFs"; }

  // An Env for rocksdb::Options::env that reads and writes through this layer.
  rocksdb::Env* env() const { return env_.get(); }

  void cut_power();
  // REQUIRES: cut_power() was called and nothing uses the files any more. Returns the
  // number of files changed (truncated or removed).
  int apply_power_loss(Loss loss, uint64_t seed);
  // When the last successful sync of the newest write-ahead log (*.log) written before the
  // cut started: every write acknowledged before it is durable. Clock::time_point{} when none.
  Clock::time_point last_wal_sync_start() const;

  // Called by the files this layer hands out.
  void on_append(const std::string& name, uint64_t bytes);
  void on_sync(const std::string& name, Clock::time_point started);
  bool cut() const;

  rocksdb::IOStatus NewWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                    std::unique_ptr<rocksdb::FSWritableFile>* r,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                       std::unique_ptr<rocksdb::FSWritableFile>* r,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(const std::string& f, const std::string& old,
                                      const rocksdb::FileOptions& o,
                                      std::unique_ptr<rocksdb::FSWritableFile>* r,
                                      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus RenameFile(const std::string& src, const std::string& target, const rocksdb::IOOptions& o,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteFile(const std::string& f, const rocksdb::IOOptions& o,
                               rocksdb::IODebugContext* dbg) override;

 private:
  struct FileState {
    uint64_t size = 0;    // bytes handed to the kernel
    uint64_t synced = 0;  // bytes an fsync made durable
    bool ever_synced = false;
    Clock::time_point last_sync_start{};
  };
  rocksdb::IOStatus wrap(const std::string& f, rocksdb::IOStatus s,
                         std::unique_ptr<rocksdb::FSWritableFile>* r, bool fresh);

  std::unique_ptr<rocksdb::Env> env_;
  mutable std::mutex mu_;
  bool cut_ = false;                         // GUARDED_BY(mu_)
  std::vector<std::string> born_after_cut_;  // GUARDED_BY(mu_)
  std::map<std::string, FileState> files_;   // GUARDED_BY(mu_): files written since creation
};

}  // namespace krill::storage::testing
