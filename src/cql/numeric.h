// Internal to cql/: arithmetic on serialized CQL numbers for functions, casts and
// aggregates, with Java's semantics where Cassandra inherits them: Number.intValue() and
// friends (wrapping integer narrowing, saturating float-to-integer), BigInteger/BigDecimal
// addition and division, and the text forms of Float/Double.toString.
//
// All functions are pure. Values passed in must be valid for their type (callers validate
// or read them from storage); an empty (0-byte) value is treated by callers as null.
#pragma once

#include <cstdint>
#include <string>

#include "common/bigint.h"
#include "common/bytes.h"
#include "common/types.h"

namespace krill::cql::numeric {

// A decimal value: unscaled * 10^-scale (java.math.BigDecimal).
struct Decimal {
  common::BigInt unscaled;
  int32_t scale = 0;
};

// True for tinyint, smallint, int, bigint, counter, varint, float, double and decimal.
bool is_numeric(common::TypeKind k);

Decimal decode_decimal(common::BytesView v);
common::Bytes encode_decimal(const Decimal& d);

// a + b (BigInteger.add).
common::BigInt add(const common::BigInt& a, const common::BigInt& b);
// a + b and a - b with the larger of the two scales (BigDecimal.add/subtract).
Decimal add(const Decimal& a, const Decimal& b);
Decimal subtract(const Decimal& a, const Decimal& b);
// a / n truncated toward zero (BigInteger.divide). REQUIRES: n > 0.
common::BigInt divide(const common::BigInt& a, int64_t n);
// a / n keeping a's scale, rounded half-even (BigDecimal.divide(valueOf(n), HALF_EVEN)).
// REQUIRES: n > 0.
Decimal divide_half_even(const Decimal& a, int64_t n);

// Java's conversions of a value of numeric type `t` (Number.xxxValue()): integer
// narrowing keeps the low bits, floating values saturate (NaN gives 0), decimals drop
// their fraction first; float/double of a varint or decimal is correctly rounded.
int64_t to_long(const common::DataType& t, common::BytesView v);
int32_t to_int(const common::DataType& t, common::BytesView v);
double to_double(const common::DataType& t, common::BytesView v);
float to_float(const common::DataType& t, common::BytesView v);

// BigDecimal.valueOf(double): the digits of Double.toString(d). Throws kInvalid for NaN
// and infinities.
Decimal decimal_from_double(double d);

// Double.toString / Float.toString: "1.0", "0.001", "1.0E7", "1.5E-4", "NaN", "Infinity".
std::string java_double_string(double d);
std::string java_float_string(float f);

// The decimal digits of a varint value; BigDecimal.toString of a decimal value.
std::string varint_string(common::BytesView v);
std::string decimal_string(common::BytesView v);

}  // namespace krill::cql::numeric
