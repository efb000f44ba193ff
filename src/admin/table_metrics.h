// Per-table and storage-proxy latency histograms in Cassandra's estimated-histogram shape.
//
// A leaf header (standard library only), like metrics.h: the coordinator records into it on
// the request path, the admin API reads it. Recording is a few relaxed atomic adds and a
// lock-free lookup; nothing allocates except the first record of a table.
//
// EstimatedHistogram<N> has N bucket offsets 1, 2, 3, ... growing by 1.2x (Cassandra's
// EstimatedHistogram): bucket i counts values in (offset[i-1], offset[i]], bucket 0 values
// <= 1, and bucket N the overflow. Latencies use 90 buckets (up to ~36 s in microseconds),
// sizes 150 (up to ~1.7 TB) and cell counts 114.
#pragma once

#include <array>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace krill::admin {

template <size_t N>
class EstimatedHistogram {
 public:
  static constexpr size_t kBuckets = N;

  static constexpr std::array<uint64_t, N> offsets() {
    std::array<uint64_t, N> o{};
    uint64_t last = 1;
    o[0] = last;
    for (size_t i = 1; i < N; ++i) {
      uint64_t next = (last * 12 + 5) / 10;  // round(last * 1.2)
      if (next == last) ++next;
      o[i] = next;
      last = next;
    }
    return o;
  }
  static constexpr std::array<uint64_t, N> kOffsets = offsets();

  void add(uint64_t v) noexcept {
    // First offset >= v (binary search; about 7 steps for 90 buckets).
    size_t lo = 0, hi = N;
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (kOffsets[mid] < v)
        lo = mid + 1;
      else
        hi = mid;
    }
    buckets_[lo].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(v, std::memory_order_relaxed);
  }

  // A copy of the counts (N + 1 buckets, the last one the overflow).
  std::vector<uint64_t> counts() const {
    std::vector<uint64_t> out(N + 1);
    for (size_t i = 0; i <= N; ++i) out[i] = buckets_[i].load(std::memory_order_relaxed);
    return out;
  }
  uint64_t sum() const noexcept { return sum_.load(std::memory_order_relaxed); }

 private:
  std::array<std::atomic<uint64_t>, N + 1> buckets_{};
  std::atomic<uint64_t> sum_{0};
};

using LatencyHistogram = EstimatedHistogram<90>;  // microseconds
using SizeHistogram = EstimatedHistogram<150>;    // bytes
using CountHistogram = EstimatedHistogram<114>;   // cells

// Percentiles over a counts vector from counts() and its offsets (Cassandra's rules: the
// upper offset of the bucket holding the p-th value; min is the lower bound of the first
// non-empty bucket). Empty histograms give 0; an overflowed max gives +infinity.
struct HistogramSummary {
  uint64_t count = 0;
  double min = 0, max = 0, mean = 0;
  double percentile(double p) const;
  std::vector<uint64_t> counts;
  std::vector<uint64_t> offsets;
};
inline HistogramSummary summarize(const std::vector<uint64_t>& counts, const uint64_t* offsets, size_t n,
                                  uint64_t sum) {
  HistogramSummary s;
  s.counts = counts;
  s.offsets.assign(offsets, offsets + n);
  for (uint64_t c : counts) s.count += c;
  if (s.count == 0) return s;
  s.mean = static_cast<double>(sum) / static_cast<double>(s.count);
  for (size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] == 0) continue;
    s.min = i == 0 ? 0 : static_cast<double>(offsets[i - 1] + 1);
    break;
  }
  for (size_t i = counts.size(); i-- > 0;) {
    if (counts[i] == 0) continue;
    s.max = i >= n ? INFINITY : static_cast<double>(offsets[i]);
    break;
  }
  return s;
}
inline double HistogramSummary::percentile(double p) const {
  if (count == 0) return 0;
  const auto target = static_cast<uint64_t>(std::ceil(static_cast<double>(count) * p));
  uint64_t seen = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    seen += counts[i];
    if (seen >= target && counts[i] > 0)
      return i >= offsets.size() ? INFINITY : static_cast<double>(offsets[i]);
  }
  return max;
}
template <size_t N>
HistogramSummary summarize(const EstimatedHistogram<N>& h) {
  return summarize(h.counts(), EstimatedHistogram<N>::kOffsets.data(), N, h.sum());
}

// What the coordinator records for one table (local, i.e. replica, latencies).
struct TableMetrics {
  LatencyHistogram read_latency;         // single-partition reads
  LatencyHistogram range_latency;        // scans
  LatencyHistogram write_latency;        // mutations touching the table
  SizeHistogram partition_write_bytes;   // serialized size of each partition update
  CountHistogram partition_write_cells;  // cells in each partition update
};

// Table id -> TableMetrics, created on first use. Lock-free open addressing over a fixed
// number of slots; entries live as long as the registry (a dropped table's entry stays).
// When every slot is taken, new tables are not recorded (get() returns nullptr).
class TableMetricsRegistry {
 public:
  static constexpr size_t kDefaultCapacity = 4096;

  explicit TableMetricsRegistry(size_t capacity = kDefaultCapacity)
      : capacity_(capacity), slots_(new std::atomic<Entry*>[capacity]) {
    for (size_t i = 0; i < capacity_; ++i) slots_[i].store(nullptr, std::memory_order_relaxed);
  }
  ~TableMetricsRegistry() {
    for (size_t i = 0; i < capacity_; ++i) delete slots_[i].load(std::memory_order_relaxed);
  }
  TableMetricsRegistry(const TableMetricsRegistry&) = delete;
  TableMetricsRegistry& operator=(const TableMetricsRegistry&) = delete;

  TableMetrics* get(std::string_view id) {
    size_t start = std::hash<std::string_view>{}(id) % capacity_;
    Entry* fresh = nullptr;
    for (size_t probe = 0; probe < capacity_; ++probe) {
      auto& slot = slots_[(start + probe) % capacity_];
      Entry* e = slot.load(std::memory_order_acquire);
      if (e == nullptr) {
        if (fresh == nullptr) fresh = new Entry(std::string(id));
        if (slot.compare_exchange_strong(e, fresh, std::memory_order_acq_rel)) return &fresh->metrics;
        // Lost the race: `e` now holds the winner; fall through to compare it.
      }
      if (e->id == id) {
        delete fresh;
        return &e->metrics;
      }
    }
    delete fresh;
    return nullptr;
  }

  const TableMetrics* find(std::string_view id) const {
    size_t start = std::hash<std::string_view>{}(id) % capacity_;
    for (size_t probe = 0; probe < capacity_; ++probe) {
      Entry* e = slots_[(start + probe) % capacity_].load(std::memory_order_acquire);
      if (e == nullptr) return nullptr;
      if (e->id == id) return &e->metrics;
    }
    return nullptr;
  }

 private:
  struct Entry {
    explicit Entry(std::string i) : id(std::move(i)) {}
    std::string id;
    TableMetrics metrics;
  };
  size_t capacity_;
  std::unique_ptr<std::atomic<Entry*>[]> slots_;
};

// Coordinator (storage proxy) latencies, for nodetool proxyhistograms.
struct ProxyMetrics {
  LatencyHistogram read, write, range, cas_read, cas_write, view_write;
};

}  // namespace krill::admin
