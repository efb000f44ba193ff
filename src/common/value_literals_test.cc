#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "common/bigint.h"
#include "common/error.h"
#include "common/values.h"

namespace krill::common {
namespace {

DataType T(const char* name) { return DataType::parse(name); }
Bytes H(std::string_view hex) { return from_hex(hex); }

std::string lit(const char* type, BytesView v) { return to_cql_literal(T(type), v); }

// The message of the kInvalid CqlError thrown by f; fails the test if none is thrown.
template <typename F>
std::string invalid(F f) {
  try {
    f();
  } catch (const CqlError& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalid) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no CqlError thrown";
  return "";
}

Bytes str(const char* type, std::string_view s) { return from_string_literal(T(type), s); }
Bytes num(const char* type, std::string_view s) { return from_number_literal(T(type), s); }

// ---- to_cql_literal ----

TEST(ToLiteralTest, Strings) {
  EXPECT_EQ(lit("text", "it's"), "'it''s'");
  EXPECT_EQ(lit("ascii", "plain"), "'plain'");
  EXPECT_EQ(lit("text", ""), "''");
  EXPECT_EQ(lit("blob", H("cafe")), "0xcafe");
  EXPECT_EQ(lit("blob", ""), "0x");
}

TEST(ToLiteralTest, EmptyNonStringValuesRenderEmpty) {
  EXPECT_EQ(lit("int", ""), "");
  EXPECT_EQ(lit("timestamp", ""), "");
  EXPECT_EQ(lit("list<int>", ""), "");
}

TEST(ToLiteralTest, Integers) {
  EXPECT_EQ(lit("int", encode_int(42)), "42");
  EXPECT_EQ(lit("int", encode_int(-7)), "-7");
  EXPECT_EQ(lit("bigint", encode_bigint(INT64_MIN)), "-9223372036854775808");
  EXPECT_EQ(lit("counter", encode_bigint(12)), "12");
  EXPECT_EQ(lit("smallint", encode_smallint(-300)), "-300");
  EXPECT_EQ(lit("tinyint", encode_tinyint(-128)), "-128");
  EXPECT_EQ(lit("varint", H("00")), "0");
  EXPECT_EQ(lit("varint", H("0080")), "128");
  EXPECT_EQ(lit("varint", H("ff7f")), "-129");
  EXPECT_EQ(lit("varint", H("008000000000000000")), "9223372036854775808");
  EXPECT_EQ(lit("varint", H("0100000000000000000000000000")), "20282409603651670423947251286016");  // 2^104
  EXPECT_EQ(lit("varint", H("ff00000000000000000000000000")), "-20282409603651670423947251286016");
}

Bytes dec(int32_t scale, const char* unscaled_hex) { return encode_int(scale) + from_hex(unscaled_hex); }

TEST(ToLiteralTest, Decimals) {
  EXPECT_EQ(lit("decimal", dec(2, "7b")), "1.23");
  EXPECT_EQ(lit("decimal", dec(1, "fb")), "-0.5");
  EXPECT_EQ(lit("decimal", dec(2, "64")), "1.00");
  EXPECT_EQ(lit("decimal", dec(0, "64")), "100");
  EXPECT_EQ(lit("decimal", dec(3, "01")), "0.001");
  EXPECT_EQ(lit("decimal", dec(6, "01")), "0.000001");
  EXPECT_EQ(lit("decimal", dec(7, "01")), "1E-7");
  EXPECT_EQ(lit("decimal", dec(-10, "01")), "1E+10");
  EXPECT_EQ(lit("decimal", dec(-2, "7b")), "1.23E+4");
  EXPECT_EQ(lit("decimal", dec(-2, "00")), "0E+2");
  EXPECT_EQ(lit("decimal", dec(0, "00")), "0");
  EXPECT_EQ(lit("decimal", dec(4, "ff85")), "-0.0123");
}

TEST(ToLiteralTest, FloatingPoint) {
  EXPECT_EQ(lit("double", encode_double(1.5)), "1.5");
  EXPECT_EQ(lit("double", encode_double(0.1)), "0.1");
  EXPECT_EQ(lit("double", encode_double(-2)), "-2");
  EXPECT_EQ(lit("double", encode_double(1e20)), "1e+20");
  EXPECT_EQ(lit("float", encode_float(0.1f)), "0.1");
  EXPECT_EQ(lit("double", encode_double(std::numeric_limits<double>::quiet_NaN())), "NaN");
  EXPECT_EQ(lit("double", encode_double(std::numeric_limits<double>::infinity())), "Infinity");
  EXPECT_EQ(lit("float", encode_float(-std::numeric_limits<float>::infinity())), "-Infinity");
}

TEST(ToLiteralTest, Scalars) {
  EXPECT_EQ(lit("boolean", encode_boolean(true)), "true");
  EXPECT_EQ(lit("boolean", encode_boolean(false)), "false");
  EXPECT_EQ(lit("uuid", H("550E8400E29B41D4A716446655440000")), "550e8400-e29b-41d4-a716-446655440000");
  EXPECT_EQ(lit("timeuuid", H("50554d6e29bb11e5b345feff819cdc9f")), "50554d6e-29bb-11e5-b345-feff819cdc9f");
  EXPECT_EQ(lit("inet", H("7f000001")), "'127.0.0.1'");
  EXPECT_EQ(lit("inet", H("00000000000000000000000000000001")), "'::1'");
  EXPECT_EQ(lit("inet", H("20010db8000000000000ff0000428329")), "'2001:db8::ff00:42:8329'");
}

TEST(ToLiteralTest, TimesAndDates) {
  EXPECT_EQ(lit("timestamp", encode_bigint(1704110400000)), "'2024-01-01 12:00:00.000Z'");
  EXPECT_EQ(lit("timestamp", encode_bigint(0)), "'1970-01-01 00:00:00.000Z'");
  EXPECT_EQ(lit("timestamp", encode_bigint(-1)), "'1969-12-31 23:59:59.999Z'");
  EXPECT_EQ(lit("timestamp", encode_bigint(INT64_MAX)), "9223372036854775807");  // no date form
  EXPECT_EQ(lit("date", H("80004d0b")), "'2024-01-01'");
  EXPECT_EQ(lit("date", H("80000000")), "'1970-01-01'");
  EXPECT_EQ(lit("date", H("00000000")), "0");  // year -5877641: the raw number
  EXPECT_EQ(lit("time", H("0000274a48a78000")), "'12:00:00.000000000'");
  EXPECT_EQ(lit("time", encode_bigint(1)), "'00:00:00.000000001'");
}

TEST(ToLiteralTest, Durations) {
  EXPECT_EQ(lit("duration", H("020406")), "1mo2d3ns");
  EXPECT_EQ(lit("duration", H("0000f077359400")), "1s");
  EXPECT_EQ(lit("duration", H("010101")), "-1mo1d1ns");
  EXPECT_EQ(lit("duration", H("000000")), "0s");
}

TEST(ToLiteralTest, Collections) {
  EXPECT_EQ(lit("list<int>", encode_elements({encode_int(1), encode_int(2)})), "[1, 2]");
  EXPECT_EQ(lit("list<int>", encode_elements({})), "[]");
  EXPECT_EQ(lit("set<int>", encode_elements({encode_int(1), encode_int(2)})), "{1, 2}");
  EXPECT_EQ(lit("map<int, text>", encode_pairs({{encode_int(1), "a"}, {encode_int(2), "b'c"}})),
            "{1: 'a', 2: 'b''c'}");
  EXPECT_EQ(lit("tuple<int, text>", encode_components({encode_int(1), Bytes("a")})), "(1, 'a')");
  EXPECT_EQ(lit("tuple<int, text>", encode_components({std::nullopt, Bytes("a")})), "(null, 'a')");
  EXPECT_EQ(lit("tuple<int, text>", encode_components({encode_int(1)})), "(1, null)");
  EXPECT_EQ(lit("list<frozen<map<int, frozen<set<text>>>>>",
                encode_elements({encode_pairs({{encode_int(3), encode_elements({"x"})}})})),
            "[{3: {'x'}}]");
  DataType udt = DataType::udt("ks", "u", {"f", "g", "Mixed"},
                               {DataType::native(TypeKind::kInt), DataType::native(TypeKind::kText),
                                DataType::native(TypeKind::kBoolean)},
                               true);
  EXPECT_EQ(to_cql_literal(udt, encode_components({encode_int(1)})), "{f: 1, g: null, \"Mixed\": null}");
  EXPECT_EQ(to_cql_literal(udt, encode_components({encode_int(1), Bytes("x"), encode_boolean(true)})),
            "{f: 1, g: 'x', \"Mixed\": true}");
}

TEST(ToLiteralTest, InvalidValuesThrow) {
  invalid([] { lit("int", H("00")); });
  invalid([] { lit("list<int>", H("00000001")); });
  invalid([] { lit("text", "\xff"); });
}

// ---- from_string_literal ----

TEST(FromStringTest, TextAndAscii) {
  EXPECT_EQ(str("text", "h\xc3\xa9"), "h\xc3\xa9");
  EXPECT_EQ(str("varchar", ""), "");
  EXPECT_EQ(str("ascii", "abc"), "abc");
  invalid([] { str("text", "\xff"); });
  invalid([] { str("ascii", "h\xc3\xa9"); });
}

TEST(FromStringTest, Timestamps) {
  auto ts = [](std::string_view s) { return decode_bigint(str("timestamp", s)); };
  EXPECT_EQ(ts("1700000000000"), 1700000000000);
  EXPECT_EQ(ts("-5"), -5);
  EXPECT_EQ(ts("2024-01-01"), 1704067200000);
  EXPECT_EQ(ts("2024-01-01 12:00"), 1704110400000);
  EXPECT_EQ(ts("2024-01-01 12:00:00"), 1704110400000);
  EXPECT_EQ(ts("2024-01-01T12:00:00"), 1704110400000);
  EXPECT_EQ(ts("2024-01-01 12:00:00.5"), 1704110400500);
  EXPECT_EQ(ts("2024-01-01 12:00:00.05"), 1704110400050);
  EXPECT_EQ(ts("2024-01-01 12:00:00.123"), 1704110400123);
  EXPECT_EQ(ts("2024-01-01 12:00:00.123999"), 1704110400123);  // truncated
  EXPECT_EQ(ts("2024-01-01 12:00:00Z"), 1704110400000);
  EXPECT_EQ(ts("2024-01-01 12:00:00.000Z"), 1704110400000);
  EXPECT_EQ(ts("2024-01-01 12:00:00+0100"), 1704106800000);
  EXPECT_EQ(ts("2024-01-01 12:00:00+01:00"), 1704106800000);
  EXPECT_EQ(ts("2024-01-01T12:00-0530"), 1704130200000);
  EXPECT_EQ(ts("2024-01-01 12:00:00 +01"), 1704106800000);
  EXPECT_EQ(ts("2024-02-29"), 1709164800000);  // leap day
  EXPECT_EQ(ts("1969-12-31 23:59:59.999"), -1);
  EXPECT_EQ(invalid([] { str("timestamp", "2024-13-01"); }),
            "Unable to coerce '2024-13-01' to a formatted date (long)");
  for (const char* bad : {"", "2023-02-29", "2024-04-31", "2024-01-00", "2024-01-01 24:00",
                          "2024-01-01 12:60", "2024-01-01 12:00:61", "2024-01-01 12", "2024-01-01 12:00:00.",
                          "2024-01-01 junk", "2024-01-01 12:00:00+1", "2024-01-01 12:00:00+2400", "hello",
                          "99999999999999999999", "24-01-01", "2024/01/01"}) {
    EXPECT_NE(invalid([&] { str("timestamp", bad); }).find(bad), std::string::npos) << bad;
  }
}

TEST(FromStringTest, Dates) {
  EXPECT_EQ(to_hex(str("date", "2024-01-01")), "80004d0b");
  EXPECT_EQ(to_hex(str("date", "1970-01-01")), "80000000");
  EXPECT_EQ(to_hex(str("date", "1969-12-31")), "7fffffff");
  EXPECT_EQ(to_hex(str("date", "2147483648")), "80000000");  // a raw wire value
  EXPECT_EQ(to_hex(str("date", "0")), "00000000");
  EXPECT_EQ(to_hex(str("date", "4294967295")), "ffffffff");
  for (const char* bad : {"-1", "4294967296", "2024-00-10", "2024-02-30", "2024-01-01 00:00", "today", ""}) {
    EXPECT_NE(invalid([&] { str("date", bad); }).find(std::string("'") + bad + "'"), std::string::npos)
        << bad;
  }
}

TEST(FromStringTest, Times) {
  EXPECT_EQ(to_hex(str("time", "12:00:00")), "0000274a48a78000");
  EXPECT_EQ(decode_bigint(str("time", "12:34:56.789")), 45296789000000);
  EXPECT_EQ(decode_bigint(str("time", "00:00:00.000000001")), 1);
  EXPECT_EQ(decode_bigint(str("time", "23:59:59.999999999")), 86399999999999);
  EXPECT_EQ(decode_bigint(str("time", "86399999999999")), 86399999999999);
  for (const char* bad : {"86400000000000", "-1", "24:00:00", "12:00", "12:60:00", "12:00:00.1234567890",
                          "12:00:00Z", "noon", ""}) {
    EXPECT_NE(invalid([&] { str("time", bad); }).find(std::string("'") + bad + "'"), std::string::npos)
        << bad;
  }
}

TEST(FromStringTest, InetsUuidsDurations) {
  EXPECT_EQ(to_hex(str("inet", "127.0.0.1")), "7f000001");
  EXPECT_EQ(to_hex(str("inet", "::1")), "00000000000000000000000000000001");
  EXPECT_EQ(to_hex(str("inet", "2001:db8::ff00:42:8329")), "20010db8000000000000ff0000428329");
  EXPECT_NE(invalid([] { str("inet", "300.0.0.1"); }).find("300.0.0.1"), std::string::npos);
  invalid([] { str("inet", "localhost"); });

  EXPECT_EQ(to_hex(str("uuid", "550e8400-e29b-41d4-a716-446655440000")), "550e8400e29b41d4a716446655440000");
  EXPECT_EQ(to_hex(str("timeuuid", "50554d6e-29bb-11e5-b345-feff819cdc9f")),
            "50554d6e29bb11e5b345feff819cdc9f");
  invalid([] { str("timeuuid", "550e8400-e29b-41d4-a716-446655440000"); });
  invalid([] { str("uuid", "550e8400"); });

  EXPECT_EQ(to_hex(str("duration", "1mo2d3ns")), "020406");
  EXPECT_EQ(to_hex(str("duration", "1s")), "0000f077359400");
  EXPECT_EQ(to_hex(str("duration", "-1mo1d1ns")), "010101");
  invalid([] { str("duration", "1x"); });
}

TEST(FromStringTest, OtherTypesRejectStrings) {
  EXPECT_EQ(invalid([] { str("int", "42"); }), "Invalid STRING constant (42) for type int");
  invalid([] { str("blob", "cafe"); });
  invalid([] { str("boolean", "true"); });
  invalid([] { str("list<int>", "[1]"); });
}

// ---- from_number_literal ----

TEST(FromNumberTest, Integers) {
  EXPECT_EQ(to_hex(num("int", "42")), "0000002a");
  EXPECT_EQ(to_hex(num("int", "-7")), "fffffff9");
  EXPECT_EQ(to_hex(num("int", "-2147483648")), "80000000");
  EXPECT_EQ(invalid([] { num("int", "3000000000"); }), "Unable to make int from '3000000000'");
  EXPECT_EQ(invalid([] { num("int", "-2147483649"); }), "Unable to make int from '-2147483649'");
  EXPECT_EQ(to_hex(num("tinyint", "127")), "7f");
  EXPECT_EQ(to_hex(num("tinyint", "-128")), "80");
  invalid([] { num("tinyint", "128"); });
  EXPECT_EQ(to_hex(num("smallint", "-32768")), "8000");
  invalid([] { num("smallint", "32768"); });
  EXPECT_EQ(decode_bigint(num("bigint", "9223372036854775807")), INT64_MAX);
  EXPECT_EQ(decode_bigint(num("counter", "-9223372036854775808")), INT64_MIN);
  EXPECT_EQ(invalid([] { num("bigint", "9223372036854775808"); }),
            "Unable to make long from '9223372036854775808'");
  EXPECT_EQ(to_hex(num("varint", "0")), "00");
  EXPECT_EQ(to_hex(num("varint", "127")), "7f");
  EXPECT_EQ(to_hex(num("varint", "128")), "0080");
  EXPECT_EQ(to_hex(num("varint", "-1")), "ff");
  EXPECT_EQ(to_hex(num("varint", "-128")), "80");
  EXPECT_EQ(to_hex(num("varint", "-129")), "ff7f");
  EXPECT_EQ(to_hex(num("varint", "9223372036854775808")), "008000000000000000");
  EXPECT_EQ(to_hex(num("varint", "20282409603651670423947251286016")), "0100000000000000000000000000");
}

TEST(FromNumberTest, FloatLiteralsIntoIntegerTypesAreInvalid) {
  EXPECT_EQ(invalid([] { num("int", "1.5"); }), "Invalid FLOAT constant (1.5) for type int");
  invalid([] { num("bigint", "1e3"); });
  invalid([] { num("varint", "2.0"); });
  invalid([] { num("int", "NaN"); });
  invalid([] { num("timestamp", "1.5"); });
}

TEST(FromNumberTest, FloatingPoint) {
  EXPECT_EQ(decode_double(num("double", "1.5")), 1.5);
  EXPECT_EQ(decode_double(num("double", "42")), 42.0);
  EXPECT_EQ(decode_double(num("double", "1.5e3")), 1500.0);
  EXPECT_EQ(decode_double(num("double", "-2E-2")), -0.02);
  EXPECT_EQ(decode_float(num("float", "0.1")), 0.1f);
  EXPECT_TRUE(std::isnan(decode_double(num("double", "NaN"))));
  EXPECT_EQ(decode_double(num("double", "Infinity")), std::numeric_limits<double>::infinity());
  EXPECT_EQ(decode_float(num("float", "-Infinity")), -std::numeric_limits<float>::infinity());
  invalid([] { num("double", "1e999"); });
  invalid([] { num("float", "1e39"); });
}

TEST(FromNumberTest, Decimals) {
  EXPECT_EQ(to_hex(num("decimal", "1.23")), "000000027b");
  EXPECT_EQ(to_hex(num("decimal", "-0.5")), "00000001fb");
  EXPECT_EQ(to_hex(num("decimal", "100")), "0000000064");
  EXPECT_EQ(to_hex(num("decimal", "1.50")), "000000020096");
  EXPECT_EQ(to_hex(num("decimal", "1.5e3")), "fffffffe0f");  // 15 scale -2
  EXPECT_EQ(to_hex(num("decimal", "1e-5")), "0000000501");
  EXPECT_EQ(to_hex(num("decimal", "-0")), "0000000000");
  EXPECT_EQ(lit("decimal", num("decimal", "1.5e3")), "1.5E+3");
  invalid([] { num("decimal", "NaN"); });
  invalid([] { num("decimal", "1e9999999999"); });
}

TEST(FromNumberTest, TimeTypesFromIntegers) {
  EXPECT_EQ(decode_bigint(num("timestamp", "1700000000000")), 1700000000000);
  EXPECT_EQ(to_hex(num("date", "2147483648")), "80000000");
  invalid([] { num("date", "-1"); });
  invalid([] { num("date", "4294967296"); });
  EXPECT_EQ(decode_bigint(num("time", "1")), 1);
  invalid([] { num("time", "86400000000000"); });
  invalid([] { num("time", "-1"); });
}

TEST(FromNumberTest, WrongTypesAndMalformedNumbers) {
  EXPECT_EQ(invalid([] { num("text", "42"); }), "Invalid INTEGER constant (42) for type text");
  invalid([] { num("boolean", "1"); });
  invalid([] { num("uuid", "1"); });
  for (const char* bad : {"", "-", "1.2.3", "abc", "1e", "1e+", "0x10", "1 2", "nan"}) {
    invalid([&] { num("double", bad); });
  }
}

// ---- uuid and hex literals ----

TEST(UuidLiteralTest, UuidAndTimeuuid) {
  EXPECT_EQ(to_hex(from_uuid_literal(T("uuid"), "550E8400-E29B-41D4-A716-446655440000")),
            "550e8400e29b41d4a716446655440000");
  EXPECT_EQ(to_hex(from_uuid_literal(T("timeuuid"), "50554d6e-29bb-11e5-b345-feff819cdc9f")),
            "50554d6e29bb11e5b345feff819cdc9f");
  EXPECT_NE(invalid([] {
              from_uuid_literal(T("timeuuid"), "550e8400-e29b-41d4-a716-446655440000");
            }).find("Unsupported UUID version for timeuuid"),
            std::string::npos);
  invalid([] { from_uuid_literal(T("uuid"), "550e8400-e29b-41d4-a716-44665544000g"); });
  invalid([] { from_uuid_literal(T("int"), "550e8400-e29b-41d4-a716-446655440000"); });
}

TEST(HexLiteralTest, FromHex) {
  EXPECT_EQ(from_hex("cafe"), "\xca\xfe");
  EXPECT_EQ(from_hex("CAFE"), "\xca\xfe");
  EXPECT_EQ(from_hex(""), "");
  invalid([] { from_hex("abc"); });
  invalid([] { from_hex("zz"); });
}

// ---- round trips: to_cql_literal output parses back to the same value ----

Bytes parse_literal(const DataType& t, const std::string& text) {
  if (text.size() >= 2 && text.front() == '\'') {
    std::string inner;
    for (size_t i = 1; i + 1 < text.size(); ++i) {
      inner.push_back(text[i]);
      if (text[i] == '\'') ++i;  // '' -> '
    }
    return from_string_literal(t, inner);
  }
  if (text.rfind("0x", 0) == 0) return from_hex(text.substr(2));
  if (text == "true" || text == "false") return encode_boolean(text == "true");
  if (t.kind() == TypeKind::kUuid || t.kind() == TypeKind::kTimeuuid) return from_uuid_literal(t, text);
  if (t.kind() == TypeKind::kDuration) return from_string_literal(t, text);
  return from_number_literal(t, text);
}

TEST(RoundTripTest, ScalarsParseBack) {
  struct Case {
    const char* type;
    Bytes value;
  } cases[] = {
      {"text", "it's \xc3\xa9"},
      {"ascii", "x''y"},
      {"blob", H("00ff10")},
      {"int", encode_int(INT32_MIN)},
      {"bigint", encode_bigint(INT64_MAX)},
      {"smallint", encode_smallint(-5)},
      {"tinyint", encode_tinyint(99)},
      {"varint", H("ff7f")},
      {"varint", H("00ffffffffffffffffffff")},
      {"decimal", dec(2, "7b")},
      {"decimal", dec(-2, "7b")},
      {"decimal", dec(9, "f9")},
      {"decimal", dec(2, "64")},
      {"double", encode_double(0.1)},
      {"double", encode_double(-1.7976931348623157e308)},
      {"double", encode_double(5e-324)},
      {"float", encode_float(3.4028235e38f)},
      {"float", encode_float(1.17549435e-38f)},
      {"boolean", encode_boolean(true)},
      {"uuid", H("550e8400e29b41d4a716446655440000")},
      {"timeuuid", H("50554d6e29bb11e5b345feff819cdc9f")},
      {"inet", H("c0a80101")},
      {"inet", H("fe800000000000000202b3fffe1e8329")},
      {"timestamp", encode_bigint(1704110400123)},
      {"timestamp", encode_bigint(-62135596800000)},  // 0001-01-01
      {"timestamp", encode_bigint(INT64_MIN)},
      {"date", H("80004d0b")},
      {"date", H("00000001")},
      {"time", encode_bigint(86399999999999)},
      {"duration", H("020406")},
      {"duration", H("010101")},
      {"duration", H("0000f077359400")},
  };
  for (const auto& c : cases) {
    const DataType t = T(c.type);
    const std::string text = to_cql_literal(t, c.value);
    EXPECT_EQ(to_hex(parse_literal(t, text)), to_hex(c.value)) << c.type << " " << text;
  }
  // NaN has many encodings; check that NaN comes back as NaN.
  EXPECT_TRUE(std::isnan(decode_double(parse_literal(T("double"), lit("double", encode_double(NAN))))));
}

TEST(QuoteIdentifier, BareOnlyForLowerCaseIdentifiers) {
  EXPECT_EQ(quote_identifier("user_id2"), "user_id2");
  EXPECT_EQ(quote_identifier("UserId"), "\"UserId\"");
  EXPECT_EQ(quote_identifier("2col"), "\"2col\"");
  EXPECT_EQ(quote_identifier("has space"), "\"has space\"");
  EXPECT_EQ(quote_identifier("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(quote_identifier(""), "\"\"");
}

}  // namespace
}  // namespace krill::common
