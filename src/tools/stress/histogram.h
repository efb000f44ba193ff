// A latency histogram with log-linear buckets, in the manner of HdrHistogram: values below
// 2048 have their own bucket; above, each power of two is split into 1024 linear
// sub-buckets, so any recorded value is reported within 0.1% (3 significant digits).
// Values are nanoseconds; values beyond ~73 minutes are clamped. The count, sum, min and
// max are exact.
//
// Not thread-safe: one writer at a time; merge() copies are how threads share results.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace krill::tools::stress {

class Histogram {
 public:
  Histogram();

  void record(uint64_t value);
  // Adds every value recorded in `other`.
  void merge(const Histogram& other);
  void reset();

  uint64_t count() const { return count_; }
  uint64_t min() const { return count_ ? min_ : 0; }
  uint64_t max() const { return max_; }
  double mean() const { return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0.0; }
  // The smallest value v such that at least q (0..1) of the recorded values are <= v, reported
  // as the highest value equivalent to v's bucket (capped at max()). 0 when empty.
  uint64_t percentile(double q) const;

  // Bucket arithmetic, exposed for tests.
  static size_t index_of(uint64_t value);
  static uint64_t lowest_in(size_t index);
  static uint64_t highest_in(size_t index);
  static size_t bucket_count();

 private:
  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  uint64_t sum_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
  size_t lowest_used_ = SIZE_MAX;  // bucket range touched since reset, to keep merge/reset cheap
  size_t highest_used_ = 0;
};

}  // namespace krill::tools::stress
