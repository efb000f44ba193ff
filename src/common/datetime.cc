#include "common/datetime.h"

#include <charconv>
#include <cstdio>

namespace krill::common {
namespace {

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  return true;
}

// An optionally negative decimal integer filling all of `s`.
std::optional<int64_t> parse_int64(std::string_view s) {
  std::string_view digits = s;
  if (!digits.empty() && digits[0] == '-') digits.remove_prefix(1);
  if (!all_digits(digits)) return std::nullopt;
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// A cursor over text being parsed.
struct Cursor {
  std::string_view s;
  size_t pos = 0;

  bool done() const { return pos >= s.size(); }
  char peek() const { return done() ? '\0' : s[pos]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++pos;
    return true;
  }
  // Reads between min and max digits; nullopt if fewer than min are present.
  std::optional<int64_t> digits(size_t min, size_t max, size_t* count = nullptr) {
    int64_t v = 0;
    size_t n = 0;
    while (n < max && !done() && is_digit(s[pos])) {
      v = v * 10 + (s[pos] - '0');
      ++pos;
      ++n;
    }
    if (count) *count = n;
    if (n < min) return std::nullopt;
    return v;
  }
};

// yyyy-mm-dd with a 4 to 6 digit year; nullopt unless it is a real date.
std::optional<int64_t> read_date(Cursor& c) {
  auto y = c.digits(4, 6);
  if (!y || !c.eat('-')) return std::nullopt;
  auto m = c.digits(1, 2);
  if (!m || !c.eat('-')) return std::nullopt;
  auto d = c.digits(1, 2);
  if (!d || *m < 1 || *m > 12 || *d < 1) return std::nullopt;
  if (*d > days_in_month(*y, static_cast<unsigned>(*m))) return std::nullopt;
  return days_from_civil(*y, static_cast<unsigned>(*m), static_cast<unsigned>(*d));
}

// A zone offset in minutes east of UTC: Z, +hh, +hhmm, +hh:mm (or '-').
std::optional<int64_t> read_zone(Cursor& c) {
  if (c.eat('Z') || c.eat('z')) return 0;
  int sign = 1;
  if (c.eat('-')) {
    sign = -1;
  } else if (!c.eat('+')) {
    return std::nullopt;
  }
  auto hh = c.digits(2, 2);
  if (!hh) return std::nullopt;
  int64_t mm = 0;
  if (!c.done()) {
    c.eat(':');
    auto m = c.digits(2, 2);
    if (!m) return std::nullopt;
    mm = *m;
  }
  if (*hh > 23 || mm > 59) return std::nullopt;
  return sign * (*hh * 60 + mm);
}

std::string two(int64_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02lld", static_cast<long long>(v));
  return buf;
}

std::string format_civil(const CivilDate& d) {
  char buf[48];
  if (d.year < 0) {
    std::snprintf(buf, sizeof buf, "-%04lld-%02u-%02u", static_cast<long long>(-d.year), d.month, d.day);
  } else {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(d.year), d.month, d.day);
  }
  return buf;
}

}  // namespace

int64_t days_from_civil(int64_t year, unsigned month, unsigned day) {
  // Count from 0000-03-01 so that the leap day falls at the end of each counted year.
  const int64_t y = month <= 2 ? year - 1 : year;
  const int64_t era = floor_div(y, 400);
  const int64_t year_of_era = y - era * 400;                               // [0, 399]
  const int64_t month_from_march = month > 2 ? month - 3 : month + 9;      // [0, 11]
  const int64_t day_of_year = (153 * month_from_march + 2) / 5 + day - 1;  // [0, 365]
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;  // 719468: days from 0000-03-01 to 1970-01-01
}

CivilDate civil_from_days(int64_t days) {
  const int64_t z = days + 719468;
  const int64_t era = floor_div(z, 146097);
  const int64_t day_of_era = z - era * 146097;  // [0, 146096]
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;  // [0, 399]
  const int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t month_from_march = (5 * day_of_year + 2) / 153;
  CivilDate d;
  d.day = static_cast<unsigned>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
  d.month = static_cast<unsigned>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
  d.year = year_of_era + era * 400 + (d.month <= 2 ? 1 : 0);
  return d;
}

unsigned days_in_month(int64_t year, unsigned month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

std::optional<int64_t> parse_timestamp(std::string_view s) {
  if (auto millis = parse_int64(s)) return millis;
  Cursor c{s};
  auto days = read_date(c);
  if (!days) return std::nullopt;
  int64_t ms_of_day = 0;
  if (c.peek() == ' ' || c.peek() == 'T' || c.peek() == 't') {
    Cursor save = c;
    ++c.pos;
    if (!c.done() && is_digit(c.peek())) {
      auto hh = c.digits(1, 2);
      if (!hh || !c.eat(':')) return std::nullopt;
      auto mm = c.digits(1, 2);
      if (!mm) return std::nullopt;
      int64_t ss = 0, frac_ms = 0;
      if (c.eat(':')) {
        auto sec = c.digits(1, 2);
        if (!sec) return std::nullopt;
        ss = *sec;
        if (c.eat('.')) {
          size_t n = 0;
          auto f = c.digits(1, 3, &n);
          if (!f) return std::nullopt;
          frac_ms = *f * (n == 1 ? 100 : n == 2 ? 10 : 1);
          while (is_digit(c.peek())) ++c.pos;  // sub-millisecond digits are dropped
        }
      }
      if (*hh > 23 || *mm > 59 || ss > 59) return std::nullopt;
      ms_of_day = ((*hh * 60 + *mm) * 60 + ss) * 1000 + frac_ms;
    } else {
      c = save;  // a space before a zone
    }
  }
  int64_t zone_minutes = 0;
  if (!c.done()) {
    c.eat(' ');
    auto z = read_zone(c);
    if (!z || !c.done()) return std::nullopt;
    zone_minutes = *z;
  }
  return *days * kMillisPerDay + ms_of_day - zone_minutes * 60000;
}

std::string format_timestamp(int64_t millis) {
  const int64_t days = floor_div(millis, kMillisPerDay);
  int64_t rest = millis - days * kMillisPerDay;
  const int64_t ms = rest % 1000;
  rest /= 1000;
  char frac[8];
  std::snprintf(frac, sizeof frac, "%03lld", static_cast<long long>(ms));
  return format_civil(civil_from_days(days)) + " " + two(rest / 3600) + ":" + two(rest / 60 % 60) + ":" +
         two(rest % 60) + "." + frac + "Z";
}

std::optional<uint32_t> parse_date(std::string_view s) {
  if (auto v = parse_int64(s)) {
    if (*v < 0 || *v > int64_t{UINT32_MAX}) return std::nullopt;
    return static_cast<uint32_t>(*v);
  }
  Cursor c{s};
  auto days = read_date(c);
  if (!days || !c.done()) return std::nullopt;
  const int64_t wire = *days + int64_t{kDateEpochDay};
  if (wire < 0 || wire > int64_t{UINT32_MAX}) return std::nullopt;
  return static_cast<uint32_t>(wire);
}

std::string format_date(uint32_t wire_days) {
  return format_civil(civil_from_days(int64_t{wire_days} - int64_t{kDateEpochDay}));
}

std::optional<int64_t> parse_time(std::string_view s) {
  if (auto v = parse_int64(s)) {
    if (*v < 0 || *v >= kNanosPerDay) return std::nullopt;
    return v;
  }
  Cursor c{s};
  auto hh = c.digits(1, 2);
  if (!hh || !c.eat(':')) return std::nullopt;
  auto mm = c.digits(1, 2);
  if (!mm || !c.eat(':')) return std::nullopt;
  auto ss = c.digits(1, 2);
  if (!ss) return std::nullopt;
  int64_t frac = 0;
  if (c.eat('.')) {
    size_t n = 0;
    auto f = c.digits(1, 9, &n);
    if (!f) return std::nullopt;
    frac = *f;
    for (size_t i = n; i < 9; ++i) frac *= 10;
  }
  if (!c.done() || *hh > 23 || *mm > 59 || *ss > 59) return std::nullopt;
  return ((*hh * 60 + *mm) * 60 + *ss) * 1'000'000'000 + frac;
}

std::string format_time(int64_t nanos) {
  const int64_t secs = nanos / 1'000'000'000;
  char frac[16];
  std::snprintf(frac, sizeof frac, "%09lld", static_cast<long long>(nanos % 1'000'000'000));
  return two(secs / 3600) + ":" + two(secs / 60 % 60) + ":" + two(secs % 60) + "." + frac;
}

}  // namespace krill::common
