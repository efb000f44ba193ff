#include "storage/keys.h"

#include <cstring>
#include <string>

#include "common/error.h"
#include "common/values.h"

namespace krill::storage {
namespace {

using common::Bytes;
using common::BytesView;
using common::DataType;
using common::TypeKind;

constexpr char kComponentMarker = '\x01';
constexpr char kEmptyValue = '\x00';
constexpr char kNonEmptyValue = '\x01';

void put_escaped(Bytes& out, BytesView v) {
  for (char c : v) {
    out.push_back(c);
    if (c == '\0') out.push_back('\xff');
  }
  out.push_back('\0');
  out.push_back('\0');
}

// Reads an escaped byte string starting at `pos`; advances pos past the terminator.
std::optional<Bytes> get_escaped(BytesView in, size_t& pos) {
  Bytes out;
  while (pos < in.size()) {
    char c = in[pos++];
    if (c != '\0') {
      out.push_back(c);
      continue;
    }
    if (pos >= in.size()) return std::nullopt;
    char n = in[pos++];
    if (n == '\0') return out;
    if (n != '\xff') return std::nullopt;
    out.push_back('\0');
  }
  return std::nullopt;
}

void put_signed_be(Bytes& out, BytesView v) {
  // Fixed-width two's complement, big-endian: flipping the sign bit makes it sort unsigned.
  size_t start = out.size();
  out.append(v);
  out[start] = static_cast<char>(out[start] ^ 0x80);
}

void put_float_bits(Bytes& out, BytesView v) {
  // IEEE-754 total order for non-NaN values; NaN is canonicalised so it sorts last.
  Bytes b(v);
  bool is_nan = false;
  if (b.size() == 4) {
    uint32_t bits = common::get_be32(b.data());
    is_nan = (bits & 0x7f800000u) == 0x7f800000u && (bits & 0x007fffffu) != 0;
    if (is_nan) b = Bytes("\x7f\xc0\x00\x00", 4);
  } else {
    uint64_t bits = common::get_be64(b.data());
    is_nan = (bits & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (bits & 0x000fffffffffffffull) != 0;
    if (is_nan) b = Bytes("\x7f\xf8\x00\x00\x00\x00\x00\x00", 8);
  }
  if (static_cast<uint8_t>(b[0]) & 0x80) {
    for (char& c : b) c = static_cast<char>(~c);
  } else {
    b[0] = static_cast<char>(b[0] ^ 0x80);
  }
  out.append(b);
}

Bytes get_float_bits(BytesView enc) {
  Bytes b(enc);
  if (static_cast<uint8_t>(b[0]) & 0x80) {
    b[0] = static_cast<char>(b[0] ^ 0x80);
  } else {
    for (char& c : b) c = static_cast<char>(~c);
  }
  return b;
}

// Minimal two's complement form of a varint.
BytesView normalize_varint(BytesView v) {
  while (v.size() > 1) {
    uint8_t b0 = static_cast<uint8_t>(v[0]);
    uint8_t b1 = static_cast<uint8_t>(v[1]);
    if ((b0 == 0x00 && !(b1 & 0x80)) || (b0 == 0xff && (b1 & 0x80))) {
      v.remove_prefix(1);
    } else {
      break;
    }
  }
  return v;
}

void invert(Bytes& out, size_t from) {
  for (size_t i = from; i < out.size(); ++i) out[i] = static_cast<char>(~out[i]);
}

void put_varint(Bytes& out, BytesView raw) {
  BytesView v = normalize_varint(raw);
  bool negative = static_cast<uint8_t>(v[0]) & 0x80;
  bool zero = v.size() == 1 && v[0] == '\0';
  if (zero) {
    out.push_back('\x01');
    return;
  }
  out.push_back(negative ? '\x00' : '\x02');
  size_t start = out.size();
  common::put_be32(out, static_cast<uint32_t>(v.size()));
  if (negative) invert(out, start);  // longer negative numbers are smaller
  out.append(v);
}

std::optional<Bytes> get_varint(BytesView in, size_t& pos) {
  if (pos >= in.size()) return std::nullopt;
  char sign = in[pos++];
  if (sign == '\x01') return Bytes(1, '\0');
  if (pos + 4 > in.size()) return std::nullopt;
  uint32_t len = common::get_be32(in.data() + pos);
  if (sign == '\x00') len = ~len;
  pos += 4;
  if (len == 0 || pos + len > in.size()) return std::nullopt;
  Bytes v(in.substr(pos, len));
  pos += len;
  return v;
}

// Decimal: sign byte, then the decimal exponent E and the significant digits D so that
// |value| = 0.D x 10^E (D without trailing zeros); negative values are bit-inverted.
void put_decimal(Bytes& out, BytesView v) {
  int32_t scale = static_cast<int32_t>(common::get_be32(v.data()));
  DataType varint = DataType::native(TypeKind::kVarint);
  std::string digits = common::to_cql_literal(varint, v.substr(4));
  bool negative = !digits.empty() && digits[0] == '-';
  if (negative) digits.erase(0, 1);
  if (digits == "0") {
    out.push_back('\x01');
    return;
  }
  int64_t adj_scale = scale;
  while (digits.size() > 1 && digits.back() == '0') {
    digits.pop_back();
    --adj_scale;
  }
  int64_t exponent = static_cast<int64_t>(digits.size()) - adj_scale;
  out.push_back(negative ? '\x00' : '\x02');
  size_t start = out.size();
  common::put_be64(out, static_cast<uint64_t>(exponent) ^ 0x8000000000000000ull);
  out.append(digits);
  out.push_back('\0');
  if (negative) invert(out, start);
}

std::optional<Bytes> get_decimal(BytesView in, size_t& pos) {
  if (pos >= in.size()) return std::nullopt;
  char sign = in[pos++];
  if (sign == '\x01') return Bytes("\0\0\0\0\0", 5);
  bool negative = sign == '\x00';
  if (pos + 8 > in.size()) return std::nullopt;
  Bytes exp_bytes(in.substr(pos, 8));
  if (negative)
    for (char& c : exp_bytes) c = static_cast<char>(~c);
  int64_t exponent = static_cast<int64_t>(common::get_be64(exp_bytes.data()) ^ 0x8000000000000000ull);
  pos += 8;
  std::string digits;
  while (true) {
    if (pos >= in.size()) return std::nullopt;
    char c = in[pos++];
    if (negative) c = static_cast<char>(~c);
    if (c == '\0') break;
    digits.push_back(c);
  }
  int64_t scale = static_cast<int64_t>(digits.size()) - exponent;
  if (scale < INT32_MIN || scale > INT32_MAX) return std::nullopt;
  Bytes out;
  common::put_be32(out, static_cast<uint32_t>(static_cast<int32_t>(scale)));
  out += common::from_number_literal(DataType::native(TypeKind::kVarint), (negative ? "-" : "") + digits);
  return out;
}

size_t fixed_width(TypeKind k) {
  switch (k) {
    case TypeKind::kBoolean:
    case TypeKind::kTinyint:
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
    default:
      return 0;
  }
}

void put_typed(Bytes& out, const DataType& type, BytesView v);

void put_value(Bytes& out, const DataType& type, BytesView v) {
  if (v.empty()) {
    out.push_back(kEmptyValue);
    return;
  }
  out.push_back(kNonEmptyValue);
  put_typed(out, type, v);
}

void put_uuid(Bytes& out, BytesView v, bool time_only) {
  uint8_t version = static_cast<uint8_t>(v[6]) >> 4;
  if (!time_only) out.push_back(static_cast<char>(version));
  if (time_only || version == 1) {
    // 60-bit timestamp: time_hi (12 bits) | time_mid | time_low.
    uint64_t ts = (uint64_t(static_cast<uint8_t>(v[6]) & 0x0f) << 56) |
                  (uint64_t(static_cast<uint8_t>(v[7])) << 48) |
                  (uint64_t(static_cast<uint8_t>(v[4])) << 40) |
                  (uint64_t(static_cast<uint8_t>(v[5])) << 32) | common::get_be32(v.data());
    common::put_be64(out, ts);
    // Then the clock sequence and node as signed bytes, the way Cassandra orders them.
    for (size_t i = 8; i < 16; ++i) out.push_back(static_cast<char>(v[i] ^ 0x80));
    out.append(v.substr(0, 8));
    return;
  }
  out.append(v);
}

void put_elements(Bytes& out, const DataType& elem, const std::vector<Bytes>& items) {
  for (const auto& e : items) {
    out.push_back(kComponentMarker);
    put_value(out, elem, e);
  }
  out.push_back('\0');
}

void put_typed(Bytes& out, const DataType& type, BytesView v) {
  TypeKind k = type.kind();
  switch (k) {
    case TypeKind::kTinyint:
    case TypeKind::kSmallint:
    case TypeKind::kInt:
    case TypeKind::kBigint:
    case TypeKind::kCounter:
    case TypeKind::kTimestamp:
      put_signed_be(out, v);
      return;
    case TypeKind::kBoolean:
      out.push_back(v[0] ? '\x01' : '\x00');
      return;
    case TypeKind::kDate:
    case TypeKind::kTime:
      out.append(v);
      return;
    case TypeKind::kFloat:
    case TypeKind::kDouble:
      put_float_bits(out, v);
      return;
    case TypeKind::kAscii:
    case TypeKind::kText:
    case TypeKind::kBlob:
    case TypeKind::kInet:
    case TypeKind::kCustom:
      put_escaped(out, v);
      return;
    case TypeKind::kUuid:
      put_uuid(out, v, false);
      return;
    case TypeKind::kTimeuuid:
      put_uuid(out, v, true);
      return;
    case TypeKind::kVarint:
      put_varint(out, v);
      return;
    case TypeKind::kDecimal:
      put_decimal(out, v);
      return;
    case TypeKind::kList:
    case TypeKind::kSet:
      put_elements(out, type.params()[0], common::decode_elements(v));
      return;
    case TypeKind::kMap: {
      for (const auto& [key, value] : common::decode_pairs(v)) {
        out.push_back(kComponentMarker);
        put_value(out, type.params()[0], key);
        put_value(out, type.params()[1], value);
      }
      out.push_back('\0');
      return;
    }
    case TypeKind::kTuple:
    case TypeKind::kUdt: {
      auto comps = common::decode_components(v);
      for (size_t i = 0; i < comps.size() && i < type.params().size(); ++i) {
        out.push_back(kComponentMarker);
        if (!comps[i]) {
          out.push_back('\x00');
        } else {
          out.push_back('\x01');
          put_value(out, type.params()[i], *comps[i]);
        }
      }
      out.push_back('\0');
      return;
    }
    case TypeKind::kDuration:
      common::throw_invalid("duration type is not supported for PRIMARY KEY columns");
  }
  common::throw_invalid("unsupported clustering type " + type.cql_name());
}

// Decoding mirrors put_*; `in` is already un-inverted.
std::optional<Bytes> get_value(BytesView in, size_t& pos, const DataType& type);

std::optional<Bytes> get_typed(BytesView in, size_t& pos, const DataType& type) {
  TypeKind k = type.kind();
  if (size_t w = fixed_width(k); w != 0) {
    if (pos + w > in.size()) return std::nullopt;
    Bytes v(in.substr(pos, w));
    pos += w;
    switch (k) {
      case TypeKind::kTinyint:
      case TypeKind::kSmallint:
      case TypeKind::kInt:
      case TypeKind::kBigint:
      case TypeKind::kCounter:
      case TypeKind::kTimestamp:
        v[0] = static_cast<char>(v[0] ^ 0x80);
        return v;
      case TypeKind::kFloat:
      case TypeKind::kDouble:
        return get_float_bits(v);
      default:
        return v;
    }
  }
  switch (k) {
    case TypeKind::kAscii:
    case TypeKind::kText:
    case TypeKind::kBlob:
    case TypeKind::kInet:
    case TypeKind::kCustom:
      return get_escaped(in, pos);
    case TypeKind::kUuid:
    case TypeKind::kTimeuuid: {
      bool time_only = k == TypeKind::kTimeuuid;
      if (!time_only) {
        if (pos >= in.size()) return std::nullopt;
        uint8_t version = static_cast<uint8_t>(in[pos++]);
        if (version != 1) {
          if (pos + 16 > in.size()) return std::nullopt;
          Bytes v(in.substr(pos, 16));
          pos += 16;
          return v;
        }
      }
      if (pos + 24 > in.size()) return std::nullopt;
      Bytes v(in.substr(pos + 16, 8));
      for (size_t i = 8; i < 16; ++i) v.push_back(static_cast<char>(in[pos + i] ^ 0x80));
      pos += 24;
      return v;
    }
    case TypeKind::kVarint:
      return get_varint(in, pos);
    case TypeKind::kDecimal:
      return get_decimal(in, pos);
    case TypeKind::kList:
    case TypeKind::kSet: {
      std::vector<Bytes> items;
      while (pos < in.size() && in[pos] == kComponentMarker) {
        ++pos;
        auto e = get_value(in, pos, type.params()[0]);
        if (!e) return std::nullopt;
        items.push_back(std::move(*e));
      }
      if (pos >= in.size()) return std::nullopt;
      ++pos;
      return common::encode_elements(items);
    }
    case TypeKind::kMap: {
      std::vector<std::pair<Bytes, Bytes>> pairs;
      while (pos < in.size() && in[pos] == kComponentMarker) {
        ++pos;
        auto key = get_value(in, pos, type.params()[0]);
        if (!key) return std::nullopt;
        auto value = get_value(in, pos, type.params()[1]);
        if (!value) return std::nullopt;
        pairs.emplace_back(std::move(*key), std::move(*value));
      }
      if (pos >= in.size()) return std::nullopt;
      ++pos;
      return common::encode_pairs(pairs);
    }
    case TypeKind::kTuple:
    case TypeKind::kUdt: {
      std::vector<std::optional<Bytes>> comps;
      size_t i = 0;
      while (pos < in.size() && in[pos] == kComponentMarker && i < type.params().size()) {
        ++pos;
        if (pos >= in.size()) return std::nullopt;
        char present = in[pos++];
        if (present == '\x00') {
          comps.emplace_back(std::nullopt);
        } else {
          auto e = get_value(in, pos, type.params()[i]);
          if (!e) return std::nullopt;
          comps.emplace_back(std::move(*e));
        }
        ++i;
      }
      if (pos >= in.size()) return std::nullopt;
      ++pos;
      return common::encode_components(comps);
    }
    default:
      return std::nullopt;
  }
}

std::optional<Bytes> get_value(BytesView in, size_t& pos, const DataType& type) {
  if (pos >= in.size()) return std::nullopt;
  char present = in[pos++];
  if (present == kEmptyValue) return Bytes();
  if (present != kNonEmptyValue) return std::nullopt;
  return get_typed(in, pos, type);
}

}  // namespace

Bytes encode_partition_prefix(int64_t token, BytesView partition_key) {
  Bytes out;
  out.reserve(8 + partition_key.size() + 3);
  common::put_be64(out, static_cast<uint64_t>(token) ^ 0x8000000000000000ull);
  put_escaped(out, partition_key);
  return out;
}

std::optional<DecodedPrefix> decode_partition_prefix(BytesView key) {
  if (key.size() < 10) return std::nullopt;
  int64_t token = static_cast<int64_t>(common::get_be64(key.data()) ^ 0x8000000000000000ull);
  size_t pos = 8;
  auto pk = get_escaped(key, pos);
  if (!pk) return std::nullopt;
  return DecodedPrefix{token, std::move(*pk), pos};
}

void append_clustering_component(Bytes& out, const DataType& type, BytesView value, bool descending) {
  if (type.is_multi_cell()) common::throw_invalid("non-frozen collections cannot be clustering columns");
  out.push_back(kComponentMarker);
  size_t start = out.size();
  put_value(out, type, value);
  if (descending) invert(out, start);
}

void append_clustering(Bytes& out, const ClusteringLayout& layout, const std::vector<Bytes>& values) {
  for (size_t i = 0; i < values.size() && i < layout.types.size(); ++i) {
    append_clustering_component(out, layout.types[i], values[i], layout.descending[i]);
  }
}

std::optional<std::vector<Bytes>> decode_clustering(BytesView encoded, const ClusteringLayout& layout) {
  std::vector<Bytes> values;
  size_t pos = 0;
  for (size_t i = 0; i < layout.types.size(); ++i) {
    if (pos >= encoded.size()) break;  // a prefix
    if (encoded[pos] != kComponentMarker) return std::nullopt;
    ++pos;
    std::optional<Bytes> v;
    if (layout.descending[i]) {
      // Un-invert the rest lazily: the component is self-delimiting after inversion.
      Bytes rest(encoded.substr(pos));
      for (char& c : rest) c = static_cast<char>(~c);
      size_t p = 0;
      v = get_value(rest, p, layout.types[i]);
      pos += p;
    } else {
      v = get_value(encoded, pos, layout.types[i]);
    }
    if (!v) return std::nullopt;
    values.push_back(std::move(*v));
  }
  if (pos != encoded.size()) return std::nullopt;
  return values;
}

Bytes encode_range_bounds(const ClusteringLayout& layout, const std::vector<Bytes>& start,
                          bool start_inclusive, const std::vector<Bytes>& end, bool end_inclusive) {
  Bytes out;
  append_clustering(out, layout, start);
  out.push_back(start_inclusive ? '\x00' : '\x02');
  append_clustering(out, layout, end);
  out.push_back(end_inclusive ? '\x00' : '\x02');
  return out;
}

namespace {

// Splits off one bound: components (each starting 01) up to the 00/02 terminator.
// Component encodings are self-delimiting, so this walks them with a layout-free scan:
// it needs the layout-free property that a terminator byte never starts a component.
std::optional<std::pair<Bytes, bool>> take_bound(BytesView in, size_t& pos, const ClusteringLayout& layout) {
  size_t start = pos;
  for (size_t i = 0; i < layout.types.size() && pos < in.size() && in[pos] == kComponentMarker; ++i) {
    ++pos;
    size_t p = 0;
    std::optional<Bytes> v;
    if (layout.descending[i]) {
      Bytes rest(in.substr(pos));
      for (char& c : rest) c = static_cast<char>(~c);
      v = get_value(rest, p, layout.types[i]);
    } else {
      BytesView rest = in.substr(pos);
      v = get_value(rest, p, layout.types[i]);
    }
    if (!v) return std::nullopt;
    pos += p;
  }
  if (pos >= in.size()) return std::nullopt;
  char term = in[pos];
  if (term != '\x00' && term != '\x02') return std::nullopt;
  Bytes bound(in.substr(start, pos - start));
  ++pos;
  return std::make_pair(std::move(bound), term == '\x00');
}

}  // namespace

std::optional<EncodedRange> decode_range_bounds_with(BytesView suffix, const ClusteringLayout& layout) {
  size_t pos = 0;
  auto start = take_bound(suffix, pos, layout);
  if (!start) return std::nullopt;
  auto end = take_bound(suffix, pos, layout);
  if (!end || pos != suffix.size()) return std::nullopt;
  EncodedRange r;
  r.from = start->first;
  if (!start->second && !r.from.empty()) append_after_prefix(r.from);
  if (!end->first.empty()) {
    r.to = end->first;
    if (end->second) append_after_prefix(r.to);
  }
  return r;
}

Bytes prefix_successor(BytesView prefix) {
  Bytes out(prefix);
  while (!out.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(out.back());
    if (last != 0xff) {
      ++last;
      return out;
    }
    out.pop_back();
  }
  return out;
}

}  // namespace krill::storage
