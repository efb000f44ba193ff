#include <algorithm>

#include "common/values.h"
#include "cql/execution.h"
#include "cql/functions.h"

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

}  // namespace

std::string term_text(const Term& t) {
  switch (t.kind) {
    case Term::Kind::kNull:
      return "null";
    case Term::Kind::kString: {
      std::string out = "'";
      for (char c : t.text) out += c == '\'' ? std::string("''") : std::string(1, c);
      return out + "'";
    }
    case Term::Kind::kHex:
      return "0x" + t.text;
    case Term::Kind::kBindMarker:
      return t.bind_name.empty() ? "?" : ":" + t.bind_name;
    case Term::Kind::kFunctionCall:
    case Term::Kind::kList:
    case Term::Kind::kSet:
    case Term::Kind::kTuple: {
      std::string out = t.kind == Term::Kind::kFunctionCall ? t.name + "("
                        : t.kind == Term::Kind::kList       ? "["
                        : t.kind == Term::Kind::kSet        ? "{"
                                                            : "(";
      for (size_t i = 0; i < t.elements.size(); ++i) out += (i ? ", " : "") + term_text(*t.elements[i]);
      return out + (t.kind == Term::Kind::kList ? "]" : t.kind == Term::Kind::kSet ? "}" : ")");
    }
    case Term::Kind::kMap:
    case Term::Kind::kUdt: {
      std::string out = "{";
      for (size_t i = 0; i < t.elements.size(); ++i) {
        if (t.kind == Term::Kind::kUdt) {
          out += (i ? ", " : "") + t.field_names[i] + ": " + term_text(*t.elements[i]);
        } else {
          out += (i == 0 ? "" : i % 2 ? ": " : ", ") + term_text(*t.elements[i]);
        }
      }
      return out + "}";
    }
    case Term::Kind::kCast:
      return "(" + t.name + ")" + (t.elements.empty() ? "" : term_text(*t.elements[0]));
    default:
      return t.text;
  }
}

namespace {

// What resolution knows of the arguments of a function call term: nested calls and casts
// have exact types, literals and markers are matched by assignability.
std::vector<ArgInfo> argument_infos(const Term& call) {
  std::vector<ArgInfo> out;
  for (const auto& e : call.elements) {
    ArgInfo a;
    a.text = term_text(*e);
    if (e->kind == Term::Kind::kFunctionCall) {
      a.type = resolve_function(e->name, argument_infos(*e), nullptr).return_type;
    } else if (e->kind == Term::Kind::kCast) {
      a.type = DataType::parse(e->name);
    } else {
      a.term = e.get();
    }
    out.push_back(std::move(a));
  }
  return out;
}

std::string argument_receiver(const NativeFunction& f, size_t i) {
  return "arg" + std::to_string(i) + "(" + f.qualified_name() + ")";
}

TermValue call_function(const Term& t, const DataType& type, const std::string& receiver,
                        const ExecContext& ctx) {
  NativeFunction f = resolve_function(t.name, argument_infos(t), &type);
  if (f.is_aggregate())
    throw_invalid("Aggregation functions are not supported in this context: " + term_text(t));
  if (!value_compatible(type, f.return_type)) {
    throw_invalid("Type error: cannot assign result of function " + f.qualified_name() + " (type " +
                  f.return_type.cql_name() + ") to " + receiver + " (type " + type.cql_name() + ")");
  }
  std::vector<std::optional<Bytes>> args;
  for (size_t i = 0; i < t.elements.size(); ++i) {
    TermValue v = evaluate_term(*t.elements[i], f.arg_types[i], argument_receiver(f, i), ctx);
    if (v.kind == TermValue::Kind::kUnset)
      throw_invalid("Invalid unset value for argument in call to function " + f.qualified_name());
    args.push_back(v.is_value() ? std::optional<Bytes>(std::move(v.bytes)) : std::nullopt);
  }
  FunctionContext fctx{&ctx.svc.uuids};
  std::optional<Bytes> result = call_scalar(f, args, fctx);
  TermValue out;
  if (result) {
    out.kind = TermValue::Kind::kValue;
    out.bytes = std::move(*result);
  }
  return out;
}

// (type) term: the term read as `type`, which must suit the receiver.
TermValue cast_term(const Term& t, const DataType& type, const std::string& receiver,
                    const ExecContext& ctx) {
  DataType cast = DataType::parse(t.name);
  const Term& inner = *t.elements[0];
  if (!term_assignable(inner, cast))
    throw_invalid("Cannot cast value " + term_text(inner) + " to type " + cast.cql_name());
  if (!value_compatible(type, cast)) {
    throw_invalid("Cannot assign value " + term_text(t) + " to " + receiver + " of type " + type.cql_name());
  }
  return evaluate_term(inner, cast, receiver, ctx);
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
      return cast_term(t, type, receiver, ctx);
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
  if (t.kind == Term::Kind::kFunctionCall) {
    NativeFunction f =
        resolve_function(t.name, argument_infos(t), receiver.type.valid() ? &receiver.type : nullptr);
    for (size_t i = 0; i < t.elements.size(); ++i) {
      ColumnSpec arg{receiver.keyspace, receiver.table, argument_receiver(f, i), f.arg_types[i]};
      collect_bind_specs(*t.elements[i], arg, specs);
    }
    return;
  }
  if (t.kind == Term::Kind::kCast) {
    ColumnSpec inner{receiver.keyspace, receiver.table, term_text(t), DataType::parse(t.name)};
    collect_bind_specs(*t.elements[0], inner, specs);
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
