#include "common/murmur3.h"

#include <limits>

namespace krill::common {
namespace {

constexpr uint64_t kC1 = 0x87c37b91114253d5ULL;
constexpr uint64_t kC2 = 0x4cf5ad432745937fULL;

inline uint64_t rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

inline uint64_t fmix64(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}

// Little-endian 64-bit block, as the reference reads it.
inline uint64_t load_le64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

// Java widens a byte to long with sign extension before shifting it into place.
inline uint64_t java_byte(const char* p, size_t i) {
  return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int8_t>(p[i])));
}

}  // namespace

int64_t murmur3_h1(BytesView data) {
  const char* p = data.data();
  const size_t len = data.size();
  const size_t nblocks = len / 16;
  uint64_t h1 = 0;  // seed 0
  uint64_t h2 = 0;

  for (size_t i = 0; i < nblocks; ++i) {
    uint64_t k1 = load_le64(p + i * 16);
    uint64_t k2 = load_le64(p + i * 16 + 8);
    k1 *= kC1;
    k1 = rotl64(k1, 31);
    k1 *= kC2;
    h1 ^= k1;
    h1 = rotl64(h1, 27);
    h1 += h2;
    h1 = h1 * 5 + 0x52dce729;
    k2 *= kC2;
    k2 = rotl64(k2, 33);
    k2 *= kC1;
    h2 ^= k2;
    h2 = rotl64(h2, 31);
    h2 += h1;
    h2 = h2 * 5 + 0x38495ab5;
  }

  // Tail: bytes 8..15 of the last partial block go to k2, bytes 0..7 to k1. Each byte is
  // sign-extended (Java semantics) and xor-ed in, so a negative byte sets all higher bits.
  const char* tail = p + nblocks * 16;
  const size_t rest = len & 15;
  uint64_t k1 = 0;
  uint64_t k2 = 0;
  for (size_t i = rest; i > 8; --i) k2 ^= java_byte(tail, i - 1) << ((i - 9) * 8);
  if (rest > 8) {
    k2 *= kC2;
    k2 = rotl64(k2, 33);
    k2 *= kC1;
    h2 ^= k2;
  }
  for (size_t i = rest < 8 ? rest : 8; i > 0; --i) k1 ^= java_byte(tail, i - 1) << ((i - 1) * 8);
  if (rest > 0) {
    k1 *= kC1;
    k1 = rotl64(k1, 31);
    k1 *= kC2;
    h1 ^= k1;
  }

  h1 ^= len;
  h2 ^= len;
  h1 += h2;
  h2 += h1;
  h1 = fmix64(h1);
  h2 = fmix64(h2);
  h1 += h2;
  return static_cast<int64_t>(h1);
}

int64_t murmur3_token(BytesView partition_key) {
  if (partition_key.empty()) return std::numeric_limits<int64_t>::min();
  int64_t h = murmur3_h1(partition_key);
  return h == std::numeric_limits<int64_t>::min() ? std::numeric_limits<int64_t>::max() : h;
}

}  // namespace krill::common
