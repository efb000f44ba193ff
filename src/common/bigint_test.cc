#include "common/bigint.h"

#include <gtest/gtest.h>

#include "common/values.h"

namespace krill::common {
namespace {

TEST(BigIntTest, TwosComplementVectors) {
  struct Case {
    int64_t v;
    const char* hex;
  } cases[] = {{0, "00"},
               {1, "01"},
               {127, "7f"},
               {128, "0080"},
               {255, "00ff"},
               {256, "0100"},
               {-1, "ff"},
               {-128, "80"},
               {-129, "ff7f"},
               {-256, "ff00"},
               {-257, "feff"},
               {INT64_MAX, "7fffffffffffffff"},
               {INT64_MIN, "8000000000000000"}};
  for (const auto& c : cases) {
    EXPECT_EQ(to_hex(BigInt(c.v).to_twos_complement()), c.hex) << c.v;
    EXPECT_EQ(BigInt::from_twos_complement(from_hex(c.hex)).to_int64(), c.v) << c.hex;
  }
  EXPECT_EQ(to_hex(BigInt::from_decimal("9223372036854775808")->to_twos_complement()), "008000000000000000");
}

TEST(BigIntTest, NonMinimalInputNormalises) {
  EXPECT_EQ(to_hex(BigInt::from_twos_complement(from_hex("000001")).to_twos_complement()), "01");
  EXPECT_EQ(to_hex(BigInt::from_twos_complement(from_hex("ffff80")).to_twos_complement()), "80");
  EXPECT_TRUE(BigInt::from_twos_complement("").is_zero());
  EXPECT_TRUE(BigInt::from_twos_complement(from_hex("0000")).is_zero());
}

TEST(BigIntTest, DecimalText) {
  const char* big = "-123456789012345678901234567890123456789";
  auto v = BigInt::from_decimal(big);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->to_decimal(), big);
  EXPECT_EQ(v->decimal_digits(), 39u);
  EXPECT_TRUE(v->is_negative());
  EXPECT_EQ(v->to_int64(), std::nullopt);
  EXPECT_EQ(BigInt::from_twos_complement(v->to_twos_complement()).to_decimal(), big);
  EXPECT_EQ(BigInt::from_decimal("+000")->to_decimal(), "0");
  EXPECT_EQ(BigInt::from_decimal("-0")->to_decimal(), "0");
  EXPECT_EQ(BigInt::from_decimal("1000000000")->to_decimal(), "1000000000");
  EXPECT_EQ(BigInt::from_decimal(""), std::nullopt);
  EXPECT_EQ(BigInt::from_decimal("-"), std::nullopt);
  EXPECT_EQ(BigInt::from_decimal("12a"), std::nullopt);
  EXPECT_EQ(BigInt::from_decimal("1.0"), std::nullopt);
}

TEST(BigIntTest, Int64Limits) {
  EXPECT_EQ(BigInt::from_decimal("9223372036854775807")->to_int64(), INT64_MAX);
  EXPECT_EQ(BigInt::from_decimal("9223372036854775808")->to_int64(), std::nullopt);
  EXPECT_EQ(BigInt::from_decimal("-9223372036854775808")->to_int64(), INT64_MIN);
  EXPECT_EQ(BigInt::from_decimal("-9223372036854775809")->to_int64(), std::nullopt);
}

TEST(BigIntTest, ArithmeticAndComparison) {
  BigInt v(12);
  v.mul_pow10(20);
  EXPECT_EQ(v.to_decimal(), "1200000000000000000000");
  EXPECT_EQ(v.divmod_small(7), 3u);
  EXPECT_EQ(v.to_decimal(), "171428571428571428571");
  v.mul_add_small(7, 3);
  EXPECT_EQ(v.to_decimal(), "1200000000000000000000");
  EXPECT_EQ(BigInt::compare(BigInt(-5), BigInt(3)), -1);
  EXPECT_EQ(BigInt::compare(BigInt(-5), BigInt(-3)), -1);
  EXPECT_EQ(BigInt::compare(BigInt(5), BigInt(5)), 0);
  EXPECT_EQ(BigInt::compare(*BigInt::from_decimal("100000000000000000000"), BigInt(INT64_MAX)), 1);
  EXPECT_EQ(BigInt::compare_magnitude(BigInt(-9), BigInt(3)), 1);
  BigInt n(7);
  n.negate();
  EXPECT_EQ(n.to_decimal(), "-7");
  BigInt z;
  z.negate();
  EXPECT_EQ(z.sign(), 0);
}

}  // namespace
}  // namespace krill::common
