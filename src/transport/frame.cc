// Frame header, body primitives and body compression (see frame.h).
#include "transport/frame.h"

#include <lz4.h>
#include <snappy.h>

#include <cstring>
#include <limits>

#include "common/error.h"

namespace krill::transport {

namespace {

using common::Bytes;
using common::BytesView;
using common::CqlError;
using common::ErrorCode;

constexpr size_t kMaxShortLength = std::numeric_limits<uint16_t>::max();
constexpr size_t kMaxIntLength = static_cast<size_t>(std::numeric_limits<int32_t>::max());
constexpr std::string_view kDurationClass = "org.apache.cassandra.db.marshal.DurationType";

[[noreturn]] void protocol_error(std::string msg) {
  throw CqlError(ErrorCode::kProtocolError, std::move(msg));
}

[[noreturn]] void unencodable(std::string msg) { throw CqlError(ErrorCode::kServerError, std::move(msg)); }

// Throws a protocol error naming the primitive `what` when fewer than `n` bytes remain.
void require(const BodyReader& r, size_t n, const char* what) {
  if (r.remaining() < n) {
    protocol_error("Not enough bytes to read a " + std::string(what) + ": need " + std::to_string(n) +
                   ", have " + std::to_string(r.remaining()));
  }
}

void check_short_length(size_t n, const char* what) {
  if (n > kMaxShortLength) {
    unencodable("Cannot encode a " + std::string(what) + " of " + std::to_string(n) + " bytes (max 65535)");
  }
}

void check_int_length(size_t n, const char* what) {
  if (n > kMaxIntLength) {
    unencodable("Cannot encode a " + std::string(what) + " of " + std::to_string(n) + " bytes");
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Header

FrameHeader decode_header(const uint8_t* p) {
  const char* c = reinterpret_cast<const char*>(p);
  FrameHeader h;
  h.version = p[0];
  h.flags = p[1];
  h.stream = static_cast<int16_t>(common::get_be16(c + 2));
  h.opcode = static_cast<Opcode>(p[4]);
  h.length = common::get_be32(c + 5);
  return h;
}

void encode_header(const FrameHeader& h, uint8_t* out) {
  const auto stream = static_cast<uint16_t>(h.stream);
  out[0] = h.version;
  out[1] = h.flags;
  out[2] = static_cast<uint8_t>(stream >> 8);
  out[3] = static_cast<uint8_t>(stream);
  out[4] = static_cast<uint8_t>(h.opcode);
  for (int i = 0; i < 4; ++i) out[5 + i] = static_cast<uint8_t>(h.length >> (24 - 8 * i));
}

// ---------------------------------------------------------------------------------------------
// BodyReader

const char* BodyReader::take(size_t n) {
  if (remaining() < n) {
    protocol_error("Not enough bytes in frame body: need " + std::to_string(n) + ", have " +
                   std::to_string(remaining()));
  }
  const char* p = data_.data() + pos_;
  pos_ += n;
  return p;
}

uint8_t BodyReader::read_byte() {
  require(*this, 1, "[byte]");
  return static_cast<uint8_t>(*take(1));
}

int16_t BodyReader::read_short() { return static_cast<int16_t>(read_ushort()); }

uint16_t BodyReader::read_ushort() {
  require(*this, 2, "[short]");
  return common::get_be16(take(2));
}

int32_t BodyReader::read_int() {
  require(*this, 4, "[int]");
  return static_cast<int32_t>(common::get_be32(take(4)));
}

int64_t BodyReader::read_long() {
  require(*this, 8, "[long]");
  return static_cast<int64_t>(common::get_be64(take(8)));
}

std::string BodyReader::read_string() {
  require(*this, 2, "[string] length");
  const size_t n = common::get_be16(take(2));
  require(*this, n, "[string]");
  return std::string(take(n), n);
}

std::string BodyReader::read_long_string() {
  require(*this, 4, "[long string] length");
  const int32_t n = static_cast<int32_t>(common::get_be32(take(4)));
  if (n < 0) protocol_error("Negative length " + std::to_string(n) + " for a [long string]");
  require(*this, static_cast<size_t>(n), "[long string]");
  return std::string(take(n), n);
}

std::optional<Bytes> BodyReader::read_bytes() {
  require(*this, 4, "[bytes] length");
  const int32_t n = static_cast<int32_t>(common::get_be32(take(4)));
  if (n < 0) return std::nullopt;
  require(*this, static_cast<size_t>(n), "[bytes]");
  return Bytes(take(n), n);
}

Bytes BodyReader::read_short_bytes() {
  require(*this, 2, "[short bytes] length");
  const size_t n = common::get_be16(take(2));
  require(*this, n, "[short bytes]");
  return Bytes(take(n), n);
}

Value BodyReader::read_value() {
  require(*this, 4, "[value] length");
  const int32_t n = static_cast<int32_t>(common::get_be32(take(4)));
  Value v;
  if (n == -1) {
    v.kind = Value::Kind::kNull;
    return v;
  }
  if (n == -2) {
    v.kind = Value::Kind::kUnset;
    return v;
  }
  if (n < 0) protocol_error("Invalid [value] length " + std::to_string(n) + " (expected >= -2)");
  require(*this, static_cast<size_t>(n), "[value]");
  v.kind = Value::Kind::kSet;
  v.bytes.assign(take(n), n);
  return v;
}

std::vector<std::string> BodyReader::read_string_list() {
  require(*this, 2, "[string list] length");
  const size_t n = common::get_be16(take(2));
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) out.push_back(read_string());
  return out;
}

std::map<std::string, std::string> BodyReader::read_string_map() {
  require(*this, 2, "[string map] length");
  const size_t n = common::get_be16(take(2));
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < n; ++i) {
    std::string key = read_string();
    out[std::move(key)] = read_string();
  }
  return out;
}

std::map<std::string, std::optional<Bytes>> BodyReader::read_bytes_map() {
  require(*this, 2, "[bytes map] length");
  const size_t n = common::get_be16(take(2));
  std::map<std::string, std::optional<Bytes>> out;
  for (size_t i = 0; i < n; ++i) {
    std::string key = read_string();
    out[std::move(key)] = read_bytes();
  }
  return out;
}

std::vector<std::pair<std::string, std::vector<std::string>>> BodyReader::read_string_multimap() {
  require(*this, 2, "[string multimap] length");
  const size_t n = common::get_be16(take(2));
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (size_t i = 0; i < n; ++i) {
    std::string key = read_string();
    out.emplace_back(std::move(key), read_string_list());
  }
  return out;
}

std::pair<Bytes, int32_t> BodyReader::read_inet() {
  require(*this, 1, "[inet] address size");
  const size_t n = static_cast<uint8_t>(*take(1));
  if (n != 4 && n != 16)
    protocol_error("Invalid [inet] address size " + std::to_string(n) + " (expected 4 or 16)");
  require(*this, n, "[inet] address");
  Bytes address(take(n), n);
  return {std::move(address), read_int()};
}

// ---------------------------------------------------------------------------------------------
// BodyWriter

void BodyWriter::write_string(std::string_view s) {
  check_short_length(s.size(), "[string]");
  write_short(static_cast<uint16_t>(s.size()));
  out_.append(s);
}

void BodyWriter::write_long_string(std::string_view s) {
  check_int_length(s.size(), "[long string]");
  write_int(static_cast<int32_t>(s.size()));
  out_.append(s);
}

void BodyWriter::write_bytes(const std::optional<Bytes>& b) {
  if (!b) {
    write_int(-1);
    return;
  }
  write_bytes(BytesView(*b));
}

void BodyWriter::write_bytes(BytesView b) {
  check_int_length(b.size(), "[bytes]");
  write_int(static_cast<int32_t>(b.size()));
  out_.append(b);
}

void BodyWriter::write_short_bytes(BytesView b) {
  check_short_length(b.size(), "[short bytes]");
  write_short(static_cast<uint16_t>(b.size()));
  out_.append(b);
}

void BodyWriter::write_value(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kNull:
      write_int(-1);
      return;
    case Value::Kind::kUnset:
      write_int(-2);
      return;
    case Value::Kind::kSet:
      write_bytes(BytesView(v.bytes));
      return;
  }
}

void BodyWriter::write_string_list(const std::vector<std::string>& l) {
  check_short_length(l.size(), "[string list] count");
  write_short(static_cast<uint16_t>(l.size()));
  for (const auto& s : l) write_string(s);
}

void BodyWriter::write_string_map(const std::map<std::string, std::string>& m) {
  check_short_length(m.size(), "[string map] count");
  write_short(static_cast<uint16_t>(m.size()));
  for (const auto& [k, v] : m) {
    write_string(k);
    write_string(v);
  }
}

void BodyWriter::write_bytes_map(const std::map<std::string, std::optional<Bytes>>& m) {
  check_short_length(m.size(), "[bytes map] count");
  write_short(static_cast<uint16_t>(m.size()));
  for (const auto& [k, v] : m) {
    write_string(k);
    write_bytes(v);
  }
}

void BodyWriter::write_string_multimap(
    const std::vector<std::pair<std::string, std::vector<std::string>>>& m) {
  check_short_length(m.size(), "[string multimap] count");
  write_short(static_cast<uint16_t>(m.size()));
  for (const auto& [k, l] : m) {
    write_string(k);
    write_string_list(l);
  }
}

void BodyWriter::write_inet(BytesView address, int32_t port) {
  if (address.size() != 4 && address.size() != 16) {
    unencodable("Cannot encode an [inet] address of " + std::to_string(address.size()) + " bytes");
  }
  write_byte(static_cast<uint8_t>(address.size()));
  out_.append(address);
  write_int(port);
}

void BodyWriter::write_type(const common::DataType& t, int protocol_version) {
  using common::TypeKind;
  if (!t.valid()) unencodable("Cannot encode an invalid DataType");
  const TypeKind kind = t.kind();
  switch (kind) {
    case TypeKind::kCustom:
      write_short(static_cast<uint16_t>(kind));
      write_string(t.custom_class());
      return;
    case TypeKind::kDuration:
      if (protocol_version < 5) {
        write_short(static_cast<uint16_t>(TypeKind::kCustom));
        write_string(kDurationClass);
      } else {
        write_short(static_cast<uint16_t>(kind));
      }
      return;
    case TypeKind::kList:
    case TypeKind::kSet:
      write_short(static_cast<uint16_t>(kind));
      write_type(t.params().at(0), protocol_version);
      return;
    case TypeKind::kMap:
      write_short(static_cast<uint16_t>(kind));
      write_type(t.params().at(0), protocol_version);
      write_type(t.params().at(1), protocol_version);
      return;
    case TypeKind::kUdt: {
      const auto& names = t.field_names();
      const auto& types = t.params();
      if (names.size() != types.size()) unencodable("UDT field names and types differ in count");
      check_short_length(types.size(), "UDT field count");
      write_short(static_cast<uint16_t>(kind));
      write_string(t.udt_keyspace());
      write_string(t.udt_name());
      write_short(static_cast<uint16_t>(types.size()));
      for (size_t i = 0; i < types.size(); ++i) {
        write_string(names[i]);
        write_type(types[i], protocol_version);
      }
      return;
    }
    case TypeKind::kTuple: {
      const auto& types = t.params();
      check_short_length(types.size(), "tuple element count");
      write_short(static_cast<uint16_t>(kind));
      write_short(static_cast<uint16_t>(types.size()));
      for (const auto& e : types) write_type(e, protocol_version);
      return;
    }
    default:  // native types: the id alone
      write_short(static_cast<uint16_t>(kind));
      return;
  }
}

// ---------------------------------------------------------------------------------------------
// Compression

std::optional<Compression> compression_from_name(std::string_view name) {
  auto iequals = [](std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      char c = a[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != b[i]) return false;
    }
    return true;
  };
  if (iequals(name, "lz4")) return Compression::kLz4;
  if (iequals(name, "snappy")) return Compression::kSnappy;
  return std::nullopt;
}

Bytes compress_body(Compression c, BytesView body) {
  switch (c) {
    case Compression::kNone:
      return Bytes(body);
    case Compression::kLz4: {
      if (body.size() > static_cast<size_t>(LZ4_MAX_INPUT_SIZE)) {
        unencodable("Body of " + std::to_string(body.size()) + " bytes is too large for lz4");
      }
      const int src_size = static_cast<int>(body.size());
      const int bound = LZ4_compressBound(src_size);
      Bytes out;
      common::put_be32(out, static_cast<uint32_t>(src_size));
      out.resize(4 + static_cast<size_t>(bound));
      const int n = LZ4_compress_default(body.data(), out.data() + 4, src_size, bound);
      if (n <= 0) unencodable("lz4 compression failed");
      out.resize(4 + static_cast<size_t>(n));
      return out;
    }
    case Compression::kSnappy: {
      Bytes out;
      snappy::Compress(body.data(), body.size(), &out);
      return out;
    }
  }
  unencodable("Unknown compression algorithm");
}

Bytes decompress_body(Compression c, BytesView body, size_t max_size) {
  switch (c) {
    case Compression::kNone:
      if (body.size() > max_size) {
        protocol_error("Body of " + std::to_string(body.size()) + " bytes exceeds the limit of " +
                       std::to_string(max_size));
      }
      return Bytes(body);
    case Compression::kLz4: {
      if (body.size() < 4) protocol_error("lz4 body too short for its uncompressed length");
      const int32_t declared = static_cast<int32_t>(common::get_be32(body.data()));
      if (declared < 0) protocol_error("Negative lz4 uncompressed length " + std::to_string(declared));
      const auto size = static_cast<size_t>(declared);
      if (size > max_size) {
        protocol_error("lz4 uncompressed length " + std::to_string(size) + " exceeds the limit of " +
                       std::to_string(max_size));
      }
      const BytesView block = body.substr(4);
      if (size == 0 && block.empty()) return Bytes();
      if (block.empty() || block.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
        protocol_error("Invalid lz4 block size " + std::to_string(block.size()));
      }
      Bytes out(size, '\0');
      char dummy = 0;  // LZ4 wants a valid pointer even for a zero-capacity output
      char* dst = size == 0 ? &dummy : out.data();
      const int n = LZ4_decompress_safe(block.data(), dst, static_cast<int>(block.size()), declared);
      if (n < 0 || static_cast<size_t>(n) != size) {
        protocol_error("Corrupt lz4 body (expected " + std::to_string(size) + " uncompressed bytes)");
      }
      return out;
    }
    case Compression::kSnappy: {
      size_t size = 0;
      if (!snappy::GetUncompressedLength(body.data(), body.size(), &size)) {
        protocol_error("Corrupt snappy body: cannot read the uncompressed length");
      }
      if (size > max_size) {
        protocol_error("snappy uncompressed length " + std::to_string(size) + " exceeds the limit of " +
                       std::to_string(max_size));
      }
      if (!snappy::IsValidCompressedBuffer(body.data(), body.size())) protocol_error("Corrupt snappy body");
      Bytes out(size, '\0');
      if (size > 0 && !snappy::RawUncompress(body.data(), body.size(), out.data())) {
        protocol_error("Corrupt snappy body");
      }
      return out;
    }
  }
  protocol_error("Unknown compression algorithm");
}

}  // namespace krill::transport
