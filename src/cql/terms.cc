#include <chrono>

#include "common/values.h"
#include "cql/execution.h"

namespace krill::cql {

using common::Bytes;
using common::BytesView;
using common::DataType;
using common::throw_invalid;
using common::TypeKind;

namespace {

bool is_string_type(TypeKind k) { return k == TypeKind::kText || k == TypeKind::kAscii; }

Bytes bound_value(const Term& t, const ExecContext& ctx, TermValue::Kind& kind) {
  const auto& values = ctx.options.values;
  size_t index = static_cast<size_t>(t.bind_index);
  if (!ctx.options.names.empty() && !t.bind_name.empty()) {
    // Named values: match by name (case-insensitive as identifiers are lower-cased).
    for (size_t i = 0; i < ctx.options.names.size(); ++i) {
      std::string n = ctx.options.names[i];
      for (char& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (n == t.bind_name || ctx.options.names[i] == t.bind_name) {
        index = i;
        break;
      }
    }
  }
  if (index >= values.size()) {
    throw_invalid("There were " + std::to_string(values.size()) + " markers(?) in CQL but " +
                  std::to_string(index + 1) + " or more values are needed");
  }
  const BoundValue& v = values[index];
  switch (v.kind) {
    case BoundValue::Kind::kNull:
      kind = TermValue::Kind::kNull;
      return {};
    case BoundValue::Kind::kUnset:
      kind = TermValue::Kind::kUnset;
      return {};
    case BoundValue::Kind::kSet:
      break;
  }
  kind = TermValue::Kind::kValue;
  return v.bytes;
}

Bytes literal_value(const Term& t, const DataType& type, const std::string& receiver) {
  TypeKind k = type.kind();
  auto mismatch = [&]() -> Bytes {
    throw_invalid("Invalid " + std::string(t.kind == Term::Kind::kString ? "STRING" : "constant") +
                  " constant (" + t.text + ") for \"" + receiver + "\" of type " + type.cql_name());
  };
  switch (t.kind) {
    case Term::Kind::kString:
      if (is_string_type(k)) {
        Bytes v(t.text);
        common::validate_value(type, v);
        return v;
      }
      if (k == TypeKind::kBlob || type.is_collection() || k == TypeKind::kBoolean) return mismatch();
      return common::from_string_literal(type, t.text);
    case Term::Kind::kInteger:
    case Term::Kind::kFloat:
      if (is_string_type(k) || k == TypeKind::kBlob || k == TypeKind::kBoolean || k == TypeKind::kUuid ||
          k == TypeKind::kTimeuuid || k == TypeKind::kInet || type.is_collection()) {
        return mismatch();
      }
      return common::from_number_literal(type, t.text);
    case Term::Kind::kBoolean:
      if (k != TypeKind::kBoolean) return mismatch();
      return common::encode_boolean(t.text == "true");
    case Term::Kind::kUuid:
      if (k != TypeKind::kUuid && k != TypeKind::kTimeuuid) return mismatch();
      return common::from_uuid_literal(type, t.text);
    case Term::Kind::kHex:
      if (k != TypeKind::kBlob && k != TypeKind::kCustom) return mismatch();
      return common::from_hex(t.text);
    case Term::Kind::kDuration:
      if (k != TypeKind::kDuration) return mismatch();
      return common::from_string_literal(type, t.text);
    default:
      return mismatch();
  }
}

TermValue call_function(const Term& t, const DataType& type, const std::string& receiver,
                        const ExecContext& ctx) {
  std::string name = t.name;
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (auto dot = name.rfind('.'); dot != std::string::npos) name = name.substr(dot + 1);
  auto want = [&](std::initializer_list<TypeKind> kinds, const char* returns) {
    for (TypeKind k : kinds) {
      if (type.kind() == k) return;
    }
    throw_invalid("Type error: " + name + "() returns " + returns + " which cannot be assigned to \"" +
                  receiver + "\" of type " + type.cql_name());
  };
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  TermValue out;
  out.kind = TermValue::Kind::kValue;
  if (!t.elements.empty() && name != "totimestamp" && name != "todate" && name != "tounixtimestamp") {
    throw_invalid("Invalid number of arguments in call to function " + name + ": 0 required but " +
                  std::to_string(t.elements.size()) + " provided");
  }
  if (name == "now" || name == "currenttimeuuid") {
    want({TypeKind::kTimeuuid, TypeKind::kUuid}, "timeuuid");
    out.bytes = ctx.svc.uuids.time_based().to_bytes();
  } else if (name == "uuid") {
    want({TypeKind::kUuid}, "uuid");
    out.bytes = ctx.svc.uuids.random().to_bytes();
  } else if (name == "currenttimestamp") {
    want({TypeKind::kTimestamp}, "timestamp");
    out.bytes = common::encode_bigint(millis);
  } else if (name == "currentdate") {
    want({TypeKind::kDate}, "date");
    int64_t days = millis >= 0 ? millis / 86400000 : -((-millis + 86399999) / 86400000);
    out.bytes = common::encode_int(static_cast<int32_t>(static_cast<uint32_t>(days + (int64_t{1} << 31))));
  } else if (name == "currenttime") {
    want({TypeKind::kTime}, "time");
    int64_t ns = (millis % 86400000) * 1000000;
    out.bytes = common::encode_bigint(ns);
  } else {
    throw_invalid("Unknown function '" + t.name + "'");
  }
  return out;
}

TermValue collection_literal(const Term& t, const DataType& type, const std::string& receiver,
                             const ExecContext& ctx) {
  TermValue out;
  out.kind = TermValue::Kind::kValue;
  TypeKind k = type.kind();
  auto element = [&](const TermPtr& e, const DataType& et) {
    TermValue v = evaluate_term(*e, et, receiver, ctx);
    if (!v.is_value()) throw_invalid("null is not supported inside collections");
    return v.bytes;
  };
  if (t.kind == Term::Kind::kList && (k == TypeKind::kList || k == TypeKind::kSet)) {
    std::vector<Bytes> items;
    for (const auto& e : t.elements) items.push_back(element(e, type.params()[0]));
    if (k == TypeKind::kSet) {
      const DataType& et = type.params()[0];
      std::sort(items.begin(), items.end(),
                [&](const Bytes& a, const Bytes& b) { return common::compare_values(et, a, b) < 0; });
      items.erase(
          std::unique(items.begin(), items.end(),
                      [&](const Bytes& a, const Bytes& b) { return common::compare_values(et, a, b) == 0; }),
          items.end());
    }
    if (k == TypeKind::kSet && t.kind == Term::Kind::kList) {
      throw_invalid("Invalid list literal for " + receiver + " of type " + type.cql_name());
    }
    out.bytes = common::encode_elements(items);
    return out;
  }
  if ((t.kind == Term::Kind::kSet || (t.kind == Term::Kind::kMap && t.elements.empty())) &&
      k == TypeKind::kSet) {
    std::vector<Bytes> items;
    for (const auto& e : t.elements) items.push_back(element(e, type.params()[0]));
    const DataType& et = type.params()[0];
    std::sort(items.begin(), items.end(),
              [&](const Bytes& a, const Bytes& b) { return common::compare_values(et, a, b) < 0; });
    items.erase(
        std::unique(items.begin(), items.end(),
                    [&](const Bytes& a, const Bytes& b) { return common::compare_values(et, a, b) == 0; }),
        items.end());
    out.bytes = common::encode_elements(items);
    return out;
  }
  if ((t.kind == Term::Kind::kMap || (t.kind == Term::Kind::kSet && t.elements.empty())) &&
      k == TypeKind::kMap) {
    std::vector<std::pair<Bytes, Bytes>> pairs;
    for (size_t i = 0; i + 1 < t.elements.size(); i += 2) {
      pairs.emplace_back(element(t.elements[i], type.params()[0]),
                         element(t.elements[i + 1], type.params()[1]));
    }
    const DataType& kt = type.params()[0];
    std::stable_sort(pairs.begin(), pairs.end(), [&](const auto& a, const auto& b) {
      return common::compare_values(kt, a.first, b.first) < 0;
    });
    // Later duplicates win, as in Cassandra.
    std::vector<std::pair<Bytes, Bytes>> unique;
    for (auto& p : pairs) {
      if (!unique.empty() && common::compare_values(kt, unique.back().first, p.first) == 0) {
        unique.back() = std::move(p);
      } else {
        unique.push_back(std::move(p));
      }
    }
    out.bytes = common::encode_pairs(unique);
    return out;
  }
  if (t.kind == Term::Kind::kTuple && k == TypeKind::kTuple) {
    if (t.elements.size() > type.params().size()) {
      throw_invalid("Invalid tuple literal for " + receiver + ": too many elements. Type " + type.cql_name() +
                    " expects " + std::to_string(type.params().size()) + " but got " +
                    std::to_string(t.elements.size()));
    }
    std::vector<std::optional<Bytes>> comps;
    for (size_t i = 0; i < t.elements.size(); ++i) {
      TermValue v = evaluate_term(*t.elements[i], type.params()[i], receiver, ctx);
      comps.push_back(v.is_value() ? std::optional<Bytes>(v.bytes) : std::nullopt);
    }
    out.bytes = common::encode_components(comps);
    return out;
  }
  if ((t.kind == Term::Kind::kUdt || (t.kind == Term::Kind::kMap && t.elements.empty())) &&
      k == TypeKind::kUdt) {
    std::vector<std::optional<Bytes>> comps(type.field_names().size());
    for (size_t i = 0; i < t.field_names.size(); ++i) {
      size_t f = 0;
      while (f < type.field_names().size() && type.field_names()[f] != t.field_names[i]) ++f;
      if (f == type.field_names().size()) {
        throw_invalid("Unknown field '" + t.field_names[i] + "' in value of user defined type " +
                      type.udt_name());
      }
      TermValue v = evaluate_term(*t.elements[i], type.params()[f], receiver, ctx);
      if (v.is_value()) comps[f] = v.bytes;
    }
    out.bytes = common::encode_components(comps);
    return out;
  }
  throw_invalid("Invalid collection literal for " + receiver + " of type " + type.cql_name());
}

}  // namespace

TermValue evaluate_term(const Term& t, const DataType& type, const std::string& receiver,
                        const ExecContext& ctx) {
  TermValue out;
  switch (t.kind) {
    case Term::Kind::kNull:
      out.kind = TermValue::Kind::kNull;
      return out;
    case Term::Kind::kBindMarker: {
      out.bytes = bound_value(t, ctx, out.kind);
      if (out.is_value()) {
        try {
          common::validate_value(type, out.bytes);
        } catch (const common::CqlError& e) {
          throw_invalid("Invalid value for " + receiver + " of type " + type.cql_name() + ": " + e.what());
        }
      }
      return out;
    }
    case Term::Kind::kList:
    case Term::Kind::kSet:
    case Term::Kind::kMap:
    case Term::Kind::kTuple:
    case Term::Kind::kUdt:
      return collection_literal(t, type, receiver, ctx);
    case Term::Kind::kFunctionCall:
      return call_function(t, type, receiver, ctx);
    case Term::Kind::kCast:
      throw_invalid("Type casts are not supported in this position");
    default:
      out.kind = TermValue::Kind::kValue;
      out.bytes = literal_value(t, type, receiver);
      return out;
  }
}

Bytes evaluate_required(const Term& t, const DataType& type, const std::string& receiver,
                        const ExecContext& ctx) {
  TermValue v = evaluate_term(t, type, receiver, ctx);
  if (v.kind == TermValue::Kind::kNull) throw_invalid("Invalid null value for " + receiver);
  if (v.kind == TermValue::Kind::kUnset) throw_invalid("Invalid unset value for " + receiver);
  return v.bytes;
}

std::optional<int64_t> evaluate_integer(const TermPtr& term, const DataType& type,
                                        const std::string& receiver, const ExecContext& ctx) {
  if (!term) return std::nullopt;
  TermValue v = evaluate_term(*term, type, receiver, ctx);
  if (v.kind == TermValue::Kind::kUnset) return std::nullopt;
  if (v.kind == TermValue::Kind::kNull) throw_invalid("Invalid null value of " + receiver);
  if (type.kind() == TypeKind::kBigint) return common::decode_bigint(v.bytes);
  return common::decode_int(v.bytes);
}

void collect_bind_specs(const Term& t, const ColumnSpec& receiver, std::vector<ColumnSpec>& specs) {
  if (t.kind == Term::Kind::kBindMarker) {
    if (specs.size() <= static_cast<size_t>(t.bind_index)) specs.resize(t.bind_index + 1);
    specs[t.bind_index] = receiver;
    if (!t.bind_name.empty()) specs[t.bind_index].name = t.bind_name;
    return;
  }
  const DataType& type = receiver.type;
  for (size_t i = 0; i < t.elements.size(); ++i) {
    ColumnSpec sub = receiver;
    if (!type.valid()) {
      collect_bind_specs(*t.elements[i], sub, specs);
      continue;
    }
    switch (type.kind()) {
      case TypeKind::kList:
      case TypeKind::kSet:
        sub.type = type.params()[0];
        break;
      case TypeKind::kMap:
        sub.type = type.params()[i % 2];
        break;
      case TypeKind::kTuple:
        if (i < type.params().size()) sub.type = type.params()[i];
        break;
      case TypeKind::kUdt:
        for (size_t f = 0; f < type.field_names().size() && i < t.field_names.size(); ++f) {
          if (type.field_names()[f] == t.field_names[i]) sub.type = type.params()[f];
        }
        break;
      default:
        break;
    }
    collect_bind_specs(*t.elements[i], sub, specs);
  }
}

}  // namespace krill::cql
