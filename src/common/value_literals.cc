// Conversions between CQL literals and serialized values.
#include <arpa/inet.h>

#include <charconv>
#include <cmath>
#include <limits>

#include "common/bigint.h"
#include "common/collection_body.h"
#include "common/datetime.h"
#include "common/error.h"
#include "common/uuid.h"
#include "common/values.h"

namespace krill::common {
namespace {

// ---- rendering ----

std::string quote_string(BytesView s) {
  std::string out = "'";
  for (char c : s) {
    out.push_back(c);
    if (c == '\'') out.push_back('\'');
  }
  out.push_back('\'');
  return out;
}

template <typename F>
std::string render_ieee(F v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v < 0 ? "-Infinity" : "Infinity";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

// The text of BigDecimal.toString: plain notation unless the scale is negative or the
// number is tiny, then d.dddE+n scientific notation.
std::string render_decimal(BytesView v) {
  const int64_t scale = static_cast<int32_t>(get_be32(v.data()));
  const BigInt unscaled = BigInt::from_twos_complement(v.substr(4));
  std::string digits = unscaled.to_decimal();
  const bool negative = unscaled.is_negative();
  if (negative) digits.erase(0, 1);
  const int64_t n = static_cast<int64_t>(digits.size());
  const int64_t adjusted = n - 1 - scale;
  std::string out = negative ? "-" : "";
  if (scale >= 0 && adjusted >= -6) {
    if (scale == 0) {
      out += digits;
    } else if (n > scale) {
      out += digits.substr(0, static_cast<size_t>(n - scale)) + "." +
             digits.substr(static_cast<size_t>(n - scale));
    } else {
      out += "0." + std::string(static_cast<size_t>(scale - n), '0') + digits;
    }
    return out;
  }
  out += digits.substr(0, 1);
  if (n > 1) out += "." + digits.substr(1);
  out += "E";
  if (adjusted > 0) out += "+";
  return out + std::to_string(adjusted);
}

std::string render_inet(BytesView v) {
  char buf[INET6_ADDRSTRLEN];
  const int family = v.size() == 4 ? AF_INET : AF_INET6;
  if (!inet_ntop(family, v.data(), buf, sizeof buf)) return "0x" + to_hex(v);
  return "'" + std::string(buf) + "'";
}

void render(const DataType& t, BytesView v, std::string& out);

void render_sequence(const DataType& element, BytesView v, char open, char close, std::string& out) {
  std::vector<BytesView> elements;
  if (const char* err = detail::split_elements(v, elements)) throw_invalid(err);
  out.push_back(open);
  for (size_t i = 0; i < elements.size(); ++i) {
    if (i) out += ", ";
    render(element, elements[i], out);
  }
  out.push_back(close);
}

void render_map(const DataType& t, BytesView v, std::string& out) {
  std::vector<std::pair<BytesView, BytesView>> pairs;
  if (const char* err = detail::split_pairs(v, pairs)) throw_invalid(err);
  out.push_back('{');
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (i) out += ", ";
    render(t.params()[0], pairs[i].first, out);
    out += ": ";
    render(t.params()[1], pairs[i].second, out);
  }
  out.push_back('}');
}

// Tuples print as (a, b); UDTs as {f: a, g: b}. Missing trailing components are null.
void render_components(const DataType& t, BytesView v, std::string& out) {
  std::vector<std::optional<BytesView>> parts;
  if (const char* err = detail::split_components(v, parts)) throw_invalid(err);
  const bool udt = t.kind() == TypeKind::kUdt;
  out.push_back(udt ? '{' : '(');
  for (size_t i = 0; i < t.params().size(); ++i) {
    if (i) out += ", ";
    if (udt) out += quote_identifier(t.field_names()[i]) + ": ";
    if (i < parts.size() && parts[i]) {
      render(t.params()[i], *parts[i], out);
    } else {
      out += "null";
    }
  }
  out.push_back(udt ? '}' : ')');
}

// REQUIRES: `v` is a valid value of `t`.
void render(const DataType& t, BytesView v, std::string& out) {
  const TypeKind k = t.kind();
  if (v.empty()) {
    if (k == TypeKind::kText || k == TypeKind::kAscii) out += "''";
    if (k == TypeKind::kBlob || k == TypeKind::kCustom) out += "0x";
    return;
  }
  switch (k) {
    case TypeKind::kAscii:
    case TypeKind::kText:
      out += quote_string(v);
      return;
    case TypeKind::kBlob:
    case TypeKind::kCustom:
      out += "0x" + to_hex(v);
      return;
    case TypeKind::kBigint:
    case TypeKind::kCounter:
      out += std::to_string(decode_bigint(v));
      return;
    case TypeKind::kInt:
      out += std::to_string(decode_int(v));
      return;
    case TypeKind::kSmallint:
      out += std::to_string(decode_smallint(v));
      return;
    case TypeKind::kTinyint:
      out += std::to_string(decode_tinyint(v));
      return;
    case TypeKind::kVarint:
      out += BigInt::from_twos_complement(v).to_decimal();
      return;
    case TypeKind::kDecimal:
      out += render_decimal(v);
      return;
    case TypeKind::kFloat:
      out += render_ieee(decode_float(v));
      return;
    case TypeKind::kDouble:
      out += render_ieee(decode_double(v));
      return;
    case TypeKind::kBoolean:
      out += decode_boolean(v) ? "true" : "false";
      return;
    case TypeKind::kUuid:
    case TypeKind::kTimeuuid:
      out += Uuid::from_bytes(v).to_string();
      return;
    case TypeKind::kInet:
      out += render_inet(v);
      return;
    case TypeKind::kTimestamp: {
      // Years outside 0..9999 have no string form that parses back; use the number.
      const int64_t ms = decode_bigint(v);
      const int64_t year = civil_from_days(ms / kMillisPerDay - (ms % kMillisPerDay < 0 ? 1 : 0)).year;
      out += (year >= 0 && year <= 9999) ? "'" + format_timestamp(ms) + "'" : std::to_string(ms);
      return;
    }
    case TypeKind::kDate: {
      const uint32_t wire = get_be32(v.data());
      const int64_t year = civil_from_days(int64_t{wire} - int64_t{kDateEpochDay}).year;
      out += (year >= 0 && year <= 9999) ? "'" + format_date(wire) + "'" : std::to_string(wire);
      return;
    }
    case TypeKind::kTime:
      out += "'" + format_time(decode_bigint(v)) + "'";
      return;
    case TypeKind::kDuration:
      out += format_duration(decode_duration(v));
      return;
    case TypeKind::kList:
      return render_sequence(t.params()[0], v, '[', ']', out);
    case TypeKind::kSet:
      return render_sequence(t.params()[0], v, '{', '}', out);
    case TypeKind::kMap:
      return render_map(t, v, out);
    case TypeKind::kTuple:
    case TypeKind::kUdt:
      return render_components(t, v, out);
  }
}

// ---- parsing ----

[[noreturn]] void bad_constant(const char* what, std::string_view s, const DataType& t) {
  throw_invalid(std::string("Invalid ") + what + " constant (" + std::string(s) + ") for type " +
                t.cql_name());
}

[[noreturn]] void unable(const char* type_word, std::string_view s) {
  throw_invalid(std::string("Unable to make ") + type_word + " from '" + std::string(s) + "'");
}

enum class NumberForm { kInteger, kFloat, kSpecial, kMalformed };

// Integer: -?digits. Float: -?digits[.digits*][e[+-]digits] with a '.' or an exponent.
// Special: NaN, Infinity, -Infinity.
NumberForm classify_number(std::string_view s) {
  if (s == "NaN" || s == "Infinity" || s == "-Infinity" || s == "+Infinity") return NumberForm::kSpecial;
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  auto digits = [&] {
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i - start;
  };
  if (digits() == 0) return NumberForm::kMalformed;
  if (i == s.size()) return NumberForm::kInteger;
  if (s[i] == '.') {
    ++i;
    digits();
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (digits() == 0) return NumberForm::kMalformed;
  }
  return i == s.size() ? NumberForm::kFloat : NumberForm::kMalformed;
}

std::string_view strip_plus(std::string_view s) { return !s.empty() && s[0] == '+' ? s.substr(1) : s; }

// An integer literal within [lo, hi], or the "Unable to make" error.
int64_t integer_in_range(std::string_view s, int64_t lo, int64_t hi, const char* type_word) {
  s = strip_plus(s);
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < lo || v > hi) unable(type_word, s);
  return v;
}

template <typename F>
F parse_ieee(std::string_view s, const char* type_word) {
  if (s == "NaN") return std::numeric_limits<F>::quiet_NaN();
  if (s == "Infinity" || s == "+Infinity") return std::numeric_limits<F>::infinity();
  if (s == "-Infinity") return -std::numeric_limits<F>::infinity();
  const std::string_view digits = strip_plus(s);
  F v{};
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || p != digits.data() + digits.size()) unable(type_word, s);
  return v;
}

// [int scale][varint unscaled] from an integer or float literal: "1.5e3" -> 15, scale -2.
Bytes parse_decimal(std::string_view s) {
  std::string digits;
  int64_t frac_digits = 0;
  int64_t exponent = 0;
  size_t i = 0;
  bool negative = false;
  if (s[i] == '-' || s[i] == '+') negative = s[i++] == '-';
  bool in_fraction = false;
  for (; i < s.size() && s[i] != 'e' && s[i] != 'E'; ++i) {
    if (s[i] == '.') {
      in_fraction = true;
      continue;
    }
    digits.push_back(s[i]);
    if (in_fraction) ++frac_digits;
  }
  if (i < s.size()) {
    std::string_view exp_text = strip_plus(s.substr(i + 1));
    auto [p, ec] = std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
    if (ec != std::errc() || exponent < INT32_MIN || exponent > INT32_MAX) unable("decimal", s);
  }
  const int64_t scale = frac_digits - exponent;
  if (scale < INT32_MIN || scale > INT32_MAX) unable("decimal", s);
  auto unscaled = BigInt::from_decimal(digits);
  if (!unscaled) unable("decimal", s);
  if (negative) unscaled->negate();
  Bytes out = encode_int(static_cast<int32_t>(scale));
  return out + unscaled->to_twos_complement();
}

}  // namespace

std::string to_cql_literal(const DataType& t, BytesView v) {
  validate_value(t, v);
  std::string out;
  render(t, v, out);
  return out;
}

Bytes from_string_literal(const DataType& t, std::string_view s) {
  const std::string quoted = "'" + std::string(s) + "'";
  switch (t.kind()) {
    case TypeKind::kText:
      if (!is_valid_utf8(s)) throw_invalid("Invalid UTF-8 in string literal for type text");
      return Bytes(s);
    case TypeKind::kAscii:
      for (unsigned char c : s) {
        if (c >= 0x80)
          throw_invalid("Invalid ASCII character in string literal " + quoted + " for type ascii");
      }
      return Bytes(s);
    case TypeKind::kTimestamp:
      if (auto ms = parse_timestamp(s)) return encode_bigint(*ms);
      throw_invalid("Unable to coerce " + quoted + " to a formatted date (long)");
    case TypeKind::kDate:
      if (auto days = parse_date(s)) return encode_int(static_cast<int32_t>(*days));
      throw_invalid("Unable to coerce " + quoted + " to a formatted date (long)");
    case TypeKind::kTime:
      if (auto ns = parse_time(s)) return encode_bigint(*ns);
      throw_invalid("Unable to coerce " + quoted + " to a formatted time (long)");
    case TypeKind::kInet: {
      unsigned char buf[16];
      const std::string text(s);
      if (inet_pton(AF_INET, text.c_str(), buf) == 1) return Bytes(reinterpret_cast<char*>(buf), 4);
      if (inet_pton(AF_INET6, text.c_str(), buf) == 1) return Bytes(reinterpret_cast<char*>(buf), 16);
      throw_invalid("Unable to make inet address from " + quoted);
    }
    case TypeKind::kUuid:
    case TypeKind::kTimeuuid:
      return from_uuid_literal(t, s);
    case TypeKind::kDuration:
      return encode_duration(parse_duration(s));
    default:
      bad_constant("STRING", s, t);
  }
}

Bytes from_number_literal(const DataType& t, std::string_view s) {
  const NumberForm form = classify_number(s);
  if (form == NumberForm::kMalformed) throw_invalid("Invalid number literal '" + std::string(s) + "'");
  const char* form_word = form == NumberForm::kInteger ? "INTEGER" : "FLOAT";
  const TypeKind k = t.kind();
  const bool integer_kind = k == TypeKind::kTinyint || k == TypeKind::kSmallint || k == TypeKind::kInt ||
                            k == TypeKind::kBigint || k == TypeKind::kCounter || k == TypeKind::kVarint ||
                            k == TypeKind::kTimestamp || k == TypeKind::kDate || k == TypeKind::kTime;
  if (integer_kind && form != NumberForm::kInteger) bad_constant(form_word, s, t);
  switch (k) {
    case TypeKind::kTinyint:
      return encode_tinyint(static_cast<int8_t>(integer_in_range(s, INT8_MIN, INT8_MAX, "tinyint")));
    case TypeKind::kSmallint:
      return encode_smallint(static_cast<int16_t>(integer_in_range(s, INT16_MIN, INT16_MAX, "smallint")));
    case TypeKind::kInt:
      return encode_int(static_cast<int32_t>(integer_in_range(s, INT32_MIN, INT32_MAX, "int")));
    case TypeKind::kBigint:
    case TypeKind::kCounter:
      return encode_bigint(integer_in_range(s, INT64_MIN, INT64_MAX, "long"));
    case TypeKind::kTimestamp:
      return encode_bigint(integer_in_range(s, INT64_MIN, INT64_MAX, "timestamp"));
    case TypeKind::kDate:
      return encode_int(static_cast<int32_t>(integer_in_range(s, 0, UINT32_MAX, "date")));
    case TypeKind::kTime:
      return encode_bigint(integer_in_range(s, 0, kNanosPerDay - 1, "time"));
    case TypeKind::kVarint: {
      auto v = BigInt::from_decimal(s);
      if (!v) unable("varint", s);
      return v->to_twos_complement();
    }
    case TypeKind::kFloat:
      return encode_float(parse_ieee<float>(s, "float"));
    case TypeKind::kDouble:
      return encode_double(parse_ieee<double>(s, "double"));
    case TypeKind::kDecimal:
      if (form == NumberForm::kSpecial) unable("decimal", s);
      return parse_decimal(s);
    default:
      bad_constant(form_word, s, t);
  }
}

Bytes from_uuid_literal(const DataType& t, std::string_view s) {
  if (t.kind() != TypeKind::kUuid && t.kind() != TypeKind::kTimeuuid) bad_constant("UUID", s, t);
  auto u = Uuid::parse(s);
  if (!u) throw_invalid("Unable to make UUID from '" + std::string(s) + "'");
  if (t.kind() == TypeKind::kTimeuuid && u->version() != 1) {
    throw_invalid("Unsupported UUID version for timeuuid: '" + std::string(s) + "' is version " +
                  std::to_string(u->version()) + ", not 1");
  }
  return u->to_bytes();
}

Bytes from_hex(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) {
    throw_invalid("Invalid hex blob '0x" + std::string(hex) + "': an odd number of hex digits");
  }
  Bytes out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]);
    const int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) throw_invalid("Invalid hex blob '0x" + std::string(hex) + "': non-hex digit");
    out.push_back(static_cast<char>(hi << 4 | lo));
  }
  return out;
}

std::string quote_identifier(const std::string& name) {
  bool plain = !name.empty() && name[0] >= 'a' && name[0] <= 'z';
  for (char c : name) plain = plain && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  if (plain) return name;
  std::string out = "\"";
  for (char c : name) {
    out.push_back(c);
    if (c == '"') out.push_back('"');
  }
  return out + "\"";
}

}  // namespace krill::common
