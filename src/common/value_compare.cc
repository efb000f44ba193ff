// compare_values: Cassandra's ordering of serialized values.
#include <cmath>

#include "common/bigint.h"
#include "common/collection_body.h"
#include "common/values.h"

namespace krill::common {
namespace {

template <typename T>
int three_way(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

// IEEE values in Java's Float.compare/Double.compare order: -0.0 before 0.0, NaN last
// and equal to itself.
template <typename F>
int compare_ieee(F a, F b) {
  const bool na = std::isnan(a);
  const bool nb = std::isnan(b);
  if (na || nb) return na && nb ? 0 : (na ? 1 : -1);
  if (a < b) return -1;
  if (b < a) return 1;
  return three_way(!std::signbit(a), !std::signbit(b));
}

// Numeric order of decimals: 1.0 == 1.00. REQUIRES: both at least 4 bytes.
int compare_decimal(BytesView a, BytesView b) {
  const int64_t scale_a = static_cast<int32_t>(get_be32(a.data()));
  const int64_t scale_b = static_cast<int32_t>(get_be32(b.data()));
  BigInt ua = BigInt::from_twos_complement(a.substr(4));
  BigInt ub = BigInt::from_twos_complement(b.substr(4));
  if (ua.sign() != ub.sign()) return three_way(ua.sign(), ub.sign());
  if (ua.is_zero()) return 0;
  // The power of ten of the leading digit decides unless equal; then the scales differ by
  // at most the digit count difference, so aligning them is cheap.
  const int64_t exp_a = static_cast<int64_t>(ua.decimal_digits()) - scale_a;
  const int64_t exp_b = static_cast<int64_t>(ub.decimal_digits()) - scale_b;
  if (exp_a != exp_b) return ua.sign() * three_way(exp_a, exp_b);
  if (scale_a < scale_b) {
    ua.mul_pow10(static_cast<size_t>(scale_b - scale_a));
  } else {
    ub.mul_pow10(static_cast<size_t>(scale_a - scale_b));
  }
  return BigInt::compare(ua, ub);
}

uint64_t uuid_timestamp(BytesView u) {
  const uint64_t time_low = get_be32(u.data());
  const uint64_t time_mid = get_be16(u.data() + 4);
  const uint64_t time_hi = get_be16(u.data() + 6) & 0x0fff;
  return (time_hi << 48) | (time_mid << 32) | time_low;
}

// Bytewise comparison treating each byte as signed (Java's byte order).
int compare_signed_bytes(BytesView a, BytesView b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    const int c = three_way(static_cast<int8_t>(a[i]), static_cast<int8_t>(b[i]));
    if (c != 0) return c;
  }
  return three_way(a.size(), b.size());
}

// uuid: version first; v1 by timestamp, others by the high half; then the low half unsigned.
int compare_uuid(BytesView a, BytesView b) {
  const int version_a = static_cast<uint8_t>(a[6]) >> 4;
  const int version_b = static_cast<uint8_t>(b[6]) >> 4;
  if (version_a != version_b) return three_way(version_a, version_b);
  int c = version_a == 1 ? three_way(uuid_timestamp(a), uuid_timestamp(b))
                         : compare_bytes(a.substr(0, 8), b.substr(0, 8));
  return c != 0 ? c : compare_bytes(a.substr(8), b.substr(8));
}

// timeuuid: timestamp, then clock sequence and node as signed bytes (which makes
// minTimeuuid's 0x80.. and maxTimeuuid's 0x7f.. the extremes), then all bytes.
int compare_timeuuid(BytesView a, BytesView b) {
  int c = three_way(uuid_timestamp(a), uuid_timestamp(b));
  if (c == 0) c = compare_signed_bytes(a.substr(8), b.substr(8));
  return c != 0 ? c : compare_bytes(a, b);
}

int compare_lists(const DataType& element, BytesView a, BytesView b) {
  std::vector<BytesView> xs;
  std::vector<BytesView> ys;
  if (detail::split_elements(a, xs) || detail::split_elements(b, ys)) return compare_bytes(a, b);
  for (size_t i = 0; i < xs.size() && i < ys.size(); ++i) {
    if (int c = compare_values(element, xs[i], ys[i])) return c;
  }
  return three_way(xs.size(), ys.size());
}

int compare_maps(const DataType& key, const DataType& value, BytesView a, BytesView b) {
  std::vector<std::pair<BytesView, BytesView>> xs;
  std::vector<std::pair<BytesView, BytesView>> ys;
  if (detail::split_pairs(a, xs) || detail::split_pairs(b, ys)) return compare_bytes(a, b);
  for (size_t i = 0; i < xs.size() && i < ys.size(); ++i) {
    if (int c = compare_values(key, xs[i].first, ys[i].first)) return c;
    if (int c = compare_values(value, xs[i].second, ys[i].second)) return c;
  }
  return three_way(xs.size(), ys.size());
}

// Tuples and UDTs: component-wise, null before any value, fewer components first.
int compare_components(const std::vector<DataType>& types, BytesView a, BytesView b) {
  std::vector<std::optional<BytesView>> xs;
  std::vector<std::optional<BytesView>> ys;
  if (detail::split_components(a, xs) || detail::split_components(b, ys)) return compare_bytes(a, b);
  for (size_t i = 0; i < xs.size() && i < ys.size(); ++i) {
    if (!xs[i] || !ys[i]) {
      if (int c = three_way(xs[i].has_value(), ys[i].has_value())) return c;
      continue;
    }
    if (i >= types.size()) return compare_bytes(a, b);
    if (int c = compare_values(types[i], *xs[i], *ys[i])) return c;
  }
  return three_way(xs.size(), ys.size());
}

// Fixed-width kinds: the width, or 0 for variable-width ones.
size_t fixed_width(TypeKind k) {
  switch (k) {
    case TypeKind::kTinyint:
    case TypeKind::kBoolean:
      return 1;
    case TypeKind::kSmallint:
      return 2;
    case TypeKind::kInt:
    case TypeKind::kFloat:
    case TypeKind::kDate:
      return 4;
    case TypeKind::kBigint:
    case TypeKind::kCounter:
    case TypeKind::kTimestamp:
    case TypeKind::kDouble:
    case TypeKind::kTime:
      return 8;
    case TypeKind::kUuid:
    case TypeKind::kTimeuuid:
      return 16;
    default:
      return 0;
  }
}

}  // namespace

int compare_values(const DataType& t, BytesView a, BytesView b) {
  if (a.empty() || b.empty()) return three_way(!a.empty(), !b.empty());
  const TypeKind k = t.kind();
  // Malformed fixed-width values cannot be decoded; order them bytewise.
  const size_t width = fixed_width(k);
  if (width != 0 && (a.size() != width || b.size() != width)) return compare_bytes(a, b);
  switch (k) {
    case TypeKind::kTinyint:
      return three_way(decode_tinyint(a), decode_tinyint(b));
    case TypeKind::kSmallint:
      return three_way(decode_smallint(a), decode_smallint(b));
    case TypeKind::kInt:
      return three_way(decode_int(a), decode_int(b));
    case TypeKind::kBigint:
    case TypeKind::kCounter:
    case TypeKind::kTimestamp:
      return three_way(decode_bigint(a), decode_bigint(b));
    case TypeKind::kVarint:
      return BigInt::compare(BigInt::from_twos_complement(a), BigInt::from_twos_complement(b));
    case TypeKind::kDecimal:
      if (a.size() < 4 || b.size() < 4) return compare_bytes(a, b);
      return compare_decimal(a, b);
    case TypeKind::kFloat:
      return compare_ieee(decode_float(a), decode_float(b));
    case TypeKind::kDouble:
      return compare_ieee(decode_double(a), decode_double(b));
    case TypeKind::kBoolean:
      return three_way(decode_boolean(a), decode_boolean(b));
    case TypeKind::kUuid:
      return compare_uuid(a, b);
    case TypeKind::kTimeuuid:
      return compare_timeuuid(a, b);
    case TypeKind::kList:
    case TypeKind::kSet:
      return compare_lists(t.params()[0], a, b);
    case TypeKind::kMap:
      return compare_maps(t.params()[0], t.params()[1], a, b);
    case TypeKind::kTuple:
    case TypeKind::kUdt:
      return compare_components(t.params(), a, b);
    default:  // text, ascii, blob, inet, date, time, duration, custom: unsigned bytes
      return compare_bytes(a, b);
  }
}

}  // namespace krill::common
