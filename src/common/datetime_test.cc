#include "common/datetime.h"

#include <gtest/gtest.h>

#include <limits>

#include "common/error.h"
#include "common/values.h"

namespace krill::common {
namespace {

TEST(CivilDateTest, KnownDays) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(2024, 1, 1), 0x4d0b);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
  EXPECT_EQ(days_from_civil(1, 1, 1), -719162);
  EXPECT_EQ(days_from_civil(0, 3, 1), -719468);
  EXPECT_EQ(days_from_civil(-1, 12, 31), -719529);
}

TEST(CivilDateTest, DayByDayWalkAgreesWithMonthLengths) {
  // Walk every day from 1599-01-01 to 2401-12-31 and check both directions.
  int64_t day = days_from_civil(1599, 1, 1);
  for (int64_t y = 1599; y <= 2401; ++y) {
    for (unsigned m = 1; m <= 12; ++m) {
      for (unsigned d = 1; d <= days_in_month(y, m); ++d, ++day) {
        ASSERT_EQ(days_from_civil(y, m, d), day) << y << "-" << m << "-" << d;
        const CivilDate c = civil_from_days(day);
        ASSERT_EQ(c.year, y);
        ASSERT_EQ(c.month, m);
        ASSERT_EQ(c.day, d);
      }
    }
  }
}

TEST(CivilDateTest, MonthLengths) {
  EXPECT_EQ(days_in_month(2024, 2), 29u);
  EXPECT_EQ(days_in_month(2023, 2), 28u);
  EXPECT_EQ(days_in_month(1900, 2), 28u);
  EXPECT_EQ(days_in_month(2000, 2), 29u);
  EXPECT_EQ(days_in_month(2024, 4), 30u);
  EXPECT_EQ(days_in_month(2024, 13), 0u);
}

TEST(CivilDateTest, FarRangeRoundTrips) {
  for (int64_t d = -3'000'000'000LL; d <= 3'000'000'000LL; d += 7'777'777) {
    const CivilDate c = civil_from_days(d);
    ASSERT_EQ(days_from_civil(c.year, c.month, c.day), d);
  }
}

TEST(TimestampTextTest, FormatAndParse) {
  EXPECT_EQ(format_timestamp(1704110400000), "2024-01-01 12:00:00.000Z");
  EXPECT_EQ(format_timestamp(-1), "1969-12-31 23:59:59.999Z");
  EXPECT_EQ(format_timestamp(-62135596800000), "0001-01-01 00:00:00.000Z");
  EXPECT_EQ(parse_timestamp("2024-01-01 12:00:00.000Z"), 1704110400000);
  EXPECT_EQ(parse_timestamp(format_timestamp(-62135596800001)), -62135596800001);
  EXPECT_EQ(parse_timestamp("2024-1-5"), days_from_civil(2024, 1, 5) * kMillisPerDay);
  EXPECT_EQ(parse_timestamp("2024-01-01Z"), 1704067200000);
  EXPECT_EQ(parse_timestamp("2024-01-01t12:00"), 1704110400000);
  EXPECT_EQ(parse_timestamp("12345-01-01"), days_from_civil(12345, 1, 1) * kMillisPerDay);
  EXPECT_EQ(parse_timestamp("2024-01-01 12:00:00-00:30"), 1704112200000);
  EXPECT_EQ(parse_timestamp("2024-01-01  12:00"), std::nullopt);
  EXPECT_EQ(parse_timestamp("2024-01-01 12:00:00ZZ"), std::nullopt);
  EXPECT_EQ(parse_timestamp("2024-01-01T"), std::nullopt);
}

TEST(DateTextTest, FormatAndParse) {
  EXPECT_EQ(format_date(0x80004d0bu), "2024-01-01");
  EXPECT_EQ(format_date(kDateEpochDay), "1970-01-01");
  EXPECT_EQ(format_date(kDateEpochDay - 1), "1969-12-31");
  EXPECT_EQ(parse_date("2024-01-01"), 0x80004d0bu);
  EXPECT_EQ(parse_date("0001-01-01"), kDateEpochDay - 719162);
  EXPECT_EQ(parse_date("123"), 123u);
  EXPECT_EQ(parse_date("2024-01-01x"), std::nullopt);
  EXPECT_EQ(parse_date("+5"), std::nullopt);
}

TEST(TimeTextTest, FormatAndParse) {
  EXPECT_EQ(format_time(0), "00:00:00.000000000");
  EXPECT_EQ(format_time(43200000000000), "12:00:00.000000000");
  EXPECT_EQ(format_time(kNanosPerDay - 1), "23:59:59.999999999");
  EXPECT_EQ(parse_time("1:2:3"), 3723000000000);
  EXPECT_EQ(parse_time("12:00:00.5"), 43200500000000);
  EXPECT_EQ(parse_time("12:00:00.123456789"), 43200123456789);
  EXPECT_EQ(parse_time("12:00:00."), std::nullopt);
  EXPECT_EQ(parse_time("12:00:00 "), std::nullopt);
}

// ---- durations ----

constexpr int64_t kSec = 1'000'000'000;

Duration D(int32_t months, int32_t days, int64_t nanos) { return Duration{months, days, nanos}; }

std::string invalid_duration(std::string_view s) {
  try {
    parse_duration(s);
  } catch (const CqlError& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalid);
    return e.what();
  }
  ADD_FAILURE() << "no error for '" << s << "'";
  return "";
}

TEST(DurationTextTest, UnitForm) {
  const int64_t nanos = 5 * 3600 * kSec + 6 * 60 * kSec + 7 * kSec + 8'000'000 + 9'000 + 10;
  EXPECT_EQ(parse_duration("1y2mo3w4d5h6m7s8ms9us10ns"), D(14, 25, nanos));
  EXPECT_EQ(parse_duration("1Y2MO3W4D5H6M7S8MS9US10NS"), D(14, 25, nanos));
  EXPECT_EQ(parse_duration("9\xc2\xb5s"), D(0, 0, 9000));
  EXPECT_EQ(parse_duration("1mo2d3ns"), D(1, 2, 3));
  EXPECT_EQ(parse_duration("-1mo1d1ns"), D(-1, -1, -1));
  EXPECT_EQ(parse_duration("90m"), D(0, 0, 90 * 60 * kSec));
  EXPECT_EQ(parse_duration("0s"), D(0, 0, 0));
  EXPECT_EQ(parse_duration("2147483647mo"), D(INT32_MAX, 0, 0));
  EXPECT_EQ(parse_duration("-2147483647d"), D(0, -INT32_MAX, 0));
}

TEST(DurationTextTest, IsoForms) {
  EXPECT_EQ(parse_duration("P1Y2M3DT4H5M6S"), D(14, 3, (4 * 3600 + 5 * 60 + 6) * kSec));
  EXPECT_EQ(parse_duration("P2W"), D(0, 14, 0));
  EXPECT_EQ(parse_duration("PT1M"), D(0, 0, 60 * kSec));
  EXPECT_EQ(parse_duration("P1M"), D(1, 0, 0));
  EXPECT_EQ(parse_duration("P1DT12H"), D(0, 1, 12 * 3600 * kSec));
  EXPECT_EQ(parse_duration("-P1D"), D(0, -1, 0));
  EXPECT_EQ(parse_duration("P0001-02-03T04:05:06"), D(14, 3, (4 * 3600 + 5 * 60 + 6) * kSec));
  EXPECT_EQ(parse_duration("-P0000-00-01T00:00:00"), D(0, -1, 0));
}

TEST(DurationTextTest, MalformedAndOverflow) {
  for (const char* bad : {"",
                          "-",
                          "1",
                          "1x",
                          "d",
                          "1h30",
                          "1.5h",
                          " 1d",
                          "1d ",
                          "--1d",
                          "P",
                          "PT",
                          "P1",
                          "P1W2D",
                          "P1D1Y",
                          "P1Y1Y",
                          "PT1H1D",
                          "P1DT",
                          "P0001-02-03",
                          "P0001-02-03T04:05",
                          "P01-02-03T04:05:06",
                          "P0001-02-03X04:05:06",
                          "Q1D"}) {
    EXPECT_NE(invalid_duration(bad).find(std::string("'") + bad + "'"), std::string::npos) << bad;
  }
  EXPECT_NE(invalid_duration("2147483648mo").find("months"), std::string::npos);
  EXPECT_NE(invalid_duration("178956971y").find("months"), std::string::npos);
  EXPECT_NE(invalid_duration("2147483648d").find("days"), std::string::npos);
  EXPECT_NE(invalid_duration("306783379w").find("days"), std::string::npos);
  EXPECT_NE(invalid_duration("9223372036854775807h").find("nanoseconds"), std::string::npos);
  invalid_duration("99999999999999999999s");
}

TEST(DurationTextTest, Format) {
  EXPECT_EQ(format_duration(D(1, 2, 3)), "1mo2d3ns");
  EXPECT_EQ(format_duration(D(14, 0, 0)), "1y2mo");
  EXPECT_EQ(format_duration(D(0, 0, 3723004005006)), "1h2m3s4ms5us6ns");
  EXPECT_EQ(format_duration(D(-1, -1, -1)), "-1mo1d1ns");
  EXPECT_EQ(format_duration(D(0, 0, 0)), "0s");
  EXPECT_EQ(format_duration(D(INT32_MIN, 0, 0)), "-178956970y8mo");
  EXPECT_EQ(format_duration(D(0, 0, INT64_MIN)), "-2562047h47m16s854ms775us808ns");
  for (const Duration& d :
       {D(1, 2, 3), D(-5, 0, -7), D(INT32_MAX, INT32_MAX, INT64_MAX), D(0, 0, INT64_MIN + 1)}) {
    EXPECT_EQ(parse_duration(format_duration(d)), d) << format_duration(d);
  }
}

TEST(DurationCodecTest, Vectors) {
  EXPECT_EQ(to_hex(encode_duration(D(1, 2, 3))), "020406");
  EXPECT_EQ(to_hex(encode_duration(D(0, 0, kSec))), "0000f077359400");
  EXPECT_EQ(to_hex(encode_duration(D(-1, -1, -1))), "010101");
  EXPECT_EQ(to_hex(encode_duration(D(0, 0, 63))), "00007e");
  EXPECT_EQ(to_hex(encode_duration(D(0, 0, 64))), "00008080");
  EXPECT_EQ(to_hex(encode_duration(D(0, 0, INT64_MAX))), "0000fffffffffffffffffe");
  EXPECT_EQ(to_hex(encode_duration(D(0, 0, INT64_MIN))), "0000ffffffffffffffffff");
  EXPECT_EQ(decode_duration(encode_duration(D(0, 0, kSec))), D(0, 0, kSec));
}

TEST(DurationCodecTest, RoundTripsAcrossVintSizes) {
  for (int shift = 0; shift < 63; ++shift) {
    for (int64_t delta : {-1, 0, 1}) {
      const int64_t n = (int64_t{1} << shift) + delta;
      for (int64_t v : {n, -n}) {
        const auto small = static_cast<int32_t>(v >> 32 == 0 || v >> 32 == -1 ? v : 0);
        const Duration d = v >= 0 ? D(small >= 0 ? small : 0, 0, v) : D(small <= 0 ? small : 0, 0, v);
        ASSERT_EQ(decode_duration(encode_duration(d)), d) << v;
      }
    }
  }
}

TEST(DurationCodecTest, MalformedInput) {
  EXPECT_THROW(decode_duration(""), CqlError);
  EXPECT_THROW(decode_duration(from_hex("02")), CqlError);
  EXPECT_THROW(decode_duration(from_hex("0204")), CqlError);
  EXPECT_THROW(decode_duration(from_hex("020406ff")), CqlError);          // trailing byte
  EXPECT_THROW(decode_duration(from_hex("0204ff00")), CqlError);          // truncated 9-byte vint
  EXPECT_THROW(decode_duration(from_hex("020106")), CqlError);            // mixed signs
  EXPECT_THROW(decode_duration(from_hex("00f1000000000000")), CqlError);  // days = 2^31
}

}  // namespace
}  // namespace krill::common
