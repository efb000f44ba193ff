// Arbitrary-precision signed integers, just enough for CQL varint and decimal values:
// conversion to and from minimal two's complement bytes and decimal text, comparison,
// and multiplication/addition/division by small numbers.
//
// A BigInt is a plain value (sign and magnitude); it is not thread-safe to mutate one
// object from several threads, but distinct objects are independent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"

namespace krill::common {

class BigInt {
 public:
  BigInt() = default;  // zero
  explicit BigInt(int64_t v);

  // Decodes big-endian two's complement bytes (the varint wire form); any length, the
  // empty string is zero. Non-minimal encodings are accepted.
  static BigInt from_twos_complement(BytesView b);
  // Parses optional '-' or '+' followed by one or more decimal digits; nullopt otherwise.
  static std::optional<BigInt> from_decimal(std::string_view text);

  // The minimal two's complement encoding (0 -> 00, 128 -> 0080, -129 -> ff7f).
  Bytes to_twos_complement() const;
  // Decimal digits with a leading '-' when negative.
  std::string to_decimal() const;
  // The value when it fits in an int64_t; nullopt otherwise.
  std::optional<int64_t> to_int64() const;

  bool is_zero() const { return mag_.empty(); }
  bool is_negative() const { return negative_; }
  // -1, 0 or 1.
  int sign() const { return is_zero() ? 0 : (negative_ ? -1 : 1); }
  // Number of decimal digits of the magnitude (1 for zero).
  size_t decimal_digits() const;

  // this = this * m + a, on the magnitude (the sign is kept). REQUIRES: m > 0.
  void mul_add_small(uint32_t m, uint32_t a);
  // this = this * 10^n.
  void mul_pow10(size_t n);
  // Divides the magnitude by d in place and returns the remainder. REQUIRES: d > 0.
  uint32_t divmod_small(uint32_t d);
  void negate() {
    if (!is_zero()) negative_ = !negative_;
  }

  // Signed comparison: <0, 0, >0.
  static int compare(const BigInt& a, const BigInt& b);
  // Comparison of absolute values.
  static int compare_magnitude(const BigInt& a, const BigInt& b);

 private:
  void trim();
  bool negative_ = false;
  std::vector<uint32_t> mag_;  // little-endian 32-bit limbs, no high zero limbs
};

}  // namespace krill::common
