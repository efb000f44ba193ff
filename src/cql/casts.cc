// CAST(x AS type): Cassandra 4.0's conversion table (CastFcts) and the text forms of values.
#include "common/datetime.h"
#include "common/error.h"
#include "common/values.h"
#include "cql/functions.h"
#include "cql/numeric.h"

namespace krill::cql {

using common::Bytes;
using common::BytesView;
using common::DataType;
using common::throw_invalid;
using common::TypeKind;

namespace {

bool is_text(TypeKind k) { return k == TypeKind::kText || k == TypeKind::kAscii; }

// Numeric types a cast may produce (counter is only a source).
bool is_numeric_target(TypeKind k) { return k != TypeKind::kCounter && numeric::is_numeric(k); }

bool castable(const DataType& from, const DataType& to) {
  using K = TypeKind;
  K f = from.kind(), t = to.kind();
  if (numeric::is_numeric(f)) return is_numeric_target(t) || is_text(t);
  if (is_text(t)) {
    switch (f) {
      case K::kAscii:
        return t == K::kText;
      case K::kInet:
      case K::kBoolean:
      case K::kTimeuuid:
      case K::kTimestamp:
      case K::kDate:
      case K::kTime:
      case K::kUuid:
        return true;
      default:
        return false;
    }
  }
  if (f == K::kTimeuuid) return t == K::kDate || t == K::kTimestamp;
  if (f == K::kTimestamp) return t == K::kDate;
  if (f == K::kDate) return t == K::kTimestamp;
  return false;
}

// What to_cql_literal prints, without its quotes.
std::string unquoted_literal(const DataType& t, BytesView v) {
  std::string s = common::to_cql_literal(t, v);
  if (s.size() >= 2 && s.front() == '\'' && s.back() == '\'') s = s.substr(1, s.size() - 2);
  return s;
}

int64_t temporal_millis(const DataType& t, BytesView v) {
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

NativeFunction resolve_cast(const DataType& from, const DataType& to, const std::string& arg_text) {
  if (!from.valid() || !to.valid() || !castable(from, to)) {
    throw_invalid(arg_text + " cannot be cast to " + (to.valid() ? to.cql_name() : std::string("?")));
  }
  std::string target = to.cql_name();
  NativeFunction f;
  f.id = FunctionId::kCast;
  f.name = "castas" + target;
  f.arg_types = {from};
  f.return_type = to;
  return f;
}

std::string value_as_text(const DataType& t, BytesView v) {
  switch (t.kind()) {
    case TypeKind::kAscii:
    case TypeKind::kText:
      return std::string(v);
    case TypeKind::kFloat:
      return numeric::java_float_string(common::decode_float(v));
    case TypeKind::kDouble:
      return numeric::java_double_string(common::decode_double(v));
    case TypeKind::kDecimal:
      return numeric::decimal_string(v);
    case TypeKind::kTimestamp: {
      std::string s = unquoted_literal(t, v);
      if (s.size() > 10 && s[10] == ' ') s[10] = 'T';
      return s;
    }
    case TypeKind::kTinyint:
    case TypeKind::kSmallint:
    case TypeKind::kInt:
    case TypeKind::kBigint:
    case TypeKind::kCounter:
    case TypeKind::kVarint:
    case TypeKind::kBoolean:
    case TypeKind::kUuid:
    case TypeKind::kTimeuuid:
    case TypeKind::kInet:
    case TypeKind::kDate:
    case TypeKind::kTime:
      return unquoted_literal(t, v);
    default:
      throw_invalid("Values of type " + t.cql_name() + " have no text form");
  }
}

std::optional<Bytes> cast_value(const DataType& from, const DataType& to, BytesView v) {
  if (v.empty()) return std::nullopt;
  switch (to.kind()) {
    case TypeKind::kAscii:
    case TypeKind::kText:
      return Bytes(value_as_text(from, v));
    case TypeKind::kDate: {
      int64_t ms = temporal_millis(from, v);
      int64_t days =
          ms >= 0 ? ms / common::kMillisPerDay : -((-ms + common::kMillisPerDay - 1) / common::kMillisPerDay);
      return common::encode_int(static_cast<int32_t>(static_cast<uint32_t>(days + common::kDateEpochDay)));
    }
    case TypeKind::kTimestamp:
      return common::encode_bigint(temporal_millis(from, v));
    case TypeKind::kTinyint:
      return common::encode_tinyint(static_cast<int8_t>(numeric::to_int(from, v)));
    case TypeKind::kSmallint:
      return common::encode_smallint(static_cast<int16_t>(numeric::to_int(from, v)));
    case TypeKind::kInt:
      return common::encode_int(numeric::to_int(from, v));
    case TypeKind::kBigint:
      return common::encode_bigint(numeric::to_long(from, v));
    case TypeKind::kFloat:
      return common::encode_float(numeric::to_float(from, v));
    case TypeKind::kDouble:
      return common::encode_double(numeric::to_double(from, v));
    case TypeKind::kDecimal:
      return numeric::encode_decimal(numeric::decimal_from_double(numeric::to_double(from, v)));
    case TypeKind::kVarint:
      return common::BigInt(numeric::to_long(from, v)).to_twos_complement();
    default:
      throw_invalid("Cannot cast to " + to.cql_name());
  }
}

}  // namespace krill::cql
