#include "coordinator/coordinator.h"

#include <string>

namespace krill::coordinator {

using common::CqlError;
using common::ErrorCode;

Consistency consistency_from_code(uint16_t code) {
  if (code > 0x000A)
    throw CqlError(ErrorCode::kProtocolError, "Unknown consistency level code " + std::to_string(code));
  return static_cast<Consistency>(code);
}

const char* consistency_name(Consistency c) {
  switch (c) {
    case Consistency::kAny:
      return "ANY";
    case Consistency::kOne:
      return "ONE";
    case Consistency::kTwo:
      return "TWO";
    case Consistency::kThree:
      return "THREE";
    case Consistency::kQuorum:
      return "QUORUM";
    case Consistency::kAll:
      return "ALL";
    case Consistency::kLocalQuorum:
      return "LOCAL_QUORUM";
    case Consistency::kEachQuorum:
      return "EACH_QUORUM";
    case Consistency::kSerial:
      return "SERIAL";
    case Consistency::kLocalSerial:
      return "LOCAL_SERIAL";
    case Consistency::kLocalOne:
      return "LOCAL_ONE";
  }
  return "UNKNOWN";
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
  auto s = local_.write(writes, options_.sync_writes);
  if (s.is_no_space()) {
    // Cassandra reports storage failures of a replica as WRITE_FAILURE.
    common::ErrorDetail d;
    d.consistency = static_cast<uint16_t>(cl);
    d.required = 1;
    d.received = 0;
    d.write_type = writes.size() > 1 ? "BATCH" : "SIMPLE";
    throw CqlError(ErrorCode::kWriteFailure, "Write failed: " + s.message(), d);
  }
  if (!s.is_ok()) throw CqlError(ErrorCode::kServerError, "write failed: " + s.message());
}

storage::PartitionData Coordinator::read_partition(const storage::TableLayout& layout,
                                                   common::BytesView partition_key, int64_t token,
                                                   const storage::ReadOptions& options, Consistency cl) {
  check_available(cl, false);
  auto r = local_.read_partition(layout, partition_key, token, options);
  if (!r.is_ok()) throw CqlError(ErrorCode::kServerError, "read failed: " + r.status().message());
  return std::move(r.value());
}

storage::Engine::ScanResult Coordinator::scan(const storage::TableLayout& layout,
                                              const storage::ScanOptions& options, Consistency cl) {
  check_available(cl, false);
  auto r = local_.scan(layout, options);
  if (!r.is_ok()) throw CqlError(ErrorCode::kServerError, "scan failed: " + r.status().message());
  return std::move(r.value());
}

}  // namespace krill::coordinator
