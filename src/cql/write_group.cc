// WriteGroup (query_processor.h): the plain writes of several requests as one storage write.
#include <iterator>

#include "cql/query_processor.h"

namespace krill::cql {

void WriteGroup::stage(coordinator::Coordinator& coordinator, std::vector<storage::PartitionWrite>& writes,
                       coordinator::Consistency cl) {
  coordinator.check_write_available(cl);  // what mutate() would refuse is refused now
  coordinator_ = &coordinator;
  Entry e;
  e.begin = writes_.size();
  e.cl = cl;
  writes_.insert(writes_.end(), std::make_move_iterator(writes.begin()),
                 std::make_move_iterator(writes.end()));
  writes.clear();
  e.end = writes_.size();
  entries_.push_back(e);
}

std::vector<std::optional<common::CqlError>> WriteGroup::flush_now() {
  std::vector<std::optional<common::CqlError>> outcomes(entries_.size());
  if (entries_.empty()) return outcomes;
  try {
    // Every entry's consistency level was checked when it was staged.
    coordinator_->mutate_now(writes_, entries_.front().cl);
  } catch (const common::CqlError& e) {
    if (e.code() != common::ErrorCode::kWriteFailure) throw common::WouldBlock{};  // flush() sorts it out
    fail_all(e, outcomes);
  }
  writes_.clear();
  entries_.clear();
  return outcomes;
}

void WriteGroup::fail_all(const common::CqlError& e,
                          std::vector<std::optional<common::CqlError>>& outcomes) const {
  for (size_t i = 0; i < entries_.size(); ++i) {
    common::ErrorDetail d = e.detail();
    d.write_type = entries_[i].end - entries_[i].begin > 1 ? "BATCH" : "SIMPLE";
    outcomes[i] = common::CqlError(e.code(), e.what(), d);
  }
}

std::vector<std::optional<common::CqlError>> WriteGroup::flush() {
  std::vector<std::optional<common::CqlError>> outcomes(entries_.size());
  if (entries_.empty()) return outcomes;
  try {
    // Every entry's consistency level was checked when it was staged.
    coordinator_->mutate(writes_, entries_.front().cl);
    writes_.clear();
    entries_.clear();
    return outcomes;
  } catch (const common::CqlError& e) {
    // Nothing was applied (one atomic batch). A storage failure (a full disk) is every
    // request's: each gets it as if written alone. Anything else may be one request's
    // (a table dropped meanwhile): retry each request alone.
    if (e.code() == common::ErrorCode::kWriteFailure) {
      fail_all(e, outcomes);
      writes_.clear();
      entries_.clear();
      return outcomes;
    }
  }
  std::vector<storage::PartitionWrite> writes = std::move(writes_);
  std::vector<Entry> entries = std::move(entries_);
  writes_.clear();
  entries_.clear();
  for (size_t i = 0; i < entries.size(); ++i) {
    std::vector<storage::PartitionWrite> one(
        std::make_move_iterator(writes.begin() + static_cast<std::ptrdiff_t>(entries[i].begin)),
        std::make_move_iterator(writes.begin() + static_cast<std::ptrdiff_t>(entries[i].end)));
    try {
      coordinator_->mutate(one, entries[i].cl);
    } catch (const common::CqlError& e) {
      outcomes[i] = e;
    }
  }
  return outcomes;
}

}  // namespace krill::cql
