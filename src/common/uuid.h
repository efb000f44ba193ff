// UUIDs: parsing, formatting and generation (random v4, time-based v1).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "common/bytes.h"

namespace krill::common {

struct Uuid {
  std::array<uint8_t, 16> bytes{};

  // "01234567-89ab-cdef-0123-456789abcdef", lower case.
  std::string to_string() const;
  Bytes to_bytes() const { return Bytes(reinterpret_cast<const char*>(bytes.data()), 16); }
  int version() const { return bytes[6] >> 4; }
  // For version 1: 100-ns intervals since 1582-10-15.
  uint64_t timestamp() const;
  // For version 1: milliseconds since the Unix epoch.
  int64_t unix_millis() const;

  // Accepts exactly the 36-character 8-4-4-4-12 form, hex digits in either case.
  static std::optional<Uuid> parse(std::string_view text);
  static Uuid from_bytes(BytesView b);  // REQUIRES: b.size() == 16
  friend bool operator==(const Uuid& a, const Uuid& b) { return a.bytes == b.bytes; }
};

// Generates v4 and v1 UUIDs. Thread-safe. Time UUIDs from one generator are strictly
// increasing in timestamp, even when called faster than the clock ticks.
class UuidGenerator {
 public:
  UuidGenerator();
  Uuid random();
  // A v1 UUID for now, with this generator's clock sequence and node (random, chosen at
  // construction, variant 10 and the multicast bit set as RFC 4122 asks for random nodes).
  Uuid time_based();
  // A v1 UUID for the start of `unix_millis`; clock_seq_and_node becomes bytes 8..15 as is.
  static Uuid time_based_at(int64_t unix_millis, uint64_t clock_seq_and_node);
  // minTimeuuid / maxTimeuuid as Cassandra defines them: the millisecond's first 100-ns tick
  // with low bytes 0x8080808080808080, and its last tick (+9999) with 0x7f7f7f7f7f7f7f7f.
  static Uuid min_time_uuid(int64_t unix_millis);
  static Uuid max_time_uuid(int64_t unix_millis);

 private:
  std::mutex mu_;
  std::mt19937_64 rng_;
  uint64_t last_ts_ = 0;
  uint64_t clock_seq_and_node_;
};

}  // namespace krill::common
