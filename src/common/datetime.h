// Calendar and duration helpers behind the timestamp, date, time and duration CQL types:
// proleptic Gregorian day arithmetic, the text forms CQL accepts and prints, and the
// duration wire codec. All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"

namespace krill::common {

// The wire value of the date 1970-01-01 (a date travels as uint32 days + 2^31).
inline constexpr uint32_t kDateEpochDay = 1u << 31;
inline constexpr int64_t kNanosPerDay = 86'400'000'000'000;
inline constexpr int64_t kMillisPerDay = 86'400'000;

struct CivilDate {
  int64_t year = 1970;
  unsigned month = 1;  // 1..12
  unsigned day = 1;    // 1..31
};

// Days since 1970-01-01 of a proleptic Gregorian date (negative before it).
// REQUIRES: a real date (1 <= month <= 12, 1 <= day <= days in that month).
int64_t days_from_civil(int64_t year, unsigned month, unsigned day);
// The inverse of days_from_civil.
CivilDate civil_from_days(int64_t days);
// Days in the month of the given year (leap years follow the Gregorian rule).
unsigned days_in_month(int64_t year, unsigned month);

// A timestamp string as milliseconds since the epoch: an integer ("1700000000000"), or
// yyyy-mm-dd, optionally followed by ' ' or 'T' and hh:mm, hh:mm:ss or hh:mm:ss.f+
// (fraction digits past milliseconds are truncated), optionally followed by a zone
// ('Z', +hh, +hhmm, +hh:mm, -...; no zone means UTC). nullopt when malformed/out of range.
std::optional<int64_t> parse_timestamp(std::string_view s);
// "2024-01-01 12:00:00.000Z" (UTC). Years below 1000 are zero-padded to 4 digits; years
// before year 0 carry a '-'.
std::string format_timestamp(int64_t millis);

// A date string as the wire uint32: 'yyyy-mm-dd', or an integer 0..2^32-1 taken as the raw
// wire value (Cassandra's convention). nullopt when malformed or out of range.
std::optional<uint32_t> parse_date(std::string_view s);
// "2024-01-01" for a wire value.
std::string format_date(uint32_t wire_days);

// A time string as nanoseconds since midnight: 'hh:mm:ss' with an optional fraction of up
// to 9 digits, or an integer count of nanoseconds. nullopt when malformed or not in
// [0, 86400e9).
std::optional<int64_t> parse_time(std::string_view s);
// "12:00:00.000000000". REQUIRES: 0 <= nanos < kNanosPerDay.
std::string format_time(int64_t nanos);

// A CQL duration: months, days and nanoseconds, all of the same sign.
struct Duration {
  int32_t months = 0;
  int32_t days = 0;
  int64_t nanos = 0;
  friend bool operator==(const Duration&, const Duration&) = default;
};

// Parses the three duration literal forms, each with an optional leading '-':
// unit form "1y2mo3w4d5h6m7s8ms9us10ns" (units case-insensitive; µs = us), ISO 8601
// "P1Y2M3DT4H5M6S" / "P2W", and the alternative ISO form "P0001-02-03T04:05:06".
// Throws CqlError(kInvalid) naming the text when malformed or a total overflows.
Duration parse_duration(std::string_view s);
// Unit form with y, mo, d, h, m, s, ms, us, ns components and a '-' prefix when negative,
// e.g. "1mo2d3ns"; the zero duration is "0s".
std::string format_duration(const Duration& d);

// The wire form: three zig-zag encoded Cassandra VInts (months, days, nanos). A VInt's
// first byte has as many leading 1-bits as extra bytes follow (not LEB128).
Bytes encode_duration(const Duration& d);
// Throws CqlError(kInvalid) when `v` is not exactly three VInts in range with one sign.
Duration decode_duration(BytesView v);

}  // namespace krill::common
