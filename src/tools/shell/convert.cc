// CSV field text -> serialized values (see convert.h).
#include "tools/shell/convert.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/values.h"
#include "tools/shell/format.h"

namespace krill::tools::shell {

namespace {

using common::Bytes;
using common::DataType;
using common::TypeKind;

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

[[noreturn]] void bad(const DataType& t, std::string_view text, const std::string& why) {
  throw std::invalid_argument("cannot convert '" + std::string(text) + "' to " + t.cql_name() +
                              (why.empty() ? "" : ": " + why));
}

bool is_text(TypeKind k) { return k == TypeKind::kText || k == TypeKind::kAscii; }

// A scalar from its unquoted text.
Bytes convert_scalar(const DataType& t, std::string_view raw) {
  const TypeKind k = t.kind();
  const std::string_view s = is_text(k) ? raw : trim(raw);
  try {
    Bytes out;
    switch (k) {
      case TypeKind::kText:
      case TypeKind::kAscii:
        out = Bytes(s);
        common::validate_value(t, out);
        return out;
      case TypeKind::kBoolean:
        if (iequals(s, "true")) return common::encode_boolean(true);
        if (iequals(s, "false")) return common::encode_boolean(false);
        bad(t, raw, "expected True or False");
      case TypeKind::kBlob:
      case TypeKind::kCustom:
        return common::from_hex(s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? s.substr(2)
                                                                                             : s);
      case TypeKind::kUuid:
      case TypeKind::kTimeuuid:
        return common::from_uuid_literal(t, s);
      case TypeKind::kTimestamp:
      case TypeKind::kDate:
      case TypeKind::kTime:
      case TypeKind::kInet:
      case TypeKind::kDuration:
        return common::from_string_literal(t, s);
      default:
        if (is_numeric_kind(k)) return common::from_number_literal(t, s);
        bad(t, raw, "not a scalar type");
    }
  } catch (const common::CqlError& e) {
    bad(t, raw, e.what());
  }
}

// A recursive-descent reader of collection, tuple and UDT literals.
class LiteralParser {
 public:
  explicit LiteralParser(std::string_view text) : text_(text) {}

  std::optional<Bytes> value(const DataType& t, std::string_view stops, bool nullable) {
    skip_ws();
    const TypeKind k = t.kind();
    if (k == TypeKind::kList || k == TypeKind::kSet) return sequence(t);
    if (k == TypeKind::kMap) return map(t);
    if (k == TypeKind::kTuple) return tuple(t);
    if (k == TypeKind::kUdt) return udt(t);
    if (peek() == '\'') return convert_scalar(t, quoted());
    const std::string_view token = bare(stops, t);
    if (iequals(trim(token), "null")) {
      if (!nullable) fail("null is not allowed here");
      return std::nullopt;
    }
    return convert_scalar(t, token);
  }

  void finish() {
    skip_ws();
    if (pos_ != text_.size()) fail("unexpected text after the value");
  }

 private:
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void skip_ws() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  [[noreturn]] void fail(const std::string& why) const {
    throw std::invalid_argument("malformed literal '" + std::string(text_) + "' at offset " +
                                std::to_string(pos_) + ": " + why);
  }
  void expect(char c) {
    skip_ws();
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  // Returns true and consumes `close` when the sequence ends here; else consumes a ','.
  bool at_end_or_comma(char close, bool first) {
    skip_ws();
    if (peek() == close) {
      ++pos_;
      return true;
    }
    if (!first) expect(',');
    return false;
  }

  std::string quoted() {
    ++pos_;  // the opening quote
    std::string out;
    for (;;) {
      if (pos_ >= text_.size()) fail("unterminated string");
      const char c = text_[pos_++];
      if (c == '\'') {
        if (peek() == '\'') {
          out.push_back('\'');
          ++pos_;
          continue;
        }
        return out;
      }
      out.push_back(c);
    }
  }

  // A bare token up to a top-level stop character. For a map key of a time-like type, ':'
  // stops only when followed by a blank (timestamps contain ':').
  std::string_view bare(std::string_view stops, const DataType& t) {
    const size_t start = pos_;
    const bool timelike = t.kind() == TypeKind::kTimestamp || t.kind() == TypeKind::kTime;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (stops.find(c) != std::string_view::npos) {
        if (c != ':' || !timelike) break;
        if (pos_ + 1 < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_ + 1]))) break;
      }
      ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }

  Bytes sequence(const DataType& t) {
    skip_ws();
    const char open = peek();
    if (open != '[' && open != '{') fail(t.kind() == TypeKind::kList ? "expected '['" : "expected '{'");
    ++pos_;
    const char close = open == '[' ? ']' : '}';
    std::vector<Bytes> elements;
    for (bool first = true; !at_end_or_comma(close, first); first = false) {
      elements.push_back(*value(t.params()[0], std::string_view(close == ']' ? ",]" : ",}"), false));
    }
    if (t.kind() == TypeKind::kSet) {
      const DataType& e = t.params()[0];
      std::sort(elements.begin(), elements.end(),
                [&](const Bytes& a, const Bytes& b) { return common::compare_values(e, a, b) < 0; });
      elements.erase(
          std::unique(elements.begin(), elements.end(),
                      [&](const Bytes& a, const Bytes& b) { return common::compare_values(e, a, b) == 0; }),
          elements.end());
    }
    return common::encode_elements(elements);
  }

  Bytes map(const DataType& t) {
    expect('{');
    std::vector<std::pair<Bytes, Bytes>> pairs;
    for (bool first = true; !at_end_or_comma('}', first); first = false) {
      Bytes key = *value(t.params()[0], ":", false);
      expect(':');
      Bytes val = *value(t.params()[1], ",}", false);
      pairs.emplace_back(std::move(key), std::move(val));
    }
    const DataType& kt = t.params()[0];
    std::stable_sort(pairs.begin(), pairs.end(), [&](const auto& a, const auto& b) {
      return common::compare_values(kt, a.first, b.first) < 0;
    });
    return common::encode_pairs(pairs);
  }

  Bytes tuple(const DataType& t) {
    expect('(');
    std::vector<std::optional<Bytes>> components;
    for (bool first = true; !at_end_or_comma(')', first); first = false) {
      if (components.size() >= t.params().size()) fail("too many tuple components");
      components.push_back(value(t.params()[components.size()], ",)", true));
    }
    return common::encode_components(components);
  }

  Bytes udt(const DataType& t) {
    expect('{');
    std::vector<std::optional<Bytes>> fields(t.params().size());
    for (bool first = true; !at_end_or_comma('}', first); first = false) {
      skip_ws();
      std::string name;
      if (peek() == '"') {
        ++pos_;
        while (pos_ < text_.size() &&
               !(text_[pos_] == '"' && (pos_ + 1 >= text_.size() || text_[pos_ + 1] != '"'))) {
          if (text_[pos_] == '"') ++pos_;
          name.push_back(text_[pos_++]);
        }
        expect('"');
      } else {
        while (pos_ < text_.size() &&
               (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
          name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(text_[pos_++]))));
        }
      }
      const auto& names = t.field_names();
      const auto it = std::find(names.begin(), names.end(), name);
      if (it == names.end()) fail("unknown field '" + name + "' of " + t.cql_name());
      expect(':');
      const auto index = static_cast<size_t>(it - names.begin());
      fields[index] = value(t.params()[index], ",}", true);
    }
    return common::encode_components(fields);
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

Bytes parse_field(const DataType& type, std::string_view text) {
  const TypeKind k = type.kind();
  if (k != TypeKind::kList && k != TypeKind::kSet && k != TypeKind::kMap && k != TypeKind::kTuple &&
      k != TypeKind::kUdt) {
    return convert_scalar(type, text);
  }
  LiteralParser p(text);
  Bytes out = *p.value(type, "", false);
  p.finish();
  return out;
}

}  // namespace krill::tools::shell
