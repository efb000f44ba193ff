// Encoders, decoders, collection bodies and validate_value.
#include "common/values.h"

#include <bit>

#include "common/collection_body.h"
#include "common/datetime.h"
#include "common/error.h"

namespace krill::common {

namespace detail {
namespace {

// Reads a big-endian int32 at v[pos].
bool read_int(BytesView v, size_t& pos, int32_t& out) {
  if (v.size() - pos < 4) return false;
  out = static_cast<int32_t>(get_be32(v.data() + pos));
  pos += 4;
  return true;
}

enum class Read { kValue, kNull, kTruncated };

// Reads one [bytes] at v[pos].
Read read_value(BytesView v, size_t& pos, BytesView& out) {
  int32_t len;
  if (!read_int(v, pos, len)) return Read::kTruncated;
  if (len < 0) return Read::kNull;
  if (v.size() - pos < static_cast<size_t>(len)) return Read::kTruncated;
  out = v.substr(pos, static_cast<size_t>(len));
  pos += static_cast<size_t>(len);
  return Read::kValue;
}

// Reads a collection's element count.
const char* read_count(BytesView v, size_t& pos, int32_t& n) {
  if (!read_int(v, pos, n)) return "Not enough bytes to read the element count";
  if (n < 0) return "Invalid negative element count";
  return nullptr;
}

const char* read_element(BytesView v, size_t& pos, BytesView& out) {
  switch (read_value(v, pos, out)) {
    case Read::kValue:
      return nullptr;
    case Read::kNull:
      return "null is not supported inside collections";
    case Read::kTruncated:
      break;
  }
  return "Not enough bytes to read a collection element";
}

constexpr const char* kTrailing = "Unexpected extraneous bytes after collection value";

}  // namespace

const char* split_elements(BytesView v, std::vector<BytesView>& out) {
  out.clear();
  if (v.empty()) return nullptr;
  size_t pos = 0;
  int32_t n;
  if (const char* err = read_count(v, pos, n)) return err;
  for (int32_t i = 0; i < n; ++i) {
    BytesView e;
    if (const char* err = read_element(v, pos, e)) return err;
    out.push_back(e);
  }
  return pos == v.size() ? nullptr : kTrailing;
}

const char* split_pairs(BytesView v, std::vector<std::pair<BytesView, BytesView>>& out) {
  out.clear();
  if (v.empty()) return nullptr;
  size_t pos = 0;
  int32_t n;
  if (const char* err = read_count(v, pos, n)) return err;
  for (int32_t i = 0; i < n; ++i) {
    BytesView k;
    BytesView e;
    if (const char* err = read_element(v, pos, k)) return err;
    if (const char* err = read_element(v, pos, e)) return err;
    out.emplace_back(k, e);
  }
  return pos == v.size() ? nullptr : kTrailing;
}

const char* split_components(BytesView v, std::vector<std::optional<BytesView>>& out) {
  out.clear();
  size_t pos = 0;
  while (pos < v.size()) {
    BytesView c;
    switch (read_value(v, pos, c)) {
      case Read::kValue:
        out.emplace_back(c);
        break;
      case Read::kNull:
        out.emplace_back(std::nullopt);
        break;
      case Read::kTruncated:
        return "Not enough bytes to read a component";
    }
  }
  return nullptr;
}

}  // namespace detail

// ---- fixed-width codecs ----

Bytes encode_int(int32_t v) {
  Bytes out;
  put_be32(out, static_cast<uint32_t>(v));
  return out;
}
Bytes encode_bigint(int64_t v) {
  Bytes out;
  put_be64(out, static_cast<uint64_t>(v));
  return out;
}
Bytes encode_boolean(bool v) { return Bytes(1, v ? '\x01' : '\x00'); }
Bytes encode_double(double v) { return encode_bigint(static_cast<int64_t>(std::bit_cast<uint64_t>(v))); }
Bytes encode_float(float v) { return encode_int(static_cast<int32_t>(std::bit_cast<uint32_t>(v))); }
Bytes encode_smallint(int16_t v) {
  Bytes out;
  put_be16(out, static_cast<uint16_t>(v));
  return out;
}
Bytes encode_tinyint(int8_t v) { return Bytes(1, static_cast<char>(v)); }

int32_t decode_int(BytesView v) { return static_cast<int32_t>(get_be32(v.data())); }
int64_t decode_bigint(BytesView v) { return static_cast<int64_t>(get_be64(v.data())); }
bool decode_boolean(BytesView v) { return v[0] != 0; }
double decode_double(BytesView v) { return std::bit_cast<double>(get_be64(v.data())); }
float decode_float(BytesView v) { return std::bit_cast<float>(get_be32(v.data())); }
int16_t decode_smallint(BytesView v) { return static_cast<int16_t>(get_be16(v.data())); }
int8_t decode_tinyint(BytesView v) { return static_cast<int8_t>(v[0]); }

// ---- collection bodies ----

namespace {

void put_value(Bytes& out, BytesView v) {
  put_be32(out, static_cast<uint32_t>(v.size()));
  out.append(v);
}

}  // namespace

Bytes encode_elements(const std::vector<Bytes>& elements) {
  Bytes out;
  put_be32(out, static_cast<uint32_t>(elements.size()));
  for (const auto& e : elements) put_value(out, e);
  return out;
}

Bytes encode_pairs(const std::vector<std::pair<Bytes, Bytes>>& pairs) {
  Bytes out;
  put_be32(out, static_cast<uint32_t>(pairs.size()));
  for (const auto& [k, v] : pairs) {
    put_value(out, k);
    put_value(out, v);
  }
  return out;
}

Bytes encode_components(const std::vector<std::optional<Bytes>>& components) {
  Bytes out;
  for (const auto& c : components) {
    if (c) {
      put_value(out, *c);
    } else {
      put_be32(out, 0xffffffffu);
    }
  }
  return out;
}

std::vector<Bytes> decode_elements(BytesView v) {
  std::vector<BytesView> views;
  if (const char* err = detail::split_elements(v, views)) throw_invalid(err);
  return std::vector<Bytes>(views.begin(), views.end());
}

std::vector<std::pair<Bytes, Bytes>> decode_pairs(BytesView v) {
  std::vector<std::pair<BytesView, BytesView>> views;
  if (const char* err = detail::split_pairs(v, views)) throw_invalid(err);
  std::vector<std::pair<Bytes, Bytes>> out;
  out.reserve(views.size());
  for (const auto& [k, e] : views) out.emplace_back(Bytes(k), Bytes(e));
  return out;
}

std::vector<std::optional<Bytes>> decode_components(BytesView v) {
  std::vector<std::optional<BytesView>> views;
  if (const char* err = detail::split_components(v, views)) throw_invalid(err);
  std::vector<std::optional<Bytes>> out;
  out.reserve(views.size());
  for (const auto& c : views) out.emplace_back(c ? std::optional<Bytes>(Bytes(*c)) : std::nullopt);
  return out;
}

// ---- validation ----

namespace {

std::string size_str(BytesView v) { return "(" + std::to_string(v.size()) + ")"; }

void expect_width(BytesView v, size_t width, const char* message_prefix) {
  if (v.size() != width) throw_invalid(message_prefix + size_str(v));
}

void validate_utf8(BytesView v) {
  if (is_valid_utf8(v)) return;
  constexpr size_t kShown = 32;
  std::string hex = "0x" + to_hex(v.substr(0, kShown));
  if (v.size() > kShown) hex += "...";
  throw_invalid("Invalid UTF-8 bytes " + hex);
}

void validate_components(const DataType& t, BytesView v, const char* what) {
  std::vector<std::optional<BytesView>> parts;
  if (const char* err = detail::split_components(v, parts)) {
    throw_invalid(std::string(err) + " of a " + what + " value of type " + t.cql_name());
  }
  const auto& types = t.params();
  if (parts.size() > types.size()) {
    throw_invalid(std::string("Invalid remaining data after end of ") + what + " value of type " +
                  t.cql_name());
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i]) validate_value(types[i], *parts[i]);
  }
}

}  // namespace

void validate_value(const DataType& t, BytesView v) {
  if (v.empty()) return;  // the empty value is legal for every type
  switch (t.kind()) {
    case TypeKind::kCustom:
    case TypeKind::kBlob:
    case TypeKind::kVarint:
      return;
    case TypeKind::kAscii:
      for (unsigned char c : v) {
        if (c >= 0x80) throw_invalid("Invalid byte for ascii: " + std::to_string(c));
      }
      return;
    case TypeKind::kText:
      return validate_utf8(v);
    case TypeKind::kBigint:
    case TypeKind::kCounter:
      return expect_width(v, 8, "Expected 8 or 0 byte long ");
    case TypeKind::kTimestamp:
      return expect_width(v, 8, "Expected 8 or 0 byte long for date ");
    case TypeKind::kInt:
      return expect_width(v, 4, "Expected 4 or 0 byte int ");
    case TypeKind::kSmallint:
      return expect_width(v, 2, "Expected 2 bytes for a smallint ");
    case TypeKind::kTinyint:
      return expect_width(v, 1, "Expected 1 byte for a tinyint ");
    case TypeKind::kBoolean:
      return expect_width(v, 1, "Expected 1 or 0 byte value ");
    case TypeKind::kFloat:
      return expect_width(v, 4, "Expected 4 or 0 byte value for a float ");
    case TypeKind::kDouble:
      return expect_width(v, 8, "Expected 8 or 0 byte value for a double ");
    case TypeKind::kUuid:
      return expect_width(v, 16, "UUID should be 16 or 0 bytes ");
    case TypeKind::kTimeuuid:
      expect_width(v, 16, "TimeUUID should be 16 or 0 bytes ");
      if ((static_cast<uint8_t>(v[6]) & 0xf0) != 0x10) throw_invalid("Unsupported UUID version for timeuuid");
      return;
    case TypeKind::kInet:
      if (v.size() != 4 && v.size() != 16) throw_invalid("Expected 4 or 16 byte inetaddress " + size_str(v));
      return;
    case TypeKind::kDate:
      return expect_width(v, 4, "Expected 4 byte long for date ");
    case TypeKind::kTime: {
      expect_width(v, 8, "Expected 8 byte long for time ");
      const int64_t ns = decode_bigint(v);
      if (ns < 0 || ns >= kNanosPerDay) {
        throw_invalid("Time value must be between 0 and 86399999999999 ns (" + std::to_string(ns) + ")");
      }
      return;
    }
    case TypeKind::kDecimal:
      if (v.size() < 4) throw_invalid("Expected 0 or at least 4 bytes for decimal " + size_str(v));
      return;
    case TypeKind::kDuration:
      decode_duration(v);
      return;
    case TypeKind::kList:
    case TypeKind::kSet: {
      std::vector<BytesView> elements;
      if (const char* err = detail::split_elements(v, elements))
        throw_invalid(std::string(err) + " (" + t.cql_name() + ")");
      for (BytesView e : elements) validate_value(t.params()[0], e);
      return;
    }
    case TypeKind::kMap: {
      std::vector<std::pair<BytesView, BytesView>> pairs;
      if (const char* err = detail::split_pairs(v, pairs))
        throw_invalid(std::string(err) + " (" + t.cql_name() + ")");
      for (const auto& [k, e] : pairs) {
        validate_value(t.params()[0], k);
        validate_value(t.params()[1], e);
      }
      return;
    }
    case TypeKind::kTuple:
      return validate_components(t, v, "tuple");
    case TypeKind::kUdt:
      return validate_components(t, v, "UDT");
  }
}

}  // namespace krill::common
