#include "cql/json.h"

#include <algorithm>
#include <boost/json/basic_parser_impl.hpp>
#include <cmath>

#include "common/datetime.h"
#include "common/error.h"
#include "common/values.h"
#include "cql/numeric.h"

namespace krill::cql {

using common::Bytes;
using common::BytesView;
using common::DataType;
using common::throw_invalid;
using common::TypeKind;

namespace {

// ---- writing

std::string quote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
  return out;
}

// A column or field name as a JSON key: quoted CQL identifier when not all lower case.
std::string json_key(const std::string& name) {
  std::string lower = name;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return quote(lower == name ? name : "\"" + name + "\"");
}

std::string unquoted_literal(const DataType& t, BytesView v) {
  std::string s = common::to_cql_literal(t, v);
  if (s.size() >= 2 && s.front() == '\'' && s.back() == '\'') s = s.substr(1, s.size() - 2);
  return s;
}

void write(const DataType& t, BytesView v, std::string& out);

void write_sequence(const DataType& element, BytesView v, std::string& out) {
  out.push_back('[');
  bool first = true;
  for (const auto& e : common::decode_elements(v)) {
    if (!first) out += ", ";
    first = false;
    write(element, e, out);
  }
  out.push_back(']');
}

void write(const DataType& t, BytesView v, std::string& out) {
  TypeKind k = t.kind();
  if (v.empty() && k != TypeKind::kText && k != TypeKind::kAscii && k != TypeKind::kBlob &&
      !t.is_collection()) {
    out += "\"\"";
    return;
  }
  switch (k) {
    case TypeKind::kAscii:
    case TypeKind::kText:
      out += quote(v);
      return;
    case TypeKind::kBlob:
    case TypeKind::kCustom:
      out += "\"0x" + common::to_hex(v) + "\"";
      return;
    case TypeKind::kBoolean:
      out += common::decode_boolean(v) ? "true" : "false";
      return;
    case TypeKind::kTinyint:
    case TypeKind::kSmallint:
    case TypeKind::kInt:
    case TypeKind::kBigint:
    case TypeKind::kCounter:
    case TypeKind::kVarint:
      out += common::to_cql_literal(t, v);
      return;
    case TypeKind::kDecimal:
      out += numeric::decimal_string(v);
      return;
    case TypeKind::kFloat: {
      float f = common::decode_float(v);
      out += std::isfinite(f) ? numeric::java_float_string(f) : "null";
      return;
    }
    case TypeKind::kDouble: {
      double d = common::decode_double(v);
      out += std::isfinite(d) ? numeric::java_double_string(d) : "null";
      return;
    }
    case TypeKind::kTimestamp:
      out += quote(common::format_timestamp(common::decode_bigint(v)));
      return;
    case TypeKind::kDate:
      out += quote(common::format_date(common::get_be32(v.data())));
      return;
    case TypeKind::kTime:
      out += quote(common::format_time(common::decode_bigint(v)));
      return;
    case TypeKind::kDuration:
      out += quote(common::format_duration(common::decode_duration(v)));
      return;
    case TypeKind::kUuid:
    case TypeKind::kTimeuuid:
    case TypeKind::kInet:
      out += quote(unquoted_literal(t, v));
      return;
    case TypeKind::kList:
    case TypeKind::kSet:
      write_sequence(t.params()[0], v, out);
      return;
    case TypeKind::kMap: {
      out.push_back('{');
      bool first = true;
      for (const auto& [key, value] : common::decode_pairs(v)) {
        if (!first) out += ", ";
        first = false;
        std::string k_json;
        write(t.params()[0], key, k_json);
        out += k_json.starts_with('"') ? k_json : quote(k_json);
        out += ": ";
        write(t.params()[1], value, out);
      }
      out.push_back('}');
      return;
    }
    case TypeKind::kTuple: {
      out.push_back('[');
      auto comps = common::decode_components(v);
      for (size_t i = 0; i < comps.size() && i < t.params().size(); ++i) {
        if (i) out += ", ";
        if (comps[i])
          write(t.params()[i], *comps[i], out);
        else
          out += "null";
      }
      out.push_back(']');
      return;
    }
    case TypeKind::kUdt: {
      out.push_back('{');
      auto comps = common::decode_components(v);
      for (size_t i = 0; i < t.field_names().size(); ++i) {
        if (i) out += ", ";
        out += json_key(t.field_names()[i]) + ": ";
        if (i < comps.size() && comps[i])
          write(t.params()[i], *comps[i], out);
        else
          out += "null";
      }
      out.push_back('}');
      return;
    }
  }
  out += quote(common::to_cql_literal(t, v));
}

// ---- parsing: Boost.JSON's SAX parser building a tree that keeps number text.

struct JsonNode {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  std::string text;               // number text or string value
  std::vector<JsonNode> items;    // array items / object member values
  std::vector<std::string> keys;  // object member keys, parallel to items
};

const char* kind_name(JsonNode::Kind k) {
  switch (k) {
    case JsonNode::Kind::kNull:
      return "null";
    case JsonNode::Kind::kBool:
      return "Boolean";
    case JsonNode::Kind::kNumber:
      return "Number";
    case JsonNode::Kind::kString:
      return "String";
    case JsonNode::Kind::kArray:
      return "ArrayList";
    case JsonNode::Kind::kObject:
      return "LinkedHashMap";
  }
  return "?";
}

class TreeHandler {
 public:
  using error_code = boost::json::error_code;
  using string_view = boost::json::string_view;
  constexpr static std::size_t max_object_size = std::size_t(-1);
  constexpr static std::size_t max_array_size = std::size_t(-1);
  constexpr static std::size_t max_key_size = std::size_t(-1);
  constexpr static std::size_t max_string_size = std::size_t(-1);

  JsonNode root;

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_array_begin(error_code&) { return open(JsonNode::Kind::kArray); }
  bool on_array_end(std::size_t, error_code&) { return close(); }
  bool on_object_begin(error_code&) { return open(JsonNode::Kind::kObject); }
  bool on_object_end(std::size_t, error_code&) { return close(); }
  bool on_string_part(string_view s, std::size_t, error_code&) {
    buf_.append(s.data(), s.size());
    return true;
  }
  bool on_string(string_view s, std::size_t, error_code&) {
    buf_.append(s.data(), s.size());
    return scalar(JsonNode::Kind::kString);
  }
  bool on_key_part(string_view s, std::size_t, error_code&) {
    buf_.append(s.data(), s.size());
    return true;
  }
  bool on_key(string_view s, std::size_t, error_code&) {
    buf_.append(s.data(), s.size());
    stack_.back().keys.push_back(std::move(buf_));
    buf_.clear();
    return true;
  }
  bool on_number_part(string_view s, error_code&) {
    buf_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(int64_t, string_view s, error_code&) { return number(s); }
  bool on_uint64(uint64_t, string_view s, error_code&) { return number(s); }
  bool on_double(double, string_view s, error_code&) { return number(s); }
  bool on_bool(bool b, error_code&) {
    JsonNode n;
    n.kind = JsonNode::Kind::kBool;
    n.boolean = b;
    return add(std::move(n));
  }
  bool on_null(error_code&) { return add(JsonNode{}); }
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }

 private:
  bool open(JsonNode::Kind k) {
    JsonNode n;
    n.kind = k;
    stack_.push_back(std::move(n));
    return true;
  }
  bool close() {
    JsonNode n = std::move(stack_.back());
    stack_.pop_back();
    return add(std::move(n));
  }
  bool number(string_view s) {
    buf_.append(s.data(), s.size());
    return scalar(JsonNode::Kind::kNumber);
  }
  bool scalar(JsonNode::Kind k) {
    JsonNode n;
    n.kind = k;
    n.text = std::move(buf_);
    buf_.clear();
    return add(std::move(n));
  }
  bool add(JsonNode n) {
    if (stack_.empty()) {
      root = std::move(n);
    } else {
      stack_.back().items.push_back(std::move(n));
    }
    return true;
  }

  std::vector<JsonNode> stack_;
  std::string buf_;
};

// Throws a message without the parser's details when `json` is not one JSON value.
JsonNode parse(std::string_view json, const std::string& what) {
  boost::json::parse_options options;
  options.max_depth = 64;
  boost::json::basic_parser<TreeHandler> p(options);
  boost::json::error_code ec;
  size_t n = p.write_some(false, json.data(), json.size(), ec);
  if (ec || n != json.size() || !p.done()) {
    throw_invalid(what + ": " + (ec ? ec.message() : std::string("trailing characters")));
  }
  return std::move(p.handler().root);
}

std::string serialize(const JsonNode& n) {
  switch (n.kind) {
    case JsonNode::Kind::kNull:
      return "null";
    case JsonNode::Kind::kBool:
      return n.boolean ? "true" : "false";
    case JsonNode::Kind::kNumber:
      return n.text;
    case JsonNode::Kind::kString:
      return quote(n.text);
    case JsonNode::Kind::kArray: {
      std::string out = "[";
      for (size_t i = 0; i < n.items.size(); ++i) out += (i ? ", " : "") + serialize(n.items[i]);
      return out + "]";
    }
    case JsonNode::Kind::kObject: {
      std::string out = "{";
      for (size_t i = 0; i < n.items.size(); ++i)
        out += (i ? ", " : "") + quote(n.keys[i]) + ": " + serialize(n.items[i]);
      return out + "}";
    }
  }
  return "null";
}

[[noreturn]] void expected(const char* what, const JsonNode& n) {
  throw_invalid(std::string("Expected ") + what + ", but got a " + kind_name(n.kind) + ": " + serialize(n));
}

bool is_integral_text(const std::string& s) { return s.find_first_of(".eE") == std::string::npos; }

std::optional<Bytes> convert(const DataType& t, const JsonNode& n);

Bytes convert_required(const DataType& t, const JsonNode& n) {
  auto v = convert(t, n);
  if (!v) throw_invalid("Invalid null value in collection or tuple of type " + t.cql_name());
  return *v;
}

std::vector<Bytes> sorted_unique(const DataType& et, std::vector<Bytes> items) {
  std::sort(items.begin(), items.end(),
            [&](const Bytes& a, const Bytes& b) { return common::compare_values(et, a, b) < 0; });
  items.erase(
      std::unique(items.begin(), items.end(),
                  [&](const Bytes& a, const Bytes& b) { return common::compare_values(et, a, b) == 0; }),
      items.end());
  return items;
}

Bytes convert_map(const DataType& t, const JsonNode& n) {
  if (n.kind != JsonNode::Kind::kObject) expected("a map", n);
  const DataType& kt = t.params()[0];
  bool string_keys = kt.kind() == TypeKind::kText || kt.kind() == TypeKind::kAscii;
  std::vector<std::pair<Bytes, Bytes>> pairs;
  for (size_t i = 0; i < n.items.size(); ++i) {
    JsonNode key;
    key.kind = JsonNode::Kind::kString;
    key.text = n.keys[i];
    if (!string_keys) {
      // Non-string keys are written as their JSON text inside the key string.
      try {
        key = parse(n.keys[i], "bad key");
      } catch (const common::CqlError&) {
      }
    }
    pairs.emplace_back(convert_required(kt, key), convert_required(t.params()[1], n.items[i]));
  }
  std::stable_sort(pairs.begin(), pairs.end(), [&](const auto& a, const auto& b) {
    return common::compare_values(kt, a.first, b.first) < 0;
  });
  std::vector<std::pair<Bytes, Bytes>> unique;
  for (auto& p : pairs) {
    if (!unique.empty() && common::compare_values(kt, unique.back().first, p.first) == 0)
      unique.back() = std::move(p);
    else
      unique.push_back(std::move(p));
  }
  return common::encode_pairs(unique);
}

std::optional<Bytes> convert(const DataType& t, const JsonNode& n) {
  if (n.kind == JsonNode::Kind::kNull) return std::nullopt;
  TypeKind k = t.kind();
  switch (k) {
    case TypeKind::kAscii:
    case TypeKind::kText: {
      if (n.kind != JsonNode::Kind::kString)
        expected(k == TypeKind::kAscii ? "an ascii string" : "a UTF-8 string", n);
      Bytes v(n.text);
      common::validate_value(t, v);
      return v;
    }
    case TypeKind::kTinyint:
    case TypeKind::kSmallint:
    case TypeKind::kInt:
    case TypeKind::kBigint:
    case TypeKind::kCounter:
    case TypeKind::kVarint:
      if (n.kind == JsonNode::Kind::kString) return common::from_number_literal(t, n.text);
      if (n.kind != JsonNode::Kind::kNumber || !is_integral_text(n.text))
        expected(k == TypeKind::kInt ? "an int value" : ("a " + t.cql_name() + " value").c_str(), n);
      return common::from_number_literal(t, n.text);
    case TypeKind::kFloat:
    case TypeKind::kDouble:
    case TypeKind::kDecimal:
      if (n.kind != JsonNode::Kind::kNumber && n.kind != JsonNode::Kind::kString)
        expected(("a " + t.cql_name() + " value").c_str(), n);
      return common::from_number_literal(t, n.text);
    case TypeKind::kBoolean:
      if (n.kind == JsonNode::Kind::kBool) return common::encode_boolean(n.boolean);
      if (n.kind == JsonNode::Kind::kString && (n.text == "true" || n.text == "false"))
        return common::encode_boolean(n.text == "true");
      expected("a boolean value", n);
    case TypeKind::kBlob:
    case TypeKind::kCustom:
      if (n.kind != JsonNode::Kind::kString) expected("a hex string representing a blob", n);
      if (!n.text.starts_with("0x"))
        throw_invalid("String representation of blob is missing 0x prefix: " + n.text);
      return common::from_hex(n.text.substr(2));
    case TypeKind::kUuid:
    case TypeKind::kTimeuuid:
      if (n.kind != JsonNode::Kind::kString) expected("a string representation of a uuid", n);
      return common::from_uuid_literal(t, n.text);
    case TypeKind::kTimestamp:
      if (n.kind == JsonNode::Kind::kNumber && is_integral_text(n.text))
        return common::from_number_literal(t, n.text);
      if (n.kind != JsonNode::Kind::kString)
        expected("a long or a datestring representation of a timestamp value", n);
      return common::from_string_literal(t, n.text);
    case TypeKind::kDate:
    case TypeKind::kTime:
      if (n.kind == JsonNode::Kind::kNumber && is_integral_text(n.text))
        return common::from_string_literal(t, n.text);
      if (n.kind != JsonNode::Kind::kString)
        expected(k == TypeKind::kDate ? "a date string" : "a time string", n);
      return common::from_string_literal(t, n.text);
    case TypeKind::kInet:
    case TypeKind::kDuration:
      if (n.kind != JsonNode::Kind::kString)
        expected(("a string representation of a " + t.cql_name()).c_str(), n);
      return common::from_string_literal(t, n.text);
    case TypeKind::kList:
    case TypeKind::kSet: {
      if (n.kind != JsonNode::Kind::kArray) expected(k == TypeKind::kList ? "a list" : "a set", n);
      std::vector<Bytes> items;
      for (const auto& item : n.items) items.push_back(convert_required(t.params()[0], item));
      if (k == TypeKind::kSet) items = sorted_unique(t.params()[0], std::move(items));
      return common::encode_elements(items);
    }
    case TypeKind::kMap:
      return convert_map(t, n);
    case TypeKind::kTuple: {
      if (n.kind != JsonNode::Kind::kArray) expected("a list representation of a tuple", n);
      if (n.items.size() > t.params().size()) {
        throw_invalid("Tuple contains extra items (expected " + std::to_string(t.params().size()) +
                      "): " + serialize(n));
      }
      std::vector<std::optional<Bytes>> comps;
      for (size_t i = 0; i < n.items.size(); ++i) comps.push_back(convert(t.params()[i], n.items[i]));
      return common::encode_components(comps);
    }
    case TypeKind::kUdt: {
      if (n.kind != JsonNode::Kind::kObject) expected("a map", n);
      std::vector<std::optional<Bytes>> comps(t.field_names().size());
      for (size_t i = 0; i < n.keys.size(); ++i) {
        std::string name = n.keys[i];
        if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
          name = name.substr(1, name.size() - 2);
        } else {
          for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        auto it = std::find(t.field_names().begin(), t.field_names().end(), name);
        if (it == t.field_names().end())
          throw_invalid("Unknown field '" + name + "' in value of user defined type " + t.udt_name());
        size_t f = static_cast<size_t>(it - t.field_names().begin());
        comps[f] = convert(t.params()[f], n.items[i]);
      }
      return common::encode_components(comps);
    }
  }
  throw_invalid("JSON is not supported for type " + t.cql_name());
}

}  // namespace

std::string value_to_json(const DataType& type, const std::optional<Bytes>& value) {
  if (!value) return "null";
  std::string out;
  write(type, *value, out);
  return out;
}

std::optional<Bytes> json_to_value(const DataType& type, std::string_view json) {
  JsonNode n = parse(json, "Could not decode JSON string '" + std::string(json) + "'");
  return convert(type, n);
}

std::string json_row(const std::vector<ColumnSpec>& columns, const Row& values) {
  std::string out = "{";
  for (size_t i = 0; i < columns.size() && i < values.size(); ++i) {
    if (i) out += ", ";
    out += json_key(columns[i].name) + ": " + value_to_json(columns[i].type, values[i]);
  }
  return out + "}";
}

InsertStatement expand_insert_json(const InsertStatement& s, const schema::TableDef& table,
                                   const ExecContext& ctx) {
  TermValue doc = evaluate_term(*s.json, DataType::native(TypeKind::kText), "[json]", ctx);
  if (!doc.is_value()) throw_invalid("Got null for INSERT JSON values");
  JsonNode n = parse(doc.bytes, "Could not decode JSON string as a map");
  if (n.kind != JsonNode::Kind::kObject) throw_invalid("Could not decode JSON string as a map: " + doc.bytes);
  InsertStatement out = s;
  out.json.reset();
  out.columns.clear();
  out.values.clear();
  std::vector<const schema::ColumnDef*> set;
  for (size_t i = 0; i < n.keys.size(); ++i) {
    std::string name = n.keys[i];
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
      name = name.substr(1, name.size() - 2);
    } else {
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    const schema::ColumnDef* c = table.find_column(name);
    if (c == nullptr) throw_invalid("JSON values map contains unrecognized column: " + name);
    try {
      convert(c->type, n.items[i]);  // reports a bad value with its column, as Cassandra
    } catch (const common::CqlError& e) {
      throw_invalid("Error decoding JSON value for " + c->name + ": " + e.what());
    }
    auto value = std::make_shared<Term>();
    value->kind = Term::Kind::kFunctionCall;
    value->name = "fromjson";
    auto arg = std::make_shared<Term>();
    arg->kind = Term::Kind::kString;
    arg->text = serialize(n.items[i]);
    value->elements.push_back(std::move(arg));
    auto at = std::find(set.begin(), set.end(), c);
    if (at != set.end()) {  // a repeated key: the last one wins
      out.values[static_cast<size_t>(at - set.begin())] = std::move(value);
      continue;
    }
    set.push_back(c);
    out.columns.push_back(c->name);
    out.values.push_back(std::move(value));
  }
  if (!s.json_default_unset) {
    for (const auto& c : table.columns) {
      if (c.kind == schema::ColumnKind::kPartitionKey || c.kind == schema::ColumnKind::kClustering) continue;
      if (std::find(set.begin(), set.end(), &c) != set.end()) continue;
      auto null = std::make_shared<Term>();
      null->kind = Term::Kind::kNull;
      out.columns.push_back(c.name);
      out.values.push_back(std::move(null));
    }
  }
  return out;
}

}  // namespace krill::cql
