#include "coordinator/coordinator.h"

#include <chrono>
#include <string>

namespace krill::coordinator {

using common::CqlError;
using common::ErrorCode;

namespace {

uint64_t micros_since(std::chrono::steady_clock::time_point start) {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start)
          .count());
}

// Serialized size and cell count of one partition update (for the partition histograms).
void measure(const storage::PartitionWrite& w, uint64_t& bytes, uint64_t& cells) {
  bytes = w.partition_key.size();
  cells = 0;
  for (const auto& r : w.rows) {
    for (const auto& c : r.clustering) bytes += c.size();
    for (const auto& cell : r.fragment.cells) bytes += cell.value.size() + cell.path.size() + 12;
    cells += r.fragment.cells.size();
  }
}

}  // namespace

Consistency consistency_from_code(uint16_t code) {
  if (code > 0x000A)
    throw CqlError(ErrorCode::kProtocolError, "Unknown consistency level code " + std::to_string(code));
  return static_cast<Consistency>(code);
}

void Coordinator::check_available(Consistency cl, bool is_write) const {
  // One live replica per token. TWO and THREE need more replicas than exist.
  int required = cl == Consistency::kTwo ? 2 : cl == Consistency::kThree ? 3 : 1;
  if (!is_write && cl == Consistency::kAny) {
    throw CqlError(ErrorCode::kInvalid, "ANY ConsistencyLevel is only supported for writes");
  }
  if (required > 1) {
    common::ErrorDetail d;
    d.consistency = static_cast<uint16_t>(cl);
    d.required = required;
    d.received = 1;
    throw CqlError(ErrorCode::kUnavailable,
                   std::string("Cannot achieve consistency level ") + consistency_name(cl), d);
  }
}

void Coordinator::mutate(const std::vector<storage::PartitionWrite>& writes, Consistency cl) {
  check_available(cl, true);
  if (writes.empty()) return;
  const auto start = std::chrono::steady_clock::now();
  auto s = local_.write(writes, options_.sync_writes);
  if (options_.metrics != nullptr) record_write(writes, micros_since(start));
  if (!s.is_ok()) throw_write_error(s, writes, cl);
}

void Coordinator::mutate_now(const std::vector<storage::PartitionWrite>& writes, Consistency cl) {
  check_available(cl, true);
  if (writes.empty()) return;
  if (options_.sync_writes) throw common::WouldBlock{};
  const auto start = std::chrono::steady_clock::now();
  auto s = local_.write_no_wait(writes);
  if (s.is_would_block()) throw common::WouldBlock{};
  if (options_.metrics != nullptr) record_write(writes, micros_since(start));
  if (!s.is_ok()) throw_write_error(s, writes, cl);
}

void Coordinator::throw_write_error(const common::Status& s,
                                    const std::vector<storage::PartitionWrite>& writes, Consistency cl) {
  if (s.is_no_space()) {
    // Cassandra reports storage failures of a replica as WRITE_FAILURE.
    common::ErrorDetail d;
    d.consistency = static_cast<uint16_t>(cl);
    d.required = 1;
    d.received = 0;
    d.write_type = writes.size() > 1 ? "BATCH" : "SIMPLE";
    throw CqlError(ErrorCode::kWriteFailure, "Write failed: " + s.message(), d);
  }
  throw CqlError(ErrorCode::kServerError, "write failed: " + s.message());
}

storage::PartitionData Coordinator::read_partition(const storage::TableLayout& layout,
                                                   common::BytesView partition_key, int64_t token,
                                                   const storage::ReadOptions& options, Consistency cl) {
  check_available(cl, false);
  const auto start = std::chrono::steady_clock::now();
  auto r = local_.read_partition(layout, partition_key, token, options);
  if (!r.is_ok() && r.status().is_would_block() && options.cache_only) throw common::WouldBlock{};
  if (auto* m = options_.metrics) {
    const uint64_t us = micros_since(start);
    m->proxy.read.add(us);
    if (auto* t = m->tables.get(layout.id)) t->read_latency.add(us);
  }
  if (!r.is_ok()) throw CqlError(ErrorCode::kServerError, "read failed: " + r.status().message());
  return std::move(r.value());
}

storage::Engine::ScanResult Coordinator::scan(const storage::TableLayout& layout,
                                              const storage::ScanOptions& options, Consistency cl) {
  check_available(cl, false);
  const auto start = std::chrono::steady_clock::now();
  auto r = local_.scan(layout, options);
  if (auto* m = options_.metrics) {
    const uint64_t us = micros_since(start);
    m->proxy.range.add(us);
    if (auto* t = m->tables.get(layout.id)) t->range_latency.add(us);
  }
  if (!r.is_ok()) throw CqlError(ErrorCode::kServerError, "scan failed: " + r.status().message());
  return std::move(r.value());
}

}  // namespace krill::coordinator

namespace krill::coordinator {

void Coordinator::record_write(const std::vector<storage::PartitionWrite>& writes, uint64_t micros) const {
  auto& m = *options_.metrics;
  m.proxy.write.add(micros);
  const std::string* last = nullptr;
  admin::TableMetrics* t = nullptr;
  for (const auto& w : writes) {
    if (!w.layout) continue;
    if (last == nullptr || *last != w.layout->id) {
      last = &w.layout->id;
      t = m.tables.get(*last);
      if (t != nullptr) t->write_latency.add(micros);
    }
    if (t == nullptr) continue;
    uint64_t bytes = 0, cells = 0;
    measure(w, bytes, cells);
    t->partition_write_bytes.add(bytes);
    t->partition_write_cells.add(cells);
  }
}

}  // namespace krill::coordinator
