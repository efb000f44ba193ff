#include "storage/wal_sync.h"

#include <algorithm>
#include <chrono>

namespace krill::storage {

using common::Status;

bool parse_commitlog_sync(const std::string& text, CommitlogSync& out) {
  if (text == "periodic") {
    out = CommitlogSync::kPeriodic;
  } else if (text == "batch") {
    out = CommitlogSync::kBatch;
  } else if (text == "group") {
    out = CommitlogSync::kGroup;
  } else {
    return false;
  }
  return true;
}

const char* commitlog_sync_name(CommitlogSync mode) {
  switch (mode) {
    case CommitlogSync::kPeriodic:
      return "periodic";
    case CommitlogSync::kBatch:
      return "batch";
    case CommitlogSync::kGroup:
      return "group";
  }
  return "unknown";
}

WalSyncer::WalSyncer(CommitlogSync mode, int period_ms, int window_ms, std::function<Status()> sync)
    : mode_(mode),
      period_ms_(std::max(1, period_ms)),
      window_ms_(std::max(0, window_ms)),
      sync_(std::move(sync)) {
  if (mode_ == CommitlogSync::kPeriodic) thread_ = std::thread([this] { periodic_loop(); });
}

WalSyncer::~WalSyncer() { stop(); }

void WalSyncer::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

uint64_t WalSyncer::sync_count() const {
  std::lock_guard lock(mu_);
  return syncs_;
}

void WalSyncer::periodic_loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, std::chrono::milliseconds(period_ms_), [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    Status s = sync_();
    lock.lock();
    ++syncs_;
    if (!s.is_ok() && failure_.empty()) failure_ = s.message();
  }
}

Status WalSyncer::wait_durable() {
  if (mode_ != CommitlogSync::kGroup) return Status::ok();
  std::unique_lock lock(mu_);
  const uint64_t mine = ++written_;
  while (true) {
    // A failed WAL fsync is sticky: nothing written after it can be promised durable.
    if (!failure_.empty()) return Status::error("commit log sync failed: " + failure_);
    if (synced_ >= mine) return Status::ok();
    if (leader_active_) {
      cv_.wait(lock);
      continue;
    }
    // Become the leader: one fsync for every write that reached the WAL so far. Waiting
    // out the window (lock released) lets more writers join this fsync.
    leader_active_ = true;
    auto start = last_sync_start_ + std::chrono::milliseconds(window_ms_);
    if (std::chrono::steady_clock::now() < start) {
      lock.unlock();
      std::this_thread::sleep_until(start);
      lock.lock();
    }
    const uint64_t target = written_;
    last_sync_start_ = std::chrono::steady_clock::now();
    lock.unlock();
    Status s = sync_();
    lock.lock();
    ++syncs_;
    if (s.is_ok()) {
      synced_ = std::max(synced_, target);
    } else if (failure_.empty()) {
      failure_ = s.message();
    }
    leader_active_ = false;
    cv_.notify_all();
  }
}

}  // namespace krill::storage
