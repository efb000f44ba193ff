#include "common/uuid.h"

#include <chrono>

namespace krill::common {
namespace {

// 100-ns intervals between 1582-10-15 (the Gregorian reform) and 1970-01-01.
constexpr uint64_t kGregorianToUnix100ns = 0x01b21dd213814000ULL;
constexpr uint64_t kMinClockSeqAndNode = 0x8080808080808080ULL;
constexpr uint64_t kMaxClockSeqAndNode = 0x7f7f7f7f7f7f7f7fULL;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A version 1 UUID from a 60-bit timestamp and the 64 low bits (clock sequence and node),
// stored as given (callers choose the variant bits).
Uuid make_v1(uint64_t ts, uint64_t clock_seq_and_node) {
  Uuid u;
  const uint32_t time_low = static_cast<uint32_t>(ts);
  const uint16_t time_mid = static_cast<uint16_t>(ts >> 32);
  const uint16_t time_hi = static_cast<uint16_t>((ts >> 48) & 0x0fff) | 0x1000;
  for (int i = 0; i < 4; ++i) u.bytes[i] = static_cast<uint8_t>(time_low >> (24 - 8 * i));
  u.bytes[4] = static_cast<uint8_t>(time_mid >> 8);
  u.bytes[5] = static_cast<uint8_t>(time_mid);
  u.bytes[6] = static_cast<uint8_t>(time_hi >> 8);
  u.bytes[7] = static_cast<uint8_t>(time_hi);
  for (int i = 0; i < 8; ++i) u.bytes[8 + i] = static_cast<uint8_t>(clock_seq_and_node >> (56 - 8 * i));
  return u;
}

uint64_t millis_to_uuid_ts(int64_t unix_millis) {
  return static_cast<uint64_t>(unix_millis) * 10000 + kGregorianToUnix100ns;
}

}  // namespace

std::string Uuid::to_string() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(kDigits[bytes[i] >> 4]);
    s.push_back(kDigits[bytes[i] & 0x0f]);
  }
  return s;
}

uint64_t Uuid::timestamp() const {
  const uint64_t time_low = get_be32(reinterpret_cast<const char*>(bytes.data()));
  const uint64_t time_mid = get_be16(reinterpret_cast<const char*>(bytes.data() + 4));
  const uint64_t time_hi = get_be16(reinterpret_cast<const char*>(bytes.data() + 6)) & 0x0fff;
  return (time_hi << 48) | (time_mid << 32) | time_low;
}

int64_t Uuid::unix_millis() const {
  return (static_cast<int64_t>(timestamp()) - static_cast<int64_t>(kGregorianToUnix100ns)) / 10000;
}

std::optional<Uuid> Uuid::parse(std::string_view text) {
  if (text.size() != 36) return std::nullopt;
  Uuid u;
  size_t out = 0;
  for (size_t i = 0; i < 36;) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    int hi = hex_value(text[i]);
    int lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    u.bytes[out++] = static_cast<uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return u;
}

Uuid Uuid::from_bytes(BytesView b) {
  Uuid u;
  for (size_t i = 0; i < 16 && i < b.size(); ++i) u.bytes[i] = static_cast<uint8_t>(b[i]);
  return u;
}

namespace {
// 128 bits of seed, so that independently constructed generators do not share streams.
std::mt19937_64 seeded_engine() {
  std::random_device rd;
  std::seed_seq seq{rd(), rd(), rd(), rd()};
  return std::mt19937_64(seq);
}
}  // namespace

UuidGenerator::UuidGenerator() : rng_(seeded_engine()) {
  // RFC 4122 4.5: a random node id has the multicast bit (the low bit of the first node
  // byte, bit 40 here) set. The top two bits are the variant (10).
  clock_seq_and_node_ = (rng_() & 0x3fffffffffffffffULL) | 0x8000000000000000ULL | (1ULL << 40);
}

Uuid UuidGenerator::random() {
  uint64_t hi;
  uint64_t lo;
  {
    std::lock_guard<std::mutex> lock(mu_);
    hi = rng_();
    lo = rng_();
  }
  Uuid u;
  for (int i = 0; i < 8; ++i) {
    u.bytes[i] = static_cast<uint8_t>(hi >> (56 - 8 * i));
    u.bytes[8 + i] = static_cast<uint8_t>(lo >> (56 - 8 * i));
  }
  u.bytes[6] = static_cast<uint8_t>((u.bytes[6] & 0x0f) | 0x40);
  u.bytes[8] = static_cast<uint8_t>((u.bytes[8] & 0x3f) | 0x80);
  return u;
}

Uuid UuidGenerator::time_based() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  const auto intervals = std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch).count() / 100;
  uint64_t ts = static_cast<uint64_t>(intervals) + kGregorianToUnix100ns;
  std::lock_guard<std::mutex> lock(mu_);
  if (ts <= last_ts_) ts = last_ts_ + 1;
  last_ts_ = ts;
  return make_v1(ts, clock_seq_and_node_);
}

Uuid UuidGenerator::time_based_at(int64_t unix_millis, uint64_t clock_seq_and_node) {
  return make_v1(millis_to_uuid_ts(unix_millis), clock_seq_and_node);
}

Uuid UuidGenerator::min_time_uuid(int64_t unix_millis) {
  return make_v1(millis_to_uuid_ts(unix_millis), kMinClockSeqAndNode);
}

Uuid UuidGenerator::max_time_uuid(int64_t unix_millis) {
  return make_v1(millis_to_uuid_ts(unix_millis) + 9999, kMaxClockSeqAndNode);
}

}  // namespace krill::common
