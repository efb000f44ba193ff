// cqlsh-style value rendering (see format.h).
#include "tools/shell/format.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>
#include <vector>

#include "common/bigint.h"
#include "common/datetime.h"
#include "common/error.h"
#include "common/uuid.h"
#include "common/values.h"

namespace krill::tools::shell {

namespace {

using common::BytesView;
using common::DataType;
using common::TypeKind;

bool is_string_kind(TypeKind k) { return k == TypeKind::kText || k == TypeKind::kAscii; }

void append_text(std::string& out, BytesView v, bool quote, bool escape) {
  if (quote) out.push_back('\'');
  for (char ch : v) {
    const auto c = static_cast<unsigned char>(ch);
    if (escape && (c < 0x20 || c == 0x7f)) {
      if (c == '\n') {
        out += "\\n";
      } else if (c == '\t') {
        out += "\\t";
      } else if (c == '\r') {
        out += "\\r";
      } else {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02x", c);
        out += buf;
      }
      continue;
    }
    if (escape && ch == '\\') out.push_back('\\');
    if (quote && ch == '\'') out.push_back('\'');
    out.push_back(ch);
  }
  if (quote) out.push_back('\'');
}

// %g with cqlsh's precision rule: numbers shown without an exponent keep `precision`
// significant digits after the ones before the point.
std::string format_ieee(double v, int precision, bool round_trip, bool is_float) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v < 0 ? "-Infinity" : "Infinity";
  if (round_trip) {
    char buf[64];
    auto res = is_float ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(v))
                        : std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, res.ptr);
  }
  int p = precision;
  if (std::fabs(v) > 1e-300) {
    const auto exponent = static_cast<int>(std::log10(std::fabs(v)));  // truncated toward zero
    if (exponent >= -4 && exponent < precision) p = precision + exponent + 1;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", p, v);
  return buf;
}

std::string strip_quotes(std::string s) {
  if (s.size() >= 2 && s.front() == '\'' && s.back() == '\'') return s.substr(1, s.size() - 2);
  return s;
}

void render(const DataType& t, BytesView v, const FormatOptions& o, bool nested, std::string& out);

void render_elements(const DataType& element, BytesView v, const FormatOptions& o, char open, char close,
                     std::string& out) {
  out.push_back(open);
  bool first = true;
  for (const common::Bytes& e : common::decode_elements(v)) {
    if (!first) out += ", ";
    first = false;
    render(element, e, o, true, out);
  }
  out.push_back(close);
}

void render(const DataType& t, BytesView v, const FormatOptions& o, bool nested, std::string& out) {
  const TypeKind k = t.kind();
  if (v.empty() && !is_string_kind(k) && k != TypeKind::kBlob && k != TypeKind::kCustom) {
    if (nested) out += "null";  // an empty element cannot be shown as nothing inside a collection
    return;
  }
  switch (k) {
    case TypeKind::kAscii:
    case TypeKind::kText:
      append_text(out, v, nested, o.escape_control);
      return;
    case TypeKind::kBlob:
    case TypeKind::kCustom:
      out += "0x" + common::to_hex(v);
      return;
    case TypeKind::kBoolean:
      out += common::decode_boolean(v) ? "True" : "False";
      return;
    case TypeKind::kInt:
      out += std::to_string(common::decode_int(v));
      return;
    case TypeKind::kBigint:
    case TypeKind::kCounter:
      out += std::to_string(common::decode_bigint(v));
      return;
    case TypeKind::kSmallint:
      out += std::to_string(common::decode_smallint(v));
      return;
    case TypeKind::kTinyint:
      out += std::to_string(common::decode_tinyint(v));
      return;
    case TypeKind::kFloat:
      out += format_ieee(common::decode_float(v), o.float_precision, o.round_trip, true);
      return;
    case TypeKind::kDouble:
      out += format_ieee(common::decode_double(v), o.double_precision, o.round_trip, false);
      return;
    case TypeKind::kVarint:
      out += common::BigInt::from_twos_complement(v).to_decimal();
      return;
    case TypeKind::kDecimal:
      out += common::to_cql_literal(t, v);
      return;
    case TypeKind::kTimestamp:
      out += format_cqlsh_timestamp(common::decode_bigint(v));
      return;
    case TypeKind::kDate:
      out += common::format_date(common::get_be32(v.data()));
      return;
    case TypeKind::kTime:
      out += common::format_time(common::decode_bigint(v));
      return;
    case TypeKind::kUuid:
    case TypeKind::kTimeuuid:
      out += common::Uuid::from_bytes(v).to_string();
      return;
    case TypeKind::kInet:
      out += strip_quotes(common::to_cql_literal(t, v));
      return;
    case TypeKind::kDuration:
      out += common::format_duration(common::decode_duration(v));
      return;
    case TypeKind::kList:
      render_elements(t.params()[0], v, o, '[', ']', out);
      return;
    case TypeKind::kSet:
      render_elements(t.params()[0], v, o, '{', '}', out);
      return;
    case TypeKind::kMap: {
      out.push_back('{');
      bool first = true;
      for (const auto& [key, value] : common::decode_pairs(v)) {
        if (!first) out += ", ";
        first = false;
        render(t.params()[0], key, o, true, out);
        out += ": ";
        render(t.params()[1], value, o, true, out);
      }
      out.push_back('}');
      return;
    }
    case TypeKind::kTuple:
    case TypeKind::kUdt: {
      const bool udt = k == TypeKind::kUdt;
      const auto components = common::decode_components(v);
      out.push_back(udt ? '{' : '(');
      for (size_t i = 0; i < components.size(); ++i) {
        if (i > 0) out += ", ";
        if (udt) out += quote_identifier(t.field_names().at(i)) + ": ";
        if (i >= t.params().size() || !components[i]) {
          out += "null";
        } else {
          render(t.params()[i], *components[i], o, true, out);
        }
      }
      out.push_back(udt ? '}' : ')');
      return;
    }
  }
  out += "0x" + common::to_hex(v);
}

}  // namespace

std::string format_value(const DataType& type, BytesView value, const FormatOptions& options) {
  std::string out;
  try {
    if (type.kind() != TypeKind::kBlob && type.kind() != TypeKind::kCustom)
      common::validate_value(type, value);
    render(type, value, options, false, out);
  } catch (const std::exception&) {
    out = "0x" + common::to_hex(value);
  }
  return out;
}

std::string format_cqlsh_timestamp(int64_t millis) {
  int64_t days = millis / common::kMillisPerDay;
  int64_t rem = millis % common::kMillisPerDay;
  if (rem < 0) {
    rem += common::kMillisPerDay;
    --days;
  }
  const common::CivilDate d = common::civil_from_days(days);
  if (d.year < 0 || d.year > 9999) return std::to_string(millis);
  const int64_t secs = rem / 1000;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u %02lld:%02lld:%02lld.%06lld+0000",
                static_cast<long long>(d.year), d.month, d.day, static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60),
                static_cast<long long>(rem % 1000 * 1000));
  return buf;
}

bool is_numeric_kind(TypeKind k) {
  switch (k) {
    case TypeKind::kInt:
    case TypeKind::kBigint:
    case TypeKind::kSmallint:
    case TypeKind::kTinyint:
    case TypeKind::kVarint:
    case TypeKind::kDecimal:
    case TypeKind::kFloat:
    case TypeKind::kDouble:
    case TypeKind::kCounter:
      return true;
    default:
      return false;
  }
}

size_t display_width(std::string_view text) {
  size_t n = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

}  // namespace krill::tools::shell
