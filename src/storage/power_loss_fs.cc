#include "storage/power_loss_fs.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <random>

namespace krill::storage::testing {
namespace {

using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

// A file that reports what reaches the kernel and what is synced to its PowerLossFs.
class TrackedFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  TrackedFile(std::unique_ptr<rocksdb::FSWritableFile> f, PowerLossFs* fs, std::string name)
      : FSWritableFileOwnerWrapper(std::move(f)), fs_(fs), name_(std::move(name)) {}

  IOStatus Append(const Slice& data, const IOOptions& o, IODebugContext* dbg) override {
    auto s = target()->Append(data, o, dbg);
    if (s.ok()) fs_->on_append(name_, data.size());
    return s;
  }
  IOStatus Append(const Slice& data, const IOOptions& o, const rocksdb::DataVerificationInfo& v,
                  IODebugContext* dbg) override {
    auto s = target()->Append(data, o, v, dbg);
    if (s.ok()) fs_->on_append(name_, data.size());
    return s;
  }
  IOStatus PositionedAppend(const Slice&, uint64_t, const IOOptions&, IODebugContext*) override {
    return IOStatus::NotSupported("positioned appends are not tracked");
  }
  IOStatus PositionedAppend(const Slice&, uint64_t, const IOOptions&, const rocksdb::DataVerificationInfo&,
                            IODebugContext*) override {
    return IOStatus::NotSupported("positioned appends are not tracked");
  }
  IOStatus Flush(const IOOptions& o, IODebugContext* dbg) override { return target()->Flush(o, dbg); }
  IOStatus Sync(const IOOptions& o, IODebugContext* dbg) override {
    auto started = PowerLossFs::Clock::now();
    return synced(target()->Sync(o, dbg), started);
  }
  IOStatus Fsync(const IOOptions& o, IODebugContext* dbg) override {
    auto started = PowerLossFs::Clock::now();
    return synced(target()->Fsync(o, dbg), started);
  }
  IOStatus RangeSync(uint64_t, uint64_t, const IOOptions&, IODebugContext*) override {
    return IOStatus::OK();  // a hint that makes nothing durable
  }
  IOStatus Close(const IOOptions& o, IODebugContext* dbg) override { return target()->Close(o, dbg); }

 private:
  IOStatus synced(IOStatus s, PowerLossFs::Clock::time_point started) {
    if (s.ok()) fs_->on_sync(name_, started);
    return s;
  }
  PowerLossFs* fs_;
  std::string name_;
};

bool is_wal(const std::string& name) {
  return name.size() > 4 && name.compare(name.size() - 4, 4, ".log") == 0;
}

uint64_t wal_number(const std::string& name) {
  auto slash = name.find_last_of('/');
  return std::strtoull(name.c_str() + (slash == std::string::npos ? 0 : slash + 1), nullptr, 10);
}

}  // namespace

PowerLossFs::PowerLossFs() : FileSystemWrapper(rocksdb::FileSystem::Default()) {
  // The Env keeps a shared_ptr to its file system; this object outlives it (tests own both).
  env_ = rocksdb::NewCompositeEnv(std::shared_ptr<rocksdb::FileSystem>(this, [](rocksdb::FileSystem*) {}));
}

void PowerLossFs::cut_power() {
  std::lock_guard lock(mu_);
  cut_ = true;
}

bool PowerLossFs::cut() const {
  std::lock_guard lock(mu_);
  return cut_;
}

PowerLossFs::Clock::time_point PowerLossFs::last_wal_sync_start() const {
  std::lock_guard lock(mu_);
  // The newest log is the one being written; a sync of it (RocksDB's SyncWAL) also syncs
  // every older live log first. An older log's own sync (when RocksDB closes it) says
  // nothing about the writes that went to the newer one.
  std::string newest;
  for (const auto& [name, f] : files_) {
    if (is_wal(name) && (newest.empty() || wal_number(name) > wal_number(newest))) newest = name;
  }
  return newest.empty() ? Clock::time_point{} : files_.at(newest).last_sync_start;
}

void PowerLossFs::on_append(const std::string& name, uint64_t bytes) {
  std::lock_guard lock(mu_);
  if (!cut_) files_[name].size += bytes;
}

void PowerLossFs::on_sync(const std::string& name, Clock::time_point started) {
  std::lock_guard lock(mu_);
  if (cut_) return;
  auto& f = files_[name];
  f.synced = f.size;
  f.ever_synced = true;
  f.last_sync_start = std::max(f.last_sync_start, started);
}

int PowerLossFs::apply_power_loss(Loss loss, uint64_t seed) {
  std::lock_guard lock(mu_);
  std::mt19937_64 rng(seed);
  int changed = 0;
  for (const auto& name : born_after_cut_) {
    std::error_code ec;
    if (std::filesystem::remove(name, ec)) ++changed;
    files_.erase(name);
  }
  born_after_cut_.clear();
  for (const auto& [name, f] : files_) {
    std::error_code ec;
    if (!f.ever_synced) {
      if (std::filesystem::remove(name, ec)) ++changed;
      continue;
    }
    uint64_t keep = f.synced;
    if (loss == Loss::kRandomTail && f.size > f.synced) {
      keep += std::uniform_int_distribution<uint64_t>(0, f.size - f.synced)(rng);
    }
    auto on_disk = std::filesystem::file_size(name, ec);
    if (!ec && on_disk > keep) {
      std::filesystem::resize_file(name, keep, ec);
      ++changed;
    }
  }
  files_.clear();
  return changed;
}

IOStatus PowerLossFs::wrap(const std::string& f, IOStatus s, std::unique_ptr<rocksdb::FSWritableFile>* r,
                           bool fresh) {
  if (!s.ok()) return s;
  {
    std::lock_guard lock(mu_);
    if (cut_) {
      born_after_cut_.push_back(f);  // its writes are never recorded: removed by apply_power_loss
    } else if (fresh) {
      files_[f] = FileState{};
    } else if (!files_.count(f)) {
      // Reopened for appending: what was there before is durable.
      std::error_code ec;
      auto size = std::filesystem::file_size(f, ec);
      FileState st;
      st.size = st.synced = ec ? 0 : size;
      st.ever_synced = true;
      files_[f] = st;
    }
  }
  *r = std::make_unique<TrackedFile>(std::move(*r), this, f);
  return s;
}

IOStatus PowerLossFs::NewWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                      std::unique_ptr<rocksdb::FSWritableFile>* r, IODebugContext* dbg) {
  return wrap(f, target()->NewWritableFile(f, o, r, dbg), r, true);
}

IOStatus PowerLossFs::ReopenWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                         std::unique_ptr<rocksdb::FSWritableFile>* r, IODebugContext* dbg) {
  return wrap(f, target()->ReopenWritableFile(f, o, r, dbg), r, false);
}

IOStatus PowerLossFs::ReuseWritableFile(const std::string& f, const std::string& old,
                                        const rocksdb::FileOptions& o,
                                        std::unique_ptr<rocksdb::FSWritableFile>* r, IODebugContext* dbg) {
  if (cut()) return IOStatus::NotSupported("reusing a file after the power cut");
  {
    std::lock_guard lock(mu_);
    files_.erase(old);
  }
  return wrap(f, target()->ReuseWritableFile(f, old, o, r, dbg), r, true);
}

IOStatus PowerLossFs::RenameFile(const std::string& src, const std::string& dst, const IOOptions& o,
                                 IODebugContext* dbg) {
  if (cut()) return IOStatus::OK();  // never reaches the disk
  auto s = target()->RenameFile(src, dst, o, dbg);
  if (s.ok()) {
    std::lock_guard lock(mu_);
    auto it = files_.find(src);
    if (it != files_.end()) {
      files_[dst] = it->second;
      files_.erase(src);
    } else {
      files_.erase(dst);
    }
  }
  return s;
}

IOStatus PowerLossFs::DeleteFile(const std::string& f, const IOOptions& o, IODebugContext* dbg) {
  if (cut()) return IOStatus::OK();  // never reaches the disk
  auto s = target()->DeleteFile(f, o, dbg);
  if (s.ok()) {
    std::lock_guard lock(mu_);
    files_.erase(f);
  }
  return s;
}

}  // namespace krill::storage::testing
