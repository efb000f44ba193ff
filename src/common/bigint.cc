#include "common/bigint.h"

#include <algorithm>

namespace krill::common {

BigInt::BigInt(int64_t v) {
  negative_ = v < 0;
  uint64_t m = negative_ ? ~static_cast<uint64_t>(v) + 1 : static_cast<uint64_t>(v);
  while (m != 0) {
    mag_.push_back(static_cast<uint32_t>(m));
    m >>= 32;
  }
}

void BigInt::trim() {
  while (!mag_.empty() && mag_.back() == 0) mag_.pop_back();
  if (mag_.empty()) negative_ = false;
}

BigInt BigInt::from_twos_complement(BytesView b) {
  BigInt r;
  if (b.empty()) return r;
  r.negative_ = (static_cast<uint8_t>(b[0]) & 0x80) != 0;
  // Magnitude bytes, big-endian: the bytes themselves, or their two's complement negation.
  std::vector<uint8_t> m(b.begin(), b.end());
  if (r.negative_) {
    for (auto& x : m) x = static_cast<uint8_t>(~x);
    for (size_t i = m.size(); i-- > 0;) {
      if (++m[i] != 0) break;
    }
  }
  r.mag_.assign((m.size() + 3) / 4, 0);
  for (size_t i = 0; i < m.size(); ++i) {
    size_t bit = (m.size() - 1 - i) * 8;
    r.mag_[bit / 32] |= static_cast<uint32_t>(m[i]) << (bit % 32);
  }
  r.trim();
  return r;
}

std::optional<BigInt> BigInt::from_decimal(std::string_view text) {
  bool neg = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    neg = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) return std::nullopt;
  BigInt r;
  // Nine digits at a time keeps the multiplier inside 32 bits.
  size_t i = 0;
  while (i < text.size()) {
    uint32_t chunk = 0, mul = 1;
    for (size_t k = 0; k < 9 && i < text.size(); ++k, ++i) {
      char c = text[i];
      if (c < '0' || c > '9') return std::nullopt;
      chunk = chunk * 10 + static_cast<uint32_t>(c - '0');
      mul *= 10;
    }
    r.mul_add_small(mul, chunk);
  }
  r.negative_ = neg;
  r.trim();
  return r;
}

Bytes BigInt::to_twos_complement() const {
  // Big-endian magnitude bytes without leading zeros.
  std::vector<uint8_t> m;
  for (size_t i = mag_.size(); i-- > 0;) {
    for (int s = 24; s >= 0; s -= 8) m.push_back(static_cast<uint8_t>(mag_[i] >> s));
  }
  size_t first = 0;
  while (first < m.size() && m[first] == 0) ++first;
  m.erase(m.begin(), m.begin() + static_cast<std::ptrdiff_t>(first));
  if (m.empty()) return Bytes(1, '\0');
  if (!negative_) {
    if (m[0] & 0x80) m.insert(m.begin(), 0);
    return Bytes(m.begin(), m.end());
  }
  // 2^(8n) - m over n bytes; needs a 0xff sign byte when the result's top bit is clear.
  for (auto& x : m) x = static_cast<uint8_t>(~x);
  for (size_t i = m.size(); i-- > 0;) {
    if (++m[i] != 0) break;
  }
  if (!(m[0] & 0x80)) m.insert(m.begin(), 0xff);
  return Bytes(m.begin(), m.end());
}

std::string BigInt::to_decimal() const {
  if (is_zero()) return "0";
  BigInt t = *this;
  std::string digits;
  while (!t.is_zero()) {
    uint32_t rem = t.divmod_small(1000000000u);
    for (int k = 0; k < 9; ++k) {
      digits.push_back(static_cast<char>('0' + rem % 10));
      rem /= 10;
    }
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  if (negative_) digits.push_back('-');
  std::reverse(digits.begin(), digits.end());
  return digits;
}

std::optional<int64_t> BigInt::to_int64() const {
  if (mag_.size() > 2) return std::nullopt;
  uint64_t m = 0;
  for (size_t i = mag_.size(); i-- > 0;) m = (m << 32) | mag_[i];
  if (!negative_) {
    if (m > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<int64_t>(m);
  }
  if (m > static_cast<uint64_t>(INT64_MAX) + 1) return std::nullopt;
  return static_cast<int64_t>(~m + 1);
}

size_t BigInt::decimal_digits() const {
  if (is_zero()) return 1;
  return to_decimal().size() - (negative_ ? 1 : 0);
}

void BigInt::mul_add_small(uint32_t m, uint32_t a) {
  uint64_t carry = a;
  for (auto& limb : mag_) {
    uint64_t x = static_cast<uint64_t>(limb) * m + carry;
    limb = static_cast<uint32_t>(x);
    carry = x >> 32;
  }
  if (carry != 0) mag_.push_back(static_cast<uint32_t>(carry));
  trim();
}

void BigInt::mul_pow10(size_t n) {
  while (n >= 9) {
    mul_add_small(1000000000u, 0);
    n -= 9;
  }
  uint32_t m = 1;
  while (n-- > 0) m *= 10;
  if (m != 1) mul_add_small(m, 0);
}

uint32_t BigInt::divmod_small(uint32_t d) {
  uint64_t rem = 0;
  for (size_t i = mag_.size(); i-- > 0;) {
    uint64_t cur = (rem << 32) | mag_[i];
    mag_[i] = static_cast<uint32_t>(cur / d);
    rem = cur % d;
  }
  trim();
  return static_cast<uint32_t>(rem);
}

int BigInt::compare_magnitude(const BigInt& a, const BigInt& b) {
  if (a.mag_.size() != b.mag_.size()) return a.mag_.size() < b.mag_.size() ? -1 : 1;
  for (size_t i = a.mag_.size(); i-- > 0;) {
    if (a.mag_[i] != b.mag_[i]) return a.mag_[i] < b.mag_[i] ? -1 : 1;
  }
  return 0;
}

int BigInt::compare(const BigInt& a, const BigInt& b) {
  if (a.sign() != b.sign()) return a.sign() < b.sign() ? -1 : 1;
  int c = compare_magnitude(a, b);
  return a.negative_ ? -c : c;
}

}  // namespace krill::common
