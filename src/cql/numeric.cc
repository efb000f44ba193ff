#include "cql/numeric.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "common/error.h"
#include "common/values.h"

namespace krill::cql::numeric {

using common::BigInt;
using common::Bytes;
using common::BytesView;
using common::DataType;
using common::TypeKind;

namespace {

// Scale differences beyond this would need absurd amounts of memory to align.
constexpr int64_t kMaxScaleShift = 100000;

// The low 64 bits of a two's complement integer.
int64_t low_bits(const BigInt& v) {
  Bytes b = v.to_twos_complement();
  uint64_t out = (static_cast<uint8_t>(b[0]) & 0x80) ? ~uint64_t{0} : 0;
  size_t start = b.size() > 8 ? b.size() - 8 : 0;
  for (size_t i = start; i < b.size(); ++i) out = (out << 8) | static_cast<uint8_t>(b[i]);
  return static_cast<int64_t>(out);
}

// Java's (long) of a double: saturating, NaN is 0.
int64_t saturate_long(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 9223372036854775807.0) return INT64_MAX;
  if (d <= -9223372036854775808.0) return INT64_MIN;
  return static_cast<int64_t>(d);
}

int32_t saturate_int(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 2147483647.0) return INT32_MAX;
  if (d <= -2147483648.0) return INT32_MIN;
  return static_cast<int32_t>(d);
}

// The integer part of a decimal (toward zero).
BigInt integer_part(const Decimal& d) {
  BigInt v = d.unscaled;
  if (d.scale < 0) {
    if (-static_cast<int64_t>(d.scale) > kMaxScaleShift) common::throw_invalid("Decimal value out of range");
    v.mul_pow10(static_cast<size_t>(-static_cast<int64_t>(d.scale)));
    return v;
  }
  int64_t s = d.scale;
  if (static_cast<size_t>(s) > v.decimal_digits()) return BigInt();
  while (s >= 9) {
    v.divmod_small(1000000000u);
    s -= 9;
  }
  uint32_t p = 1;
  while (s-- > 0) p *= 10;
  if (p != 1) v.divmod_small(p);
  return v;
}

std::string decimal_text(const Decimal& d) {
  return d.unscaled.to_decimal() + "E" + std::to_string(-static_cast<int64_t>(d.scale));
}

bool is_integral(TypeKind k) {
  return k == TypeKind::kTinyint || k == TypeKind::kSmallint || k == TypeKind::kInt ||
         k == TypeKind::kBigint || k == TypeKind::kCounter;
}

int64_t integral_value(TypeKind k, BytesView v) {
  switch (k) {
    case TypeKind::kTinyint:
      return common::decode_tinyint(v);
    case TypeKind::kSmallint:
      return common::decode_smallint(v);
    case TypeKind::kInt:
      return common::decode_int(v);
    default:
      return common::decode_bigint(v);
  }
}

// Shortest round-trip digits of a float/double as (digits, exponent): value = d.ddd * 10^exp.
template <typename F>
std::pair<std::string, int> shortest_digits(F value) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  std::string_view s(buf, static_cast<size_t>(res.ptr - buf));
  size_t e = s.find('e');
  std::string digits;
  for (char c : s.substr(0, e)) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  int exp = 0;
  std::string_view es = s.substr(e + 1);
  if (!es.empty() && es[0] == '+') es.remove_prefix(1);
  std::from_chars(es.data(), es.data() + es.size(), exp);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  return {digits, exp};
}

template <typename F>
std::string java_string(F value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value == 0) return std::signbit(value) ? "-0.0" : "0.0";
  std::string out = std::signbit(value) ? "-" : "";
  auto [digits, exp] = shortest_digits(std::fabs(value));
  F mag = std::fabs(value);
  if (mag >= F(1e-3) && mag < F(1e7)) {
    if (exp >= 0) {
      std::string int_part = digits.substr(0, std::min(digits.size(), static_cast<size_t>(exp) + 1));
      while (int_part.size() < static_cast<size_t>(exp) + 1) int_part.push_back('0');
      std::string frac = digits.size() > static_cast<size_t>(exp) + 1 ? digits.substr(exp + 1) : "0";
      return out + int_part + "." + frac;
    }
    return out + "0." + std::string(static_cast<size_t>(-exp - 1), '0') + digits;
  }
  out += digits.substr(0, 1);
  out += ".";
  out += digits.size() > 1 ? digits.substr(1) : "0";
  return out + "E" + std::to_string(exp);
}

}  // namespace

bool is_numeric(TypeKind k) {
  return is_integral(k) || k == TypeKind::kVarint || k == TypeKind::kFloat || k == TypeKind::kDouble ||
         k == TypeKind::kDecimal;
}

Decimal decode_decimal(BytesView v) {
  Decimal d;
  d.scale = static_cast<int32_t>(common::get_be32(v.data()));
  d.unscaled = BigInt::from_twos_complement(v.substr(4));
  return d;
}

Bytes encode_decimal(const Decimal& d) {
  Bytes out;
  common::put_be32(out, static_cast<uint32_t>(d.scale));
  out += d.unscaled.to_twos_complement();
  return out;
}

BigInt add(const BigInt& a, const BigInt& b) {
  Bytes x = a.to_twos_complement();
  Bytes y = b.to_twos_complement();
  size_t n = std::max(x.size(), y.size()) + 1;
  auto extend = [n](const Bytes& v) {
    char fill = (static_cast<uint8_t>(v[0]) & 0x80) ? '\xff' : '\0';
    return Bytes(n - v.size(), fill) + v;
  };
  x = extend(x);
  y = extend(y);
  Bytes out(n, '\0');
  unsigned carry = 0;
  for (size_t i = n; i-- > 0;) {
    unsigned s = static_cast<uint8_t>(x[i]) + static_cast<uint8_t>(y[i]) + carry;
    out[i] = static_cast<char>(s & 0xff);
    carry = s >> 8;
  }
  return BigInt::from_twos_complement(out);
}

Decimal add(const Decimal& a, const Decimal& b) {
  Decimal x = a, y = b;
  int64_t diff = static_cast<int64_t>(x.scale) - y.scale;
  if (diff > kMaxScaleShift || diff < -kMaxScaleShift) common::throw_invalid("Decimal value out of range");
  if (diff < 0) {
    x.unscaled.mul_pow10(static_cast<size_t>(-diff));
    x.scale = y.scale;
  } else if (diff > 0) {
    y.unscaled.mul_pow10(static_cast<size_t>(diff));
  }
  return Decimal{add(x.unscaled, y.unscaled), x.scale};
}

Decimal subtract(const Decimal& a, const Decimal& b) {
  Decimal nb = b;
  nb.unscaled.negate();
  return add(a, nb);
}

BigInt divide(const BigInt& a, int64_t n) {
  if (n > static_cast<int64_t>(UINT32_MAX))
    common::throw_invalid("Division by a count above 2^32 is not supported");
  BigInt q = a;
  q.divmod_small(static_cast<uint32_t>(n));
  return q;
}

Decimal divide_half_even(const Decimal& a, int64_t n) {
  if (n > static_cast<int64_t>(UINT32_MAX))
    common::throw_invalid("Division by a count above 2^32 is not supported");
  BigInt q = a.unscaled;
  uint64_t r = q.divmod_small(static_cast<uint32_t>(n));
  uint64_t twice = 2 * r;
  bool up = twice > static_cast<uint64_t>(n);
  if (twice == static_cast<uint64_t>(n)) {
    BigInt parity = q;
    up = parity.divmod_small(2) == 1;
  }
  if (up) {
    if (q.is_zero()) {
      q = BigInt(a.unscaled.is_negative() ? -1 : 1);
    } else {
      q.mul_add_small(1, 1);  // magnitude + 1, sign kept
    }
  }
  return Decimal{q, a.scale};
}

int64_t to_long(const DataType& t, BytesView v) {
  TypeKind k = t.kind();
  if (is_integral(k)) return integral_value(k, v);
  switch (k) {
    case TypeKind::kFloat:
      return saturate_long(common::decode_float(v));
    case TypeKind::kDouble:
      return saturate_long(common::decode_double(v));
    case TypeKind::kVarint:
      return low_bits(BigInt::from_twos_complement(v));
    case TypeKind::kDecimal:
      return low_bits(integer_part(decode_decimal(v)));
    default:
      common::throw_invalid("Not a number: " + t.cql_name());
  }
}

int32_t to_int(const DataType& t, BytesView v) {
  switch (t.kind()) {
    case TypeKind::kFloat:
      return saturate_int(common::decode_float(v));
    case TypeKind::kDouble:
      return saturate_int(common::decode_double(v));
    default:
      return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(to_long(t, v))));
  }
}

double to_double(const DataType& t, BytesView v) {
  TypeKind k = t.kind();
  if (is_integral(k)) return static_cast<double>(integral_value(k, v));
  switch (k) {
    case TypeKind::kFloat:
      return common::decode_float(v);
    case TypeKind::kDouble:
      return common::decode_double(v);
    case TypeKind::kVarint:
      return std::strtod(BigInt::from_twos_complement(v).to_decimal().c_str(), nullptr);
    case TypeKind::kDecimal:
      return std::strtod(decimal_text(decode_decimal(v)).c_str(), nullptr);
    default:
      common::throw_invalid("Not a number: " + t.cql_name());
  }
}

float to_float(const DataType& t, BytesView v) {
  TypeKind k = t.kind();
  if (is_integral(k)) return static_cast<float>(integral_value(k, v));
  switch (k) {
    case TypeKind::kFloat:
      return common::decode_float(v);
    case TypeKind::kDouble:
      return static_cast<float>(common::decode_double(v));
    case TypeKind::kVarint:
      return std::strtof(BigInt::from_twos_complement(v).to_decimal().c_str(), nullptr);
    case TypeKind::kDecimal:
      return std::strtof(decimal_text(decode_decimal(v)).c_str(), nullptr);
    default:
      common::throw_invalid("Not a number: " + t.cql_name());
  }
}

Decimal decimal_from_double(double d) {
  if (std::isnan(d) || std::isinf(d))
    common::throw_invalid("Cannot convert " + java_double_string(d) + " to decimal");
  std::string s = java_double_string(d);
  bool negative = s[0] == '-';
  if (negative) s.erase(0, 1);
  size_t e = s.find('E');
  int64_t exp = e == std::string::npos ? 0 : std::stoll(s.substr(e + 1));
  std::string mantissa = s.substr(0, e);
  size_t dot = mantissa.find('.');
  std::string frac = dot == std::string::npos ? "" : mantissa.substr(dot + 1);
  std::string digits = mantissa.substr(0, dot) + frac;
  Decimal out;
  out.unscaled = *BigInt::from_decimal(digits);
  if (negative) out.unscaled.negate();
  out.scale = static_cast<int32_t>(static_cast<int64_t>(frac.size()) - exp);
  return out;
}

std::string java_double_string(double d) { return java_string(d); }
std::string java_float_string(float f) { return java_string(f); }

std::string varint_string(BytesView v) { return BigInt::from_twos_complement(v).to_decimal(); }

std::string decimal_string(BytesView v) {
  return common::to_cql_literal(DataType::native(TypeKind::kDecimal), v);
}

}  // namespace krill::cql::numeric
