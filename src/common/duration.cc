// Duration text forms and the duration wire codec (declared in datetime.h).
#include <bit>
#include <limits>

#include "common/datetime.h"
#include "common/error.h"

namespace krill::common {
namespace {

constexpr int64_t kNanosPerMicro = 1000;
constexpr int64_t kNanosPerMilli = 1000 * kNanosPerMicro;
constexpr int64_t kNanosPerSecond = 1000 * kNanosPerMilli;
constexpr int64_t kNanosPerMinute = 60 * kNanosPerSecond;
constexpr int64_t kNanosPerHour = 60 * kNanosPerMinute;

[[noreturn]] void bad_duration(std::string_view text) {
  throw_invalid("Unable to convert '" + std::string(text) + "' to a duration");
}

// Totals kept in int64 with overflow checks; narrowed and range-checked at the end.
class DurationBuilder {
 public:
  explicit DurationBuilder(std::string_view text) : text_(text) {}

  void add_months(int64_t n, int64_t unit) { add(months_, n, unit, "months"); }
  void add_days(int64_t n, int64_t unit) { add(days_, n, unit, "days"); }
  void add_nanos(int64_t n, int64_t unit) { add(nanos_, n, unit, "nanoseconds"); }

  Duration build(bool negative) const {
    check_int32(months_, "months");
    check_int32(days_, "days");
    Duration d;
    d.months = static_cast<int32_t>(negative ? -months_ : months_);
    d.days = static_cast<int32_t>(negative ? -days_ : days_);
    d.nanos = negative ? -nanos_ : nanos_;
    return d;
  }

 private:
  [[noreturn]] void overflow(const char* what, int64_t max) const {
    throw_invalid("Invalid duration '" + std::string(text_) + "': the total number of " + what +
                  " must be less or equal to " + std::to_string(max));
  }
  void add(int64_t& total, int64_t n, int64_t unit, const char* what) {
    int64_t scaled;
    if (__builtin_mul_overflow(n, unit, &scaled) || __builtin_add_overflow(total, scaled, &total)) {
      overflow(what, std::numeric_limits<int64_t>::max());
    }
  }
  void check_int32(int64_t v, const char* what) const {
    if (v > std::numeric_limits<int32_t>::max()) overflow(what, std::numeric_limits<int32_t>::max());
  }

  std::string_view text_;
  int64_t months_ = 0;
  int64_t days_ = 0;
  int64_t nanos_ = 0;
};

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads one or more digits at s[pos]; nullopt when there are none or the number overflows.
std::optional<int64_t> read_number(std::string_view s, size_t& pos) {
  size_t start = pos;
  int64_t v = 0;
  while (pos < s.size() && is_digit(s[pos])) {
    if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, s[pos] - '0', &v)) return std::nullopt;
    ++pos;
  }
  if (pos == start) return std::nullopt;
  return v;
}

// "1y2mo3w4d5h6m7s8ms9us10ns".
void parse_unit_form(std::string_view s, std::string_view text, DurationBuilder& b) {
  size_t pos = 0;
  while (pos < s.size()) {
    auto n = read_number(s, pos);
    if (!n || pos >= s.size()) bad_duration(text);
    const char c0 = lower(s[pos]);
    const char c1 = pos + 1 < s.size() ? lower(s[pos + 1]) : '\0';
    size_t len = 2;
    if (c0 == 'm' && c1 == 'o') {
      b.add_months(*n, 1);
    } else if (c0 == 'm' && c1 == 's') {
      b.add_nanos(*n, kNanosPerMilli);
    } else if (c0 == 'u' && c1 == 's') {
      b.add_nanos(*n, kNanosPerMicro);
    } else if (s.substr(pos, 3) == "\xc2\xb5s" || s.substr(pos, 3) == "\xc2\xb5S") {  // µs
      b.add_nanos(*n, kNanosPerMicro);
      len = 3;
    } else if (c0 == 'n' && c1 == 's') {
      b.add_nanos(*n, 1);
    } else {
      len = 1;
      switch (c0) {
        case 'y':
          b.add_months(*n, 12);
          break;
        case 'w':
          b.add_days(*n, 7);
          break;
        case 'd':
          b.add_days(*n, 1);
          break;
        case 'h':
          b.add_nanos(*n, kNanosPerHour);
          break;
        case 'm':
          b.add_nanos(*n, kNanosPerMinute);
          break;
        case 's':
          b.add_nanos(*n, kNanosPerSecond);
          break;
        default:
          bad_duration(text);
      }
    }
    pos += len;
  }
}

// After the 'P': "nW", "[nY][nM][nD][T[nH][nM][nS]]" or "yyyy-mm-ddThh:mm:ss".
void parse_iso_form(std::string_view s, std::string_view text, DurationBuilder& b) {
  if (s.size() == 19 && s[4] == '-') {  // alternative form
    static constexpr size_t kFields[] = {0, 5, 8, 11, 14, 17};
    static constexpr char kSeps[] = {'-', '-', 'T', ':', ':'};
    int64_t v[6];
    for (size_t i = 0; i < 6; ++i) {
      size_t pos = kFields[i];
      auto n = read_number(s.substr(0, pos + (i == 0 ? 4 : 2)), pos);
      if (!n || pos != kFields[i] + (i == 0 ? 4 : 2)) bad_duration(text);
      if (i < 5 && lower(s[pos]) != lower(kSeps[i])) bad_duration(text);
      v[i] = *n;
    }
    b.add_months(v[0], 12);
    b.add_months(v[1], 1);
    b.add_days(v[2], 1);
    b.add_nanos(v[3], kNanosPerHour);
    b.add_nanos(v[4], kNanosPerMinute);
    b.add_nanos(v[5], kNanosPerSecond);
    return;
  }
  size_t pos = 0;
  bool in_time = false;
  bool any = false;
  int next_designator = 0;  // index into the designators still allowed, in order
  while (pos < s.size()) {
    if (!in_time && lower(s[pos]) == 't') {
      in_time = true;
      next_designator = 0;
      ++pos;
      if (pos >= s.size()) bad_duration(text);  // 'T' needs a time component
      continue;
    }
    auto n = read_number(s, pos);
    if (!n || pos >= s.size()) bad_duration(text);
    const char d = lower(s[pos++]);
    if (!in_time && d == 'w' && pos == s.size() && !any) {
      b.add_days(*n, 7);
      return;
    }
    const std::string_view order = in_time ? "hms" : "ymd";
    const size_t idx = order.find(d);
    if (idx == std::string_view::npos || static_cast<int>(idx) < next_designator) bad_duration(text);
    next_designator = static_cast<int>(idx) + 1;
    any = true;
    if (in_time) {
      b.add_nanos(*n, idx == 0 ? kNanosPerHour : idx == 1 ? kNanosPerMinute : kNanosPerSecond);
    } else if (idx == 2) {
      b.add_days(*n, 1);
    } else {
      b.add_months(*n, idx == 0 ? 12 : 1);
    }
  }
  if (!any) bad_duration(text);
}

void put_vint(Bytes& out, uint64_t v) {
  const int bits = v == 0 ? 1 : 64 - std::countl_zero(v);
  const int size = bits > 56 ? 9 : (bits + 6) / 7;  // total bytes
  if (size == 9) {
    out.push_back(static_cast<char>(0xff));
    put_be64(out, v);
    return;
  }
  const size_t start = out.size();
  for (int i = size - 1; i >= 0; --i) out.push_back(static_cast<char>(v >> (8 * i)));
  out[start] =
      static_cast<char>(static_cast<uint8_t>(out[start]) | static_cast<uint8_t>(0xff00 >> (size - 1)));
}

// Reads one VInt at v[pos]; nullopt when truncated.
std::optional<uint64_t> get_vint(BytesView v, size_t& pos) {
  if (pos >= v.size()) return std::nullopt;
  const auto first = static_cast<uint8_t>(v[pos++]);
  const int extra = std::countl_one(first);
  if (v.size() - pos < static_cast<size_t>(extra)) return std::nullopt;
  uint64_t r = extra >= 7 ? 0 : (first & (0xffu >> (extra + 1)));
  for (int i = 0; i < extra; ++i) r = (r << 8) | static_cast<uint8_t>(v[pos++]);
  return r;
}

uint64_t zigzag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
int64_t unzigzag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

}  // namespace

Duration parse_duration(std::string_view text) {
  std::string_view s = text;
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) s.remove_prefix(1);
  if (s.empty()) bad_duration(text);
  DurationBuilder b(text);
  if (lower(s[0]) == 'p') {
    parse_iso_form(s.substr(1), text, b);
  } else {
    parse_unit_form(s, text, b);
  }
  return b.build(negative);
}

std::string format_duration(const Duration& d) {
  const bool negative = d.months < 0 || d.days < 0 || d.nanos < 0;
  // Magnitudes; int64_t holds |INT32_MIN|, and |INT64_MIN| is handled as unsigned.
  const int64_t months = d.months < 0 ? -int64_t{d.months} : d.months;
  const int64_t days = d.days < 0 ? -int64_t{d.days} : d.days;
  uint64_t nanos = d.nanos < 0 ? ~static_cast<uint64_t>(d.nanos) + 1 : static_cast<uint64_t>(d.nanos);
  std::string out = negative ? "-" : "";
  auto part = [&out](uint64_t n, const char* unit) {
    if (n != 0) out += std::to_string(n) + unit;
  };
  part(months / 12, "y");
  part(months % 12, "mo");
  part(days, "d");
  static constexpr struct {
    uint64_t size;
    const char* unit;
  } kNanoUnits[] = {{kNanosPerHour, "h"},   {kNanosPerMinute, "m"}, {kNanosPerSecond, "s"},
                    {kNanosPerMilli, "ms"}, {kNanosPerMicro, "us"}, {1, "ns"}};
  for (const auto& u : kNanoUnits) {
    part(nanos / u.size, u.unit);
    nanos %= u.size;
  }
  if (out.empty() || out == "-") return "0s";
  return out;
}

Bytes encode_duration(const Duration& d) {
  Bytes out;
  put_vint(out, zigzag(d.months));
  put_vint(out, zigzag(d.days));
  put_vint(out, zigzag(d.nanos));
  return out;
}

Duration decode_duration(BytesView v) {
  size_t pos = 0;
  auto m = get_vint(v, pos);
  auto d = m ? get_vint(v, pos) : std::nullopt;
  auto n = d ? get_vint(v, pos) : std::nullopt;
  if (!n) throw_invalid("Not enough bytes to read a duration (" + std::to_string(v.size()) + ")");
  if (pos != v.size()) throw_invalid("Unexpected extraneous bytes after duration value");
  const int64_t months = unzigzag(*m);
  const int64_t days = unzigzag(*d);
  const int64_t nanos = unzigzag(*n);
  if (months < std::numeric_limits<int32_t>::min() || months > std::numeric_limits<int32_t>::max() ||
      days < std::numeric_limits<int32_t>::min() || days > std::numeric_limits<int32_t>::max()) {
    throw_invalid("Invalid duration: months and days must fit in a 32-bit int");
  }
  if (!((months >= 0 && days >= 0 && nanos >= 0) || (months <= 0 && days <= 0 && nanos <= 0))) {
    throw_invalid("The duration months, days and nanoseconds must be all of the same sign (" +
                  std::to_string(months) + ", " + std::to_string(days) + ", " + std::to_string(nanos) + ")");
  }
  return Duration{static_cast<int32_t>(months), static_cast<int32_t>(days), nanos};
}

}  // namespace krill::common
