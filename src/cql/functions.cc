// Native scalar functions: the catalogue, overload resolution and evaluation.
// Casts are in casts.cc, aggregates in aggregates.cc, JSON in json.cc.
#include "cql/functions.h"

#include <chrono>

#include "common/bigint.h"
#include "common/datetime.h"
#include "common/error.h"
#include "common/values.h"
#include "cql/json.h"

namespace krill::cql {

using common::Bytes;
using common::BytesView;
using common::DataType;
using common::throw_invalid;
using common::TypeKind;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

DataType native(TypeKind k) { return DataType::native(k); }

NativeFunction fn(FunctionId id, std::string name, std::vector<DataType> args, DataType ret) {
  return NativeFunction{id, std::move(name), std::move(args), std::move(ret)};
}

// The native types of <type>AsBlob / blobAs<type>, keyed by the name in the function name.
std::optional<DataType> blob_conversion_type(const std::string& type_name) {
  auto kind = DataType::native_kind_from_name(type_name);
  if (!kind || *kind == TypeKind::kBlob || *kind == TypeKind::kCustom) return std::nullopt;
  return native(*kind);
}

const TypeKind kNumericKinds[] = {TypeKind::kTinyint, TypeKind::kSmallint, TypeKind::kInt,
                                  TypeKind::kBigint,  TypeKind::kFloat,    TypeKind::kDouble,
                                  TypeKind::kDecimal, TypeKind::kVarint,   TypeKind::kCounter};

// Every overload named `name` (lower case, unqualified). An invalid DataType in arg_types
// stands for "any type"; an invalid return type means "the type of argument 0" (or the
// receiver for fromjson).
std::vector<NativeFunction> candidates(const std::string& name) {
  using K = TypeKind;
  std::vector<NativeFunction> out;
  if (name == "now" || name == "currenttimeuuid") {
    out.push_back(fn(FunctionId::kNow, name, {}, native(K::kTimeuuid)));
  } else if (name == "currenttimestamp") {
    out.push_back(fn(FunctionId::kCurrentTimestamp, name, {}, native(K::kTimestamp)));
  } else if (name == "currentdate") {
    out.push_back(fn(FunctionId::kCurrentDate, name, {}, native(K::kDate)));
  } else if (name == "currenttime") {
    out.push_back(fn(FunctionId::kCurrentTime, name, {}, native(K::kTime)));
  } else if (name == "uuid") {
    out.push_back(fn(FunctionId::kUuid, name, {}, native(K::kUuid)));
  } else if (name == "mintimeuuid" || name == "maxtimeuuid") {
    out.push_back(fn(name == "mintimeuuid" ? FunctionId::kMinTimeuuid : FunctionId::kMaxTimeuuid, name,
                     {native(K::kTimestamp)}, native(K::kTimeuuid)));
  } else if (name == "dateof") {
    out.push_back(fn(FunctionId::kToTimestamp, name, {native(K::kTimeuuid)}, native(K::kTimestamp)));
  } else if (name == "unixtimestampof") {
    out.push_back(fn(FunctionId::kToUnixTimestamp, name, {native(K::kTimeuuid)}, native(K::kBigint)));
  } else if (name == "todate") {
    for (K k : {K::kTimeuuid, K::kTimestamp})
      out.push_back(fn(FunctionId::kToDate, name, {native(k)}, native(K::kDate)));
  } else if (name == "totimestamp") {
    for (K k : {K::kTimeuuid, K::kDate})
      out.push_back(fn(FunctionId::kToTimestamp, name, {native(k)}, native(K::kTimestamp)));
  } else if (name == "tounixtimestamp") {
    for (K k : {K::kTimeuuid, K::kTimestamp, K::kDate})
      out.push_back(fn(FunctionId::kToUnixTimestamp, name, {native(k)}, native(K::kBigint)));
  } else if (name == "tojson") {
    out.push_back(fn(FunctionId::kToJson, name, {DataType()}, native(K::kText)));
  } else if (name == "fromjson") {
    out.push_back(fn(FunctionId::kFromJson, name, {native(K::kText)}, DataType()));
  } else if (name == "count") {
    out.push_back(fn(FunctionId::kCount, name, {DataType()}, native(K::kBigint)));
  } else if (name == "min" || name == "max") {
    out.push_back(fn(name == "min" ? FunctionId::kMin : FunctionId::kMax, name, {DataType()}, DataType()));
  } else if (name == "sum" || name == "avg") {
    for (K k : kNumericKinds)
      out.push_back(fn(name == "sum" ? FunctionId::kSum : FunctionId::kAvg, name, {native(k)}, native(k)));
  } else if (name.size() > 6 && name.ends_with("asblob")) {
    if (auto t = blob_conversion_type(name.substr(0, name.size() - 6)))
      out.push_back(fn(FunctionId::kToBlob, name, {*t}, native(K::kBlob)));
  } else if (name.size() > 6 && name.starts_with("blobas")) {
    if (auto t = blob_conversion_type(name.substr(6)))
      out.push_back(fn(FunctionId::kFromBlob, name, {native(K::kBlob)}, *t));
  }
  return out;
}

enum class Match { kNone, kWeak, kExact };

Match match_arg(const ArgInfo& arg, const DataType& param) {
  if (!param.valid()) return Match::kExact;  // any type
  if (arg.type) {
    if (*arg.type == param) return Match::kExact;
    return value_compatible(param, *arg.type) ? Match::kWeak : Match::kNone;
  }
  if (arg.term == nullptr) return Match::kNone;
  if (term_exact(*arg.term, param)) return Match::kExact;
  return term_assignable(*arg.term, param) ? Match::kWeak : Match::kNone;
}

Match match(const NativeFunction& f, const std::vector<ArgInfo>& args) {
  if (f.arg_types.size() != args.size()) return Match::kNone;
  Match out = Match::kExact;
  for (size_t i = 0; i < args.size(); ++i) {
    Match m = match_arg(args[i], f.arg_types[i]);
    if (m == Match::kNone) return m;
    if (m == Match::kWeak) out = Match::kWeak;
  }
  return out;
}

// Fills in "any" argument types and the result type of a chosen overload.
NativeFunction instantiate(NativeFunction f, const std::vector<ArgInfo>& args, const DataType* receiver) {
  for (size_t i = 0; i < f.arg_types.size(); ++i) {
    if (f.arg_types[i].valid()) continue;
    std::optional<DataType> t = args[i].type;
    if (!t && args[i].term) t = literal_type(*args[i].term);
    if (!t) {
      throw_invalid("Cannot infer type of argument " + args[i].text + " in call to function " +
                    f.qualified_name() + ": use type casts to disambiguate");
    }
    f.arg_types[i] = *t;
  }
  if (!f.return_type.valid()) {
    if (f.id == FunctionId::kFromJson) {
      if (receiver == nullptr)
        throw_invalid("fromJson() cannot be used in the selection clause of a SELECT statement");
      f.return_type = *receiver;
    } else {
      f.return_type = f.arg_types[0];
    }
  }
  return f;
}

std::string signatures(const std::vector<NativeFunction>& fs) {
  std::string out;
  for (const auto& f : fs) out += (out.empty() ? "" : ", ") + f.signature();
  return out;
}

int64_t now_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

Bytes date_from_millis(int64_t millis) {
  int64_t days = floor_div(millis, common::kMillisPerDay);
  return common::encode_int(static_cast<int32_t>(static_cast<uint32_t>(days + common::kDateEpochDay)));
}

// Milliseconds since the epoch of a timeuuid, timestamp or date value.
int64_t millis_of(const DataType& t, BytesView v) {
  switch (t.kind()) {
    case TypeKind::kTimeuuid:
      return common::Uuid::from_bytes(v).unix_millis();
    case TypeKind::kDate:
      return (static_cast<int64_t>(static_cast<uint32_t>(common::decode_int(v))) - common::kDateEpochDay) *
             common::kMillisPerDay;
    default:
      return common::decode_bigint(v);
  }
}

}  // namespace

bool NativeFunction::is_aggregate() const {
  switch (id) {
    case FunctionId::kCountRows:
    case FunctionId::kCount:
    case FunctionId::kMin:
    case FunctionId::kMax:
    case FunctionId::kSum:
    case FunctionId::kAvg:
      return true;
    default:
      return false;
  }
}

std::string NativeFunction::column_name(const std::vector<std::string>& args) const {
  if (id == FunctionId::kCountRows) return "count";
  if (id == FunctionId::kCast)
    return "cast(" + (args.empty() ? "" : args[0]) + " as " + return_type.cql_name() + ")";
  std::string out = qualified_name() + "(";
  for (size_t i = 0; i < args.size(); ++i) out += (i ? ", " : "") + args[i];
  return out + ")";
}

std::string NativeFunction::signature() const {
  std::string out = qualified_name() + " : (";
  for (size_t i = 0; i < arg_types.size(); ++i)
    out += (i ? ", " : "") + (arg_types[i].valid() ? arg_types[i].cql_name() : std::string("any"));
  return out + ") -> " + (return_type.valid() ? return_type.cql_name() : std::string("any"));
}

NativeFunction resolve_function(std::string_view written, const std::vector<ArgInfo>& args,
                                const DataType* receiver) {
  std::string name = lower(written);
  if (name.starts_with("system.")) name = name.substr(7);
  std::vector<NativeFunction> cands =
      name.find('.') == std::string::npos ? candidates(name) : std::vector<NativeFunction>{};
  if (cands.empty()) throw_invalid("Unknown function '" + std::string(written) + "'");
  if (cands.size() == 1) {
    const NativeFunction& f = cands[0];
    if (f.arg_types.size() != args.size()) {
      throw_invalid("Invalid number of arguments in call to function " + f.qualified_name() + ": " +
                    std::to_string(f.arg_types.size()) + " required but " + std::to_string(args.size()) +
                    " provided");
    }
    for (size_t i = 0; i < args.size(); ++i) {
      if (match_arg(args[i], f.arg_types[i]) == Match::kNone) {
        throw_invalid("Type error: " + args[i].text + " cannot be passed as argument " + std::to_string(i) +
                      " of function " + f.qualified_name() + " of type " + f.arg_types[i].cql_name());
      }
    }
    return instantiate(f, args, receiver);
  }
  std::vector<NativeFunction> weak;
  for (const auto& f : cands) {
    Match m = match(f, args);
    if (m == Match::kExact) return instantiate(f, args, receiver);
    if (m == Match::kWeak) weak.push_back(f);
  }
  if (weak.empty()) {
    throw_invalid("Invalid call to function " + cands[0].qualified_name() +
                  ", none of its type signatures match (known type signatures: " + signatures(cands) + ")");
  }
  if (weak.size() > 1) {
    throw_invalid("Ambiguous call to function " + cands[0].qualified_name() +
                  " (can be matched by following signatures: " + signatures(weak) +
                  "): use type casts to disambiguate");
  }
  return instantiate(weak[0], args, receiver);
}

std::optional<Bytes> call_scalar(const NativeFunction& f, const std::vector<std::optional<Bytes>>& args,
                                 const FunctionContext& ctx) {
  switch (f.id) {
    case FunctionId::kNow:
      if (ctx.uuids == nullptr) throw_invalid("now() is not available here");
      return ctx.uuids->time_based().to_bytes();
    case FunctionId::kUuid:
      if (ctx.uuids == nullptr) throw_invalid("uuid() is not available here");
      return ctx.uuids->random().to_bytes();
    case FunctionId::kCurrentTimestamp:
      return common::encode_bigint(now_millis());
    case FunctionId::kCurrentDate:
      return date_from_millis(now_millis());
    case FunctionId::kCurrentTime: {
      auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
      return common::encode_bigint(ns % common::kNanosPerDay);
    }
    case FunctionId::kToJson:
      return Bytes(value_to_json(f.arg_types[0], args[0]));
    default:
      break;
  }
  if (args.empty() || !args[0]) return std::nullopt;
  const Bytes& v = *args[0];
  switch (f.id) {
    case FunctionId::kMinTimeuuid:
    case FunctionId::kMaxTimeuuid: {
      if (v.empty()) return std::nullopt;
      int64_t ms = common::decode_bigint(v);
      auto u = f.id == FunctionId::kMinTimeuuid ? common::UuidGenerator::min_time_uuid(ms)
                                                : common::UuidGenerator::max_time_uuid(ms);
      return u.to_bytes();
    }
    case FunctionId::kToDate:
      if (v.empty()) return std::nullopt;
      return date_from_millis(millis_of(f.arg_types[0], v));
    case FunctionId::kToTimestamp:
    case FunctionId::kToUnixTimestamp:
      if (v.empty()) return std::nullopt;
      return common::encode_bigint(millis_of(f.arg_types[0], v));
    case FunctionId::kToBlob:
      return v;
    case FunctionId::kFromBlob:
      try {
        common::validate_value(f.return_type, v);
      } catch (const common::CqlError&) {
        throw_invalid("In call to function " + f.qualified_name() + ", value 0x" + common::to_hex(v) +
                      " is not a valid binary representation for type " + f.return_type.cql_name());
      }
      return v;
    case FunctionId::kFromJson:
      return json_to_value(f.return_type, v);
    case FunctionId::kCast:
      return cast_value(f.arg_types[0], f.return_type, v);
    default:
      throw_invalid("Function " + f.qualified_name() + " cannot be called here");
  }
}

std::optional<DataType> literal_type(const Term& t) {
  switch (t.kind) {
    case Term::Kind::kString:
      return native(TypeKind::kText);
    case Term::Kind::kInteger: {
      auto v = common::BigInt::from_decimal(t.text);
      auto i = v ? v->to_int64() : std::nullopt;
      if (i && *i >= INT32_MIN && *i <= INT32_MAX) return native(TypeKind::kInt);
      if (i) return native(TypeKind::kBigint);
      return native(TypeKind::kVarint);
    }
    case Term::Kind::kFloat:
      return native(TypeKind::kDouble);
    case Term::Kind::kBoolean:
      return native(TypeKind::kBoolean);
    case Term::Kind::kUuid:
      return native(TypeKind::kUuid);
    case Term::Kind::kHex:
      return native(TypeKind::kBlob);
    case Term::Kind::kDuration:
      return native(TypeKind::kDuration);
    case Term::Kind::kCast:
      return DataType::parse(t.name);
    default:
      return std::nullopt;
  }
}

bool term_exact(const Term& t, const DataType& type) {
  auto lt = literal_type(t);
  return lt && *lt == type;
}

bool term_assignable(const Term& t, const DataType& type) {
  using K = TypeKind;
  K k = type.kind();
  auto any_of = [k](std::initializer_list<K> ks) {
    for (K x : ks) {
      if (x == k) return true;
    }
    return false;
  };
  switch (t.kind) {
    case Term::Kind::kNull:
    case Term::Kind::kBindMarker:
    case Term::Kind::kFunctionCall:
      return true;
    case Term::Kind::kCast:
      return value_compatible(type, DataType::parse(t.name));
    default:
      break;
  }
  if (k == K::kCustom) return true;
  switch (t.kind) {
    case Term::Kind::kString:
      return any_of({K::kAscii, K::kText, K::kInet, K::kDate, K::kTime, K::kTimestamp, K::kDuration});
    case Term::Kind::kInteger:
      return any_of({K::kBigint, K::kCounter, K::kDate, K::kDecimal, K::kDouble, K::kDuration, K::kFloat,
                     K::kInt, K::kSmallint, K::kTime, K::kTimestamp, K::kTinyint, K::kVarint});
    case Term::Kind::kFloat:
      return any_of({K::kDecimal, K::kDouble, K::kFloat});
    case Term::Kind::kBoolean:
      return k == K::kBoolean;
    case Term::Kind::kUuid:
      return any_of({K::kUuid, K::kTimeuuid});
    case Term::Kind::kHex:
      return k == K::kBlob;
    case Term::Kind::kDuration:
      return k == K::kDuration;
    case Term::Kind::kList:
      return k == K::kList;
    case Term::Kind::kSet:
      return k == K::kSet || (t.elements.empty() && k == K::kMap);
    case Term::Kind::kMap:
      return k == K::kMap || (t.elements.empty() && (k == K::kSet || k == K::kUdt));
    case Term::Kind::kTuple:
      return k == K::kTuple;
    case Term::Kind::kUdt:
      return k == K::kUdt;
    default:
      return false;
  }
}

bool value_compatible(const DataType& to, const DataType& from) {
  using K = TypeKind;
  if (to == from) return true;
  if (!to.valid() || !from.valid()) return false;
  K t = to.kind(), f = from.kind();
  if (t == K::kBlob) return true;
  if (t == K::kText && f == K::kAscii) return true;
  if (t == K::kUuid && f == K::kTimeuuid) return true;
  if (t == K::kVarint && (f == K::kTinyint || f == K::kSmallint || f == K::kInt || f == K::kBigint))
    return true;
  if ((t == K::kBigint && f == K::kTimestamp) || (t == K::kTimestamp && f == K::kBigint)) return true;
  return false;
}

}  // namespace krill::cql
