#include "cql/numeric.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "common/error.h"
#include "common/values.h"

namespace krill::cql::numeric {
namespace {

using common::BigInt;
using common::DataType;
using common::TypeKind;

Decimal dec(const char* unscaled, int32_t scale) { return Decimal{*BigInt::from_decimal(unscaled), scale}; }

std::string text(const Decimal& d) { return decimal_string(encode_decimal(d)); }

TEST(JavaStrings, DoubleLikeJava) {
  EXPECT_EQ(java_double_string(1.0), "1.0");
  EXPECT_EQ(java_double_string(100.0), "100.0");
  EXPECT_EQ(java_double_string(0.001), "0.001");
  EXPECT_EQ(java_double_string(123456.789), "123456.789");
  EXPECT_EQ(java_double_string(9999999.0), "9999999.0");
  EXPECT_EQ(java_double_string(1e7), "1.0E7");
  EXPECT_EQ(java_double_string(1.5e-4), "1.5E-4");
  EXPECT_EQ(java_double_string(-2.5e21), "-2.5E21");
  EXPECT_EQ(java_double_string(-0.0), "-0.0");
  EXPECT_EQ(java_double_string(std::nan("")), "NaN");
  EXPECT_EQ(java_double_string(-std::numeric_limits<double>::infinity()), "-Infinity");
  EXPECT_EQ(java_double_string(static_cast<double>(5.2f)), "5.199999809265137");
}

TEST(JavaStrings, FloatLikeJava) {
  EXPECT_EQ(java_float_string(5.2f), "5.2");
  EXPECT_EQ(java_float_string(1e10f), "1.0E10");
  EXPECT_EQ(java_float_string(0.5f), "0.5");
}

TEST(Decimals, FromDoubleKeepsJavaDigits) {
  EXPECT_EQ(text(decimal_from_double(4.0)), "4.0");
  EXPECT_EQ(text(decimal_from_double(6.3)), "6.3");
  EXPECT_EQ(text(decimal_from_double(1e10)), "1.0E+10");
  EXPECT_EQ(text(decimal_from_double(-1.5e-4)), "-0.00015");
  EXPECT_THROW(decimal_from_double(std::nan("")), common::CqlError);
}

TEST(Decimals, AddAndSubtractAlignScales) {
  EXPECT_EQ(text(add(dec("15", 1), dec("225", 2))), "3.75");
  EXPECT_EQ(text(subtract(dec("1", 0), dec("25", 2))), "0.75");
  EXPECT_EQ(text(add(dec("-5", 0), dec("5", 3))), "-4.995");
}

TEST(Decimals, DivideRoundsHalfEvenAtTheDividendScale) {
  EXPECT_EQ(text(divide_half_even(dec("25", 1), 2)), "1.2");  // 1.25 -> 1.2
  EXPECT_EQ(text(divide_half_even(dec("35", 1), 2)), "1.8");  // 1.75 -> 1.8
  EXPECT_EQ(text(divide_half_even(dec("-35", 1), 2)), "-1.8");
  EXPECT_EQ(text(divide_half_even(dec("1", 0), 3)), "0");
  EXPECT_EQ(text(divide_half_even(dec("2", 0), 3)), "1");
  EXPECT_EQ(text(divide_half_even(dec("-2", 0), 3)), "-1");
}

TEST(Varints, AddAndDivide) {
  BigInt big = *BigInt::from_decimal("123456789012345678901234567890");
  EXPECT_EQ(add(big, BigInt(-1)).to_decimal(), "123456789012345678901234567889");
  EXPECT_EQ(add(BigInt(-5), BigInt(3)).to_decimal(), "-2");
  EXPECT_EQ(add(BigInt(INT64_MAX), BigInt(1)).to_decimal(), "9223372036854775808");
  EXPECT_EQ(divide(BigInt(-7), 2).to_decimal(), "-3");
}

TEST(Conversions, JavaNarrowing) {
  DataType dbl = DataType::native(TypeKind::kDouble);
  DataType dcm = DataType::native(TypeKind::kDecimal);
  DataType vi = DataType::native(TypeKind::kVarint);
  DataType bi = DataType::native(TypeKind::kBigint);
  EXPECT_EQ(to_int(dbl, common::encode_double(3e9)), INT32_MAX);
  EXPECT_EQ(to_int(dbl, common::encode_double(std::nan(""))), 0);
  EXPECT_EQ(to_long(dbl, common::encode_double(-1e30)), INT64_MIN);
  EXPECT_EQ(to_long(dcm, encode_decimal(dec("129", 1))), 12);
  EXPECT_EQ(to_long(dcm, encode_decimal(dec("-129", 1))), -12);
  EXPECT_EQ(to_long(dcm, encode_decimal(dec("12", -2))), 1200);
  EXPECT_EQ(to_long(vi, BigInt::from_decimal("18446744073709551621")->to_twos_complement()), 5);
  EXPECT_EQ(to_int(bi, common::encode_bigint(0x100000005LL)), 5);
  EXPECT_DOUBLE_EQ(to_double(dcm, encode_decimal(dec("63", 1))), 6.3);
  EXPECT_FLOAT_EQ(to_float(vi, BigInt(4).to_twos_complement()), 4.0f);
}

}  // namespace
}  // namespace krill::cql::numeric
