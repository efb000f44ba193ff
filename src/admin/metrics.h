// The node's metrics: counters, gauges and fixed-bucket latency histograms.
//
// A leaf header (standard library only) so that lower layers (transport) can record into
// a Metrics they are handed without linking krill_admin; rendering lives in metrics.cc.
// There are no globals: Node owns one Metrics and passes a pointer to its users.
//
// Thread safety: every recording call is a relaxed atomic add, safe from any thread;
// readers see each value atomically (a histogram snapshot may be slightly torn between
// buckets and sum, as in every Prometheus client).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "admin/table_metrics.h"

namespace krill::admin {

class Counter {
 public:
  void inc(uint64_t n = 1) noexcept { v_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const noexcept { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

class Gauge {
 public:
  void set(int64_t v) noexcept { v_.store(v, std::memory_order_relaxed); }
  void add(int64_t d) noexcept { v_.fetch_add(d, std::memory_order_relaxed); }
  int64_t value() const noexcept { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> v_{0};
};

// Latencies in microseconds with fixed upper bounds (Prometheus `le`, inclusive); the last
// bucket (+Inf) is implicit in count().
class Histogram {
 public:
  static constexpr std::array<uint64_t, 16> kBoundsMicros = {
      100,   250,    500,    1000,   2500,    5000,    10000,   25000,
      50000, 100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000};

  void observe_micros(uint64_t us) noexcept {
    size_t i = 0;
    while (i < kBoundsMicros.size() && us > kBoundsMicros[i]) ++i;
    buckets_[i].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(us, std::memory_order_relaxed);
  }
  // Non-cumulative count of bucket `i` (i == kBoundsMicros.size() is the overflow bucket).
  uint64_t bucket(size_t i) const noexcept { return buckets_[i].load(std::memory_order_relaxed); }
  uint64_t sum_micros() const noexcept { return sum_.load(std::memory_order_relaxed); }

 private:
  std::array<std::atomic<uint64_t>, kBoundsMicros.size() + 1> buckets_{};
  std::atomic<uint64_t> sum_{0};
};

// CQL error codes counted by scylla_transport_cql_errors_total{type=...}.
struct ErrorType {
  int32_t code;
  const char* name;
};
inline constexpr std::array<ErrorType, 20> kErrorTypes = {{
    {0x0000, "server_error"},      {0x000A, "protocol_error"},    {0x0100, "bad_credentials"},
    {0x1000, "unavailable"},       {0x1001, "overloaded"},        {0x1002, "is_bootstrapping"},
    {0x1003, "truncate_error"},    {0x1100, "write_timeout"},     {0x1200, "read_timeout"},
    {0x1300, "read_failure"},      {0x1400, "function_failure"},  {0x1500, "write_failure"},
    {0x1600, "cdc_write_failure"}, {0x1700, "cas_write_unknown"}, {0x2000, "syntax_error"},
    {0x2100, "unauthorized"},      {0x2200, "invalid"},           {0x2300, "config_error"},
    {0x2400, "already_exists"},    {0x2500, "unprepared"},
}};

// Statement kinds counted as scylla_cql_<kind>.
enum class StatementKind { kRead, kInsert, kUpdate, kDelete, kBatch, kOther };

// The statement kind of each prepared statement, by prepared id, so that EXECUTE is counted
// like QUERY. Sharded, read-mostly (a shared lock per EXECUTE); a shard past kShardEntries
// is cleared (its ids then count by result until the driver prepares them again).
class PreparedKinds {
 public:
  static constexpr size_t kShards = 16;
  static constexpr size_t kShardEntries = 1024;

  void remember(const std::string& id, StatementKind kind) {
    Shard& s = shard(id);
    std::unique_lock lock(s.mu);
    if (s.kinds.size() >= kShardEntries) s.kinds.clear();
    s.kinds[id] = kind;
  }
  // False when the id is unknown.
  bool find(const std::string& id, StatementKind& kind) const {
    const Shard& s = shard(id);
    std::shared_lock lock(s.mu);
    auto it = s.kinds.find(id);
    if (it == s.kinds.end()) return false;
    kind = it->second;
    return true;
  }

 private:
  struct Shard {
    mutable std::shared_mutex mu;
    std::unordered_map<std::string, StatementKind> kinds;  // GUARDED_BY(mu)
  };
  Shard& shard(const std::string& id) { return shards_[std::hash<std::string>{}(id) % kShards]; }
  const Shard& shard(const std::string& id) const { return shards_[std::hash<std::string>{}(id) % kShards]; }
  std::array<Shard, kShards> shards_;
};

struct Metrics {
  static constexpr size_t kOpcodes = 17;  // native protocol v4 opcodes 0x00..0x10

  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  // Transport.
  Counter requests_served;                             // every request answered
  std::array<Counter, kOpcodes> requests_by_opcode;    // by request opcode
  Gauge current_connections;                           // CQL connections open
  Counter connections_total;                           // CQL connections accepted
  std::array<Counter, kErrorTypes.size() + 1> errors;  // by kErrorTypes index; last: unknown code
  Histogram request_latency;                           // QUERY/EXECUTE/BATCH/PREPARE, end to end
  Counter requests_inline;                             // EXECUTEs answered on the reactor that read them
  Counter requests_deferred;  // EXECUTEs tried there that would have waited, run on the pool

  // Statements.
  Counter reads, inserts, updates, deletes, batches;
  Histogram read_latency;   // statements returning rows
  Histogram write_latency;  // modifications and batches
  PreparedKinds prepared_kinds;

  // Coordinator: per-table local latencies and storage-proxy latencies (table_metrics.h).
  TableMetricsRegistry tables;
  ProxyMetrics proxy;

  // HTTP.
  Counter http_requests;
  Gauge http_connections;

  void count_error(int32_t code) noexcept {
    size_t i = 0;
    while (i < kErrorTypes.size() && kErrorTypes[i].code != code) ++i;
    errors[i].inc();
  }
  void count_statement(StatementKind k) noexcept {
    switch (k) {
      case StatementKind::kRead:
        reads.inc();
        break;
      case StatementKind::kInsert:
        inserts.inc();
        break;
      case StatementKind::kUpdate:
        updates.inc();
        break;
      case StatementKind::kDelete:
        deletes.inc();
        break;
      case StatementKind::kBatch:
        batches.inc();
        break;
      case StatementKind::kOther:
        break;
    }
  }
};

// Classifies a CQL statement by its first keyword (SELECT/INSERT/UPDATE/DELETE/BEGIN),
// skipping leading whitespace and comments is not attempted (drivers send none).
inline StatementKind classify_statement(const std::string& cql) noexcept {
  size_t i = 0;
  while (i < cql.size() && (cql[i] == ' ' || cql[i] == '\t' || cql[i] == '\n' || cql[i] == '\r')) ++i;
  char word[8] = {};
  size_t n = 0;
  while (i < cql.size() && n < 7 && ((cql[i] | 0x20) >= 'a' && (cql[i] | 0x20) <= 'z'))
    word[n++] = static_cast<char>(cql[i++] | 0x20);
  const std::string w(word, n);
  if (w == "select") return StatementKind::kRead;
  if (w == "insert") return StatementKind::kInsert;
  if (w == "update") return StatementKind::kUpdate;
  if (w == "delete") return StatementKind::kDelete;
  if (w == "begin") return StatementKind::kBatch;
  return StatementKind::kOther;
}

// Values read from the process and node at scrape time.
struct ProcessSample {
  uint64_t memory_budget_bytes = 0;
  uint64_t rss_bytes = 0;  // from /proc/self/statm
  uint64_t live_data_bytes = 0;
  bool ready = false;
};

// Reads the resident set size from /proc/self/statm (0 when unavailable).
uint64_t read_rss_bytes();

// Renders every metric in the Prometheus text exposition format (version 0.0.4).
std::string render_prometheus(const Metrics& m, const ProcessSample& p);

}  // namespace krill::admin
