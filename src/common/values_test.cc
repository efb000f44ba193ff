#include "common/values.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "common/error.h"

namespace krill::common {
namespace {

DataType N(TypeKind k) { return DataType::native(k); }
Bytes H(std::string_view hex) { return from_hex(hex); }

// The message of the CqlError(kInvalid) thrown by validate_value, or "" when valid.
std::string invalid_message(const DataType& t, BytesView v) {
  try {
    validate_value(t, v);
  } catch (const CqlError& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalid);
    return e.what();
  }
  return "";
}

// ---- fixed-width codecs ----

TEST(ValuesCodecTest, FixedWidthEncodings) {
  EXPECT_EQ(to_hex(encode_int(1)), "00000001");
  EXPECT_EQ(to_hex(encode_int(-2)), "fffffffe");
  EXPECT_EQ(to_hex(encode_bigint(-1)), "ffffffffffffffff");
  EXPECT_EQ(to_hex(encode_bigint(0x0102030405060708)), "0102030405060708");
  EXPECT_EQ(to_hex(encode_boolean(true)), "01");
  EXPECT_EQ(to_hex(encode_boolean(false)), "00");
  EXPECT_EQ(to_hex(encode_double(1.0)), "3ff0000000000000");
  EXPECT_EQ(to_hex(encode_float(1.0f)), "3f800000");
  EXPECT_EQ(to_hex(encode_smallint(-2)), "fffe");
  EXPECT_EQ(to_hex(encode_tinyint(-128)), "80");
}

TEST(ValuesCodecTest, FixedWidthDecodings) {
  EXPECT_EQ(decode_int(encode_int(INT32_MIN)), INT32_MIN);
  EXPECT_EQ(decode_bigint(encode_bigint(INT64_MIN)), INT64_MIN);
  EXPECT_EQ(decode_double(encode_double(-2.5)), -2.5);
  EXPECT_EQ(decode_float(encode_float(0.1f)), 0.1f);
  EXPECT_EQ(decode_smallint(encode_smallint(INT16_MIN)), INT16_MIN);
  EXPECT_EQ(decode_tinyint(encode_tinyint(-7)), -7);
  EXPECT_TRUE(decode_boolean(H("02")));  // any non-zero byte is true
  EXPECT_FALSE(decode_boolean(H("00")));
}

// ---- collection bodies ----

TEST(ValuesCodecTest, ElementsRoundTrip) {
  Bytes body = encode_elements({encode_int(1), "", "ab"});
  EXPECT_EQ(to_hex(body),
            "00000003"
            "0000000400000001"
            "00000000"
            "000000026162");
  EXPECT_EQ(decode_elements(body), (std::vector<Bytes>{encode_int(1), "", "ab"}));
  EXPECT_TRUE(decode_elements("").empty());
  EXPECT_TRUE(decode_elements(encode_elements({})).empty());
}

TEST(ValuesCodecTest, PairsRoundTrip) {
  std::vector<std::pair<Bytes, Bytes>> pairs = {{"k", encode_int(1)}, {"", ""}};
  Bytes body = encode_pairs(pairs);
  EXPECT_EQ(to_hex(body),
            "00000002"
            "000000016b"
            "0000000400000001"
            "00000000"
            "00000000");
  EXPECT_EQ(decode_pairs(body), pairs);
}

TEST(ValuesCodecTest, ComponentsRoundTripWithNulls) {
  std::vector<std::optional<Bytes>> parts = {encode_int(7), std::nullopt, Bytes()};
  Bytes body = encode_components(parts);
  EXPECT_EQ(to_hex(body),
            "0000000400000007"
            "ffffffff"
            "00000000");
  EXPECT_EQ(decode_components(body), parts);
  EXPECT_TRUE(decode_components("").empty());
}

TEST(ValuesCodecTest, MalformedBodiesThrow) {
  // Truncated count, negative count, truncated element, null element, trailing bytes.
  for (const char* hex : {"000000", "ffffffff", "0000000100000004000000", "00000001ffffffff",
                          "0000000100000001aa00", "000000020000000161"}) {
    EXPECT_THROW(decode_elements(H(hex)), CqlError) << hex;
  }
  EXPECT_THROW(decode_pairs(H("000000010000000161")), CqlError);              // key without value
  EXPECT_THROW(decode_pairs(H("0000000100000001610000000162ff")), CqlError);  // trailing byte
  EXPECT_THROW(decode_pairs(H("0000000100000001610000")), CqlError);
  EXPECT_THROW(decode_components(H("00000005aa")), CqlError);
  EXPECT_THROW(decode_components(H("000000")), CqlError);
}

// ---- validation ----

TEST(ValidateTest, EmptyValuesAreLegalForEveryType) {
  for (const char* name :
       {"int", "bigint", "text", "ascii", "boolean", "uuid", "timeuuid", "inet", "date", "time", "decimal",
        "duration", "list<int>", "map<int, text>", "tuple<int>", "varint", "float"}) {
    EXPECT_EQ(invalid_message(DataType::parse(name), ""), "") << name;
  }
}

TEST(ValidateTest, FixedWidthMessages) {
  EXPECT_EQ(invalid_message(N(TypeKind::kInt), H("000001")), "Expected 4 or 0 byte int (3)");
  EXPECT_EQ(invalid_message(N(TypeKind::kBigint), H("00")), "Expected 8 or 0 byte long (1)");
  EXPECT_EQ(invalid_message(N(TypeKind::kCounter), H("0000000000000000ff")), "Expected 8 or 0 byte long (9)");
  EXPECT_EQ(invalid_message(N(TypeKind::kTimestamp), H("0000")), "Expected 8 or 0 byte long for date (2)");
  EXPECT_EQ(invalid_message(N(TypeKind::kSmallint), H("000000")), "Expected 2 bytes for a smallint (3)");
  EXPECT_EQ(invalid_message(N(TypeKind::kTinyint), H("0000")), "Expected 1 byte for a tinyint (2)");
  EXPECT_EQ(invalid_message(N(TypeKind::kBoolean), H("0000")), "Expected 1 or 0 byte value (2)");
  EXPECT_EQ(invalid_message(N(TypeKind::kFloat), H("00")), "Expected 4 or 0 byte value for a float (1)");
  EXPECT_EQ(invalid_message(N(TypeKind::kDouble), H("00")), "Expected 8 or 0 byte value for a double (1)");
  EXPECT_EQ(invalid_message(N(TypeKind::kUuid), H("00")), "UUID should be 16 or 0 bytes (1)");
  EXPECT_EQ(invalid_message(N(TypeKind::kInet), H("7f000001ff")), "Expected 4 or 16 byte inetaddress (5)");
  EXPECT_EQ(invalid_message(N(TypeKind::kDate), H("800000")), "Expected 4 byte long for date (3)");
  EXPECT_EQ(invalid_message(N(TypeKind::kTime), H("00")), "Expected 8 byte long for time (1)");
  EXPECT_EQ(invalid_message(N(TypeKind::kDecimal), H("000000")),
            "Expected 0 or at least 4 bytes for decimal (3)");
  EXPECT_EQ(invalid_message(N(TypeKind::kInt), encode_int(5)), "");
  EXPECT_EQ(invalid_message(N(TypeKind::kInet), H("00000000000000000000000000000001")), "");
  EXPECT_EQ(invalid_message(N(TypeKind::kDecimal), H("00000002")), "");  // unscaled 0
}

TEST(ValidateTest, Strings) {
  EXPECT_EQ(invalid_message(N(TypeKind::kAscii), "plain"), "");
  EXPECT_EQ(invalid_message(N(TypeKind::kAscii), "a\xc8"), "Invalid byte for ascii: 200");
  EXPECT_EQ(invalid_message(N(TypeKind::kText), "h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80"), "");
  EXPECT_EQ(invalid_message(N(TypeKind::kText), "\xff"), "Invalid UTF-8 bytes 0xff");
  EXPECT_EQ(invalid_message(N(TypeKind::kText), "ok\xc3"), "Invalid UTF-8 bytes 0x6f6bc3");  // truncated
  EXPECT_NE(invalid_message(N(TypeKind::kText), "\xc0\xaf"), "");                            // overlong '/'
  EXPECT_NE(invalid_message(N(TypeKind::kText), "\xed\xa0\x80"), "");      // surrogate U+D800
  EXPECT_NE(invalid_message(N(TypeKind::kText), "\xf4\x90\x80\x80"), "");  // above U+10FFFF
  EXPECT_NE(invalid_message(N(TypeKind::kText), "\x80"), "");              // lone continuation
  EXPECT_EQ(invalid_message(N(TypeKind::kText), std::string(100, '\xff')).size(),
            std::string("Invalid UTF-8 bytes 0x").size() + 64 + 3);  // long values are cut short
  EXPECT_EQ(invalid_message(N(TypeKind::kBlob), "\xff\x00"), "");
  EXPECT_EQ(invalid_message(N(TypeKind::kVarint), H("00ff")), "");  // non-minimal is accepted
}

TEST(ValidateTest, TimeuuidMustBeVersion1) {
  EXPECT_EQ(invalid_message(N(TypeKind::kTimeuuid), H("50554d6e29bb11e5b345feff819cdc9f")), "");
  EXPECT_EQ(invalid_message(N(TypeKind::kTimeuuid), H("550e8400e29b41d4a716446655440000")),
            "Unsupported UUID version for timeuuid");
  EXPECT_EQ(invalid_message(N(TypeKind::kUuid), H("550e8400e29b41d4a716446655440000")), "");
  EXPECT_EQ(invalid_message(N(TypeKind::kTimeuuid), H("00")), "TimeUUID should be 16 or 0 bytes (1)");
}

TEST(ValidateTest, TimeRange) {
  EXPECT_EQ(invalid_message(N(TypeKind::kTime), encode_bigint(86399999999999)), "");
  EXPECT_NE(invalid_message(N(TypeKind::kTime), encode_bigint(86400000000000)), "");
  EXPECT_NE(invalid_message(N(TypeKind::kTime), encode_bigint(-1)), "");
}

TEST(ValidateTest, Durations) {
  const DataType d = N(TypeKind::kDuration);
  EXPECT_EQ(invalid_message(d, H("020406")), "");
  EXPECT_EQ(invalid_message(d, H("0000f077359400")), "");
  EXPECT_EQ(invalid_message(d, H("010101")), "");
  EXPECT_NE(invalid_message(d, H("0204")), "");            // two of three vints
  EXPECT_NE(invalid_message(d, H("02040600")), "");        // trailing byte
  EXPECT_NE(invalid_message(d, H("0000f0773594")), "");    // truncated vint
  EXPECT_NE(invalid_message(d, H("020106")), "");          // mixed signs (1, -1, 3)
  EXPECT_EQ(invalid_message(d, H("f0ffffffff0000")), "");  // months = INT32_MIN
  EXPECT_NE(invalid_message(d, H("f1000000000000")), "");  // months = 2^31
}

TEST(ValidateTest, CollectionsRecurse) {
  const DataType li = DataType::parse("list<int>");
  EXPECT_EQ(invalid_message(li, encode_elements({encode_int(1), encode_int(2)})), "");
  EXPECT_EQ(invalid_message(li, encode_elements({encode_int(1), H("0001")})), "Expected 4 or 0 byte int (2)");
  EXPECT_NE(invalid_message(li, encode_elements({encode_int(1)}) + "x"), "");  // trailing garbage
  EXPECT_NE(invalid_message(li, H("00000002"
                                  "0000000400000001")),
            "");                                              // count too large
  EXPECT_NE(invalid_message(li, H("00000001ffffffff")), "");  // null element

  const DataType st = DataType::parse("set<text>");
  EXPECT_NE(invalid_message(st, encode_elements({"ok", "\xff"})), "");

  const DataType m = DataType::parse("map<text, int>");
  EXPECT_EQ(invalid_message(m, encode_pairs({{"a", encode_int(1)}})), "");
  EXPECT_EQ(invalid_message(m, encode_pairs({{"a", H("01")}})), "Expected 4 or 0 byte int (1)");
  EXPECT_NE(invalid_message(m, encode_pairs({{"\xfe", encode_int(1)}})), "");
  EXPECT_NE(invalid_message(m, H("00000001000000016100000004000000")), "");  // truncated value

  const DataType nested = DataType::parse("list<frozen<map<int, list<ascii>>>>");
  Bytes inner = encode_pairs({{encode_int(1), encode_elements({"x\x80"})}});
  EXPECT_EQ(invalid_message(nested, encode_elements({inner})), "Invalid byte for ascii: 128");
}

TEST(ValidateTest, TuplesAndUdts) {
  const DataType tup = DataType::parse("tuple<int, text>");
  EXPECT_EQ(invalid_message(tup, encode_components({encode_int(1), Bytes("a")})), "");
  EXPECT_EQ(invalid_message(tup, encode_components({std::nullopt, std::nullopt})), "");
  EXPECT_EQ(invalid_message(tup, encode_components({encode_int(1)})), "");  // fewer components
  EXPECT_EQ(invalid_message(tup, encode_components({H("01"), Bytes("a")})), "Expected 4 or 0 byte int (1)");
  EXPECT_NE(invalid_message(tup, encode_components({encode_int(1), Bytes("a"), Bytes("b")})), "");
  EXPECT_NE(invalid_message(tup, H("0000000400")), "");

  const DataType udt =
      DataType::udt("ks", "u", {"f", "g"}, {N(TypeKind::kInt), N(TypeKind::kText)}, /*frozen=*/true);
  EXPECT_EQ(invalid_message(udt, encode_components({encode_int(1)})), "");  // trailing field omitted
  EXPECT_NE(invalid_message(udt, encode_components({encode_int(1), Bytes("\xff")})), "");
  EXPECT_NE(invalid_message(udt, encode_components({encode_int(1), Bytes("a"), Bytes("b")})), "");
}

// ---- comparison ----

int C(const char* type, BytesView a, BytesView b) { return compare_values(DataType::parse(type), a, b); }

TEST(CompareTest, EmptySortsFirst) {
  EXPECT_LT(C("int", "", encode_int(INT32_MIN)), 0);
  EXPECT_GT(C("int", encode_int(INT32_MIN), ""), 0);
  EXPECT_EQ(C("int", "", ""), 0);
  EXPECT_LT(C("text", "", "a"), 0);
  EXPECT_LT(C("list<int>", "", encode_elements({})), 0);
}

TEST(CompareTest, SignedIntegers) {
  EXPECT_LT(C("int", encode_int(-1), encode_int(1)), 0);
  EXPECT_GT(C("int", encode_int(INT32_MAX), encode_int(INT32_MIN)), 0);
  EXPECT_LT(C("bigint", encode_bigint(-5), encode_bigint(3)), 0);
  EXPECT_LT(C("counter", encode_bigint(-5), encode_bigint(3)), 0);
  EXPECT_LT(C("timestamp", encode_bigint(-1), encode_bigint(0)), 0);
  EXPECT_LT(C("smallint", encode_smallint(-300), encode_smallint(2)), 0);
  EXPECT_LT(C("tinyint", encode_tinyint(-1), encode_tinyint(1)), 0);
  EXPECT_EQ(C("int", encode_int(9), encode_int(9)), 0);
}

TEST(CompareTest, Varints) {
  EXPECT_LT(C("varint", H("ff"), H("00")), 0);    // -1 < 0
  EXPECT_LT(C("varint", H("ff7f"), H("80")), 0);  // -129 < -128
  EXPECT_GT(C("varint", H("0080"), H("7f")), 0);  // 128 > 127
  EXPECT_GT(C("varint", H("008000000000000000"), H("7fffffffffffffff")), 0);
  EXPECT_EQ(C("varint", H("0001"), H("01")), 0);  // non-minimal equals minimal
  EXPECT_EQ(C("varint", H("ffff"), H("ff")), 0);
}

Bytes dec(int32_t scale, const char* unscaled_hex) { return encode_int(scale) + from_hex(unscaled_hex); }

TEST(CompareTest, DecimalsByValue) {
  EXPECT_EQ(C("decimal", dec(1, "0a"), dec(2, "64")), 0);               // 1.0 == 1.00
  EXPECT_LT(C("decimal", dec(2, "7b"), dec(1, "0d")), 0);               // 1.23 < 1.3
  EXPECT_LT(C("decimal", dec(1, "fb"), dec(0, "00")), 0);               // -0.5 < 0
  EXPECT_LT(C("decimal", dec(0, "f6"), dec(1, "f6")), 0);               // -10 < -1.0
  EXPECT_GT(C("decimal", dec(-3, "01"), dec(0, "03e7")), 0);            // 1E+3 > 999
  EXPECT_EQ(C("decimal", dec(-3, "01"), dec(0, "03e8")), 0);            // 1E+3 == 1000
  EXPECT_EQ(C("decimal", dec(0, "00"), dec(5, "00")), 0);               // 0 == 0.00000
  EXPECT_LT(C("decimal", dec(1000000, "01"), dec(-1000000, "01")), 0);  // huge scale gap
  EXPECT_LT(C("decimal", dec(-1000000, "ff"), dec(1000000, "ff")), 0);  // -1E+1000000 < -1E-1000000
}

TEST(CompareTest, FloatsAndDoubles) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_LT(C("double", encode_double(-inf), encode_double(-1)), 0);
  EXPECT_LT(C("double", encode_double(-1), encode_double(0.5)), 0);
  EXPECT_LT(C("double", encode_double(inf), encode_double(nan)), 0);  // NaN last
  EXPECT_EQ(C("double", encode_double(nan), encode_double(nan)), 0);
  EXPECT_LT(C("double", encode_double(-0.0), encode_double(0.0)), 0);
  EXPECT_LT(C("float", encode_float(-2.0f), encode_float(1.0f)), 0);
  EXPECT_GT(C("float", encode_float(std::nanf("")), encode_float(1e30f)), 0);
}

TEST(CompareTest, BooleansDatesTimes) {
  EXPECT_LT(C("boolean", encode_boolean(false), encode_boolean(true)), 0);
  EXPECT_EQ(C("boolean", H("01"), H("05")), 0);
  EXPECT_LT(C("date", H("7fffffff"), H("80000000")), 0);  // unsigned: 1969-12-31 < 1970-01-01
  EXPECT_LT(C("date", H("80000000"), H("ffffffff")), 0);
  EXPECT_LT(C("time", encode_bigint(1), encode_bigint(86399999999999)), 0);
}

TEST(CompareTest, BytewiseTypes) {
  EXPECT_LT(C("text", "a", "b"), 0);
  EXPECT_LT(C("text", "z", "\xc3\xa9"), 0);  // unsigned: 'é' after 'z'
  EXPECT_LT(C("text", "ab", "abc"), 0);
  EXPECT_LT(C("blob", H("7f"), H("80")), 0);
  EXPECT_LT(C("ascii", "A", "a"), 0);
  EXPECT_LT(C("inet", H("7f000001"), H("c0a80001")), 0);
}

TEST(CompareTest, UuidsByVersionThenTime) {
  // Version first: any v1 sorts before any v4.
  const Bytes v1_late = H("ffffffffffff1fff8000000000000000");
  const Bytes v4_low = H("00000000000040008000000000000000");
  EXPECT_LT(C("uuid", v1_late, v4_low), 0);
  // v1 by timestamp, not by byte order: time_hi outranks time_low.
  const Bytes early =
      H("ffffffff00001000"
        "8000000000000000");  // time_low max, time_hi 0
  const Bytes later =
      H("0000000000001001"
        "8000000000000000");  // time_hi 1
  EXPECT_LT(C("uuid", early, later), 0);
  EXPECT_GT(compare_bytes(early, later), 0);
  EXPECT_LT(C("timeuuid", early, later), 0);
  // Same time: uuid compares the low half unsigned, timeuuid signed.
  const Bytes lo7f =
      H("0000000000001000"
        "7f00000000000000");
  const Bytes lo80 =
      H("0000000000001000"
        "8000000000000000");
  EXPECT_LT(C("uuid", lo7f, lo80), 0);
  EXPECT_GT(C("timeuuid", lo7f, lo80), 0);
  // Non-v1 uuids: bytewise.
  EXPECT_LT(C("uuid", H("00000000000040008000000000000001"), H("00000000000040008000000000000002")), 0);
  EXPECT_EQ(C("uuid", v4_low, v4_low), 0);
}

TEST(CompareTest, CollectionsElementWise) {
  auto li = [](std::vector<int32_t> xs) {
    std::vector<Bytes> e;
    for (int32_t x : xs) e.push_back(encode_int(x));
    return encode_elements(e);
  };
  EXPECT_LT(C("list<int>", li({-1, 5}), li({1})), 0);  // element order, not bytes
  EXPECT_LT(C("list<int>", li({1}), li({1, 0})), 0);   // prefix first
  EXPECT_EQ(C("set<int>", li({1, 2}), li({1, 2})), 0);
  EXPECT_LT(C("frozen<list<int>>", li({}), li({INT32_MIN})), 0);
  EXPECT_LT(C("map<int, text>", encode_pairs({{encode_int(1), "b"}}), encode_pairs({{encode_int(1), "c"}})),
            0);
  EXPECT_GT(C("map<int, text>", encode_pairs({{encode_int(2), "a"}}), encode_pairs({{encode_int(1), "z"}})),
            0);
  EXPECT_LT(C("frozen<list<frozen<list<int>>>>", encode_elements({li({-5})}), encode_elements({li({3})})), 0);
}

TEST(CompareTest, TuplesAndUdts) {
  const char* tup = "tuple<int, text>";
  EXPECT_LT(
      C(tup, encode_components({encode_int(-1), Bytes("z")}), encode_components({encode_int(0), Bytes("a")})),
      0);
  EXPECT_LT(
      C(tup, encode_components({encode_int(1), Bytes("a")}), encode_components({encode_int(1), Bytes("b")})),
      0);
  EXPECT_LT(C(tup, encode_components({std::nullopt, Bytes("z")}), encode_components({Bytes(), Bytes("a")})),
            0);
  EXPECT_LT(C(tup, encode_components({encode_int(1)}), encode_components({encode_int(1), Bytes("a")})), 0);
  const DataType udt = DataType::udt("ks", "u", {"f"}, {N(TypeKind::kInt)}, true);
  EXPECT_LT(compare_values(udt, encode_components({encode_int(-3)}), encode_components({encode_int(2)})), 0);
}

TEST(CompareTest, MalformedValuesFallBackToBytes) {
  EXPECT_LT(C("int", H("00"), H("0000")), 0);
  EXPECT_NE(C("list<int>", H("ff"), H("00000000")), 0);
}

// Arbitrary bytes must never crash: validation throws CqlError or passes, comparison never
// throws, and every value that validates renders as a literal.
TEST(RobustnessTest, RandomBytes) {
  std::mt19937 rng(12345);
  const char* types[] = {"int",
                         "bigint",
                         "text",
                         "ascii",
                         "boolean",
                         "uuid",
                         "timeuuid",
                         "inet",
                         "date",
                         "time",
                         "decimal",
                         "varint",
                         "duration",
                         "double",
                         "float",
                         "timestamp",
                         "list<int>",
                         "map<text, frozen<list<int>>>",
                         "tuple<int, text, frozen<set<bigint>>>"};
  for (const char* name : types) {
    const DataType t = DataType::parse(name);
    Bytes prev;
    for (int i = 0; i < 3000; ++i) {
      Bytes v(rng() % 24, '\0');
      for (auto& c : v) c = static_cast<char>(rng() % 4 == 0 ? 0 : rng());  // plenty of zero bytes
      if (i % 3 == 0 && v.size() >= 4) v[0] = v[1] = v[2] = 0;              // small counts/lengths
      bool valid = true;
      try {
        validate_value(t, v);
      } catch (const CqlError&) {
        valid = false;
      }
      if (valid) {
        EXPECT_NO_THROW(to_cql_literal(t, v)) << name << " " << to_hex(v);
      }
      auto sign = [](int x) { return (x > 0) - (x < 0); };
      EXPECT_EQ(sign(compare_values(t, v, prev)), -sign(compare_values(t, prev, v))) << name;
      EXPECT_EQ(compare_values(t, v, v), 0) << name << " " << to_hex(v);
      prev = v;
    }
  }
}

}  // namespace
}  // namespace krill::common
