// Log-linear latency histogram (see histogram.h).
#include "tools/stress/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace krill::tools::stress {

namespace {

constexpr unsigned kSubBits = 10;                   // 1024 linear sub-buckets per power of two
constexpr uint64_t kSub = uint64_t{1} << kSubBits;  // 1024
constexpr uint64_t kLinearLimit = 2 * kSub;         // values below 2048 are exact
constexpr unsigned kMaxShift = 32;                  // values up to 2^43 - 1 ns (~2.4 hours)
constexpr uint64_t kMaxValue = (uint64_t{2} * kSub << kMaxShift) - 1;

}  // namespace

size_t Histogram::bucket_count() { return static_cast<size_t>((kMaxShift + 2) * kSub); }

size_t Histogram::index_of(uint64_t value) {
  if (value < kLinearLimit) return static_cast<size_t>(value);
  if (value > kMaxValue) value = kMaxValue;
  const unsigned msb = 63u - static_cast<unsigned>(std::countl_zero(value));
  const unsigned shift = msb - kSubBits;  // value >> shift is in [1024, 2047]
  return static_cast<size_t>((shift + 1) * kSub + ((value >> shift) - kSub));
}

uint64_t Histogram::lowest_in(size_t index) {
  if (index < kLinearLimit) return index;
  const uint64_t shift = index / kSub - 1;
  const uint64_t sub = index % kSub + kSub;
  return sub << shift;
}

uint64_t Histogram::highest_in(size_t index) {
  if (index < kLinearLimit) return index;
  const uint64_t shift = index / kSub - 1;
  const uint64_t sub = index % kSub + kSub;
  return ((sub + 1) << shift) - 1;
}

Histogram::Histogram() : counts_(bucket_count(), 0) {}

void Histogram::record(uint64_t value) {
  const size_t i = index_of(value);
  ++counts_[i];
  ++count_;
  sum_ += value;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
  lowest_used_ = std::min(lowest_used_, i);
  highest_used_ = std::max(highest_used_, i);
}

void Histogram::merge(const Histogram& other) {
  if (other.count_ == 0) return;
  for (size_t i = other.lowest_used_; i <= other.highest_used_; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  lowest_used_ = std::min(lowest_used_, other.lowest_used_);
  highest_used_ = std::max(highest_used_, other.highest_used_);
}

void Histogram::reset() {
  if (count_ != 0) std::fill(counts_.begin() + lowest_used_, counts_.begin() + highest_used_ + 1, 0);
  count_ = 0;
  sum_ = 0;
  min_ = UINT64_MAX;
  max_ = 0;
  lowest_used_ = SIZE_MAX;
  highest_used_ = 0;
}

uint64_t Histogram::percentile(double q) const {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  auto target = static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_)));
  if (target == 0) target = 1;
  uint64_t seen = 0;
  for (size_t i = lowest_used_; i <= highest_used_; ++i) {
    seen += counts_[i];
    if (seen >= target) return std::min(highest_in(i), max_);
  }
  return max_;
}

}  // namespace krill::tools::stress
