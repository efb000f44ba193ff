// CQL native protocol v4 framing: the 9-byte header, the body primitives
// ([int], [string], [bytes], [value], maps, lists, ...) and body compression.
//
// Pure functions and small value classes; no I/O. BodyReader throws
// common::CqlError(kProtocolError) on truncated or malformed input, so a bad frame
// becomes an ERROR reply, never a crash.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/bytes.h"
#include "common/types.h"

namespace krill::transport {

enum class Opcode : uint8_t {
  kError = 0x00,
  kStartup = 0x01,
  kReady = 0x02,
  kAuthenticate = 0x03,
  kOptions = 0x05,
  kSupported = 0x06,
  kQuery = 0x07,
  kResult = 0x08,
  kPrepare = 0x09,
  kExecute = 0x0A,
  kRegister = 0x0B,
  kEvent = 0x0C,
  kBatch = 0x0D,
  kAuthChallenge = 0x0E,
  kAuthResponse = 0x0F,
  kAuthSuccess = 0x10,
};

enum FrameFlags : uint8_t {
  kFlagCompressed = 0x01,
  kFlagTracing = 0x02,
  kFlagCustomPayload = 0x04,
  kFlagWarning = 0x08,
  kFlagBeta = 0x10,
};

constexpr size_t kHeaderSize = 9;

struct FrameHeader {
  uint8_t version = 0;  // with the direction bit: 0x04 request, 0x84 response
  uint8_t flags = 0;
  int16_t stream = 0;
  Opcode opcode = Opcode::kError;
  uint32_t length = 0;  // body length
};

FrameHeader decode_header(const uint8_t* p);             // REQUIRES: p points at kHeaderSize bytes
void encode_header(const FrameHeader& h, uint8_t* out);  // writes kHeaderSize bytes

// A bound value: [value] in the spec. kUnset is the v4 "-2" length.
struct Value {
  enum class Kind { kSet, kNull, kUnset };
  Kind kind = Kind::kNull;
  common::Bytes bytes;
};

class BodyReader {
 public:
  explicit BodyReader(common::BytesView body) : data_(body) {}

  uint8_t read_byte();
  int16_t read_short();
  uint16_t read_ushort();
  int32_t read_int();
  int64_t read_long();
  std::string read_string();                  // [string]: ushort length
  std::string read_long_string();             // [long string]: int length
  std::optional<common::Bytes> read_bytes();  // [bytes]: negative length -> nullopt
  common::Bytes read_short_bytes();           // [short bytes]
  Value read_value();                         // [value]: -1 null, -2 unset, other negatives invalid
  std::vector<std::string> read_string_list();
  std::map<std::string, std::string> read_string_map();
  std::map<std::string, std::optional<common::Bytes>> read_bytes_map();
  std::vector<std::pair<std::string, std::vector<std::string>>> read_string_multimap();
  // [inet]: the address bytes (4 or 16) and the port.
  std::pair<common::Bytes, int32_t> read_inet();
  uint16_t read_consistency() { return read_ushort(); }

  size_t remaining() const { return data_.size() - pos_; }
  bool at_end() const { return pos_ == data_.size(); }

 private:
  const char* take(size_t n);  // throws kProtocolError when fewer than n bytes remain
  common::BytesView data_;
  size_t pos_ = 0;
};

// Writers throw common::CqlError(kServerError) when a value cannot be represented (a [string]
// longer than 65535 bytes, an [inet] address that is not 4 or 16 bytes, an invalid DataType).
class BodyWriter {
 public:
  void write_byte(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void write_short(uint16_t v) { common::put_be16(out_, v); }
  void write_int(int32_t v) { common::put_be32(out_, static_cast<uint32_t>(v)); }
  void write_long(int64_t v) { common::put_be64(out_, static_cast<uint64_t>(v)); }
  void write_string(std::string_view s);
  void write_long_string(std::string_view s);
  void write_bytes(const std::optional<common::Bytes>& b);  // nullopt -> length -1
  void write_bytes(common::BytesView b);
  // Exact match for a Bytes argument, which would otherwise be ambiguous between the two above.
  void write_bytes(const common::Bytes& b) { write_bytes(common::BytesView(b)); }
  void write_short_bytes(common::BytesView b);
  void write_value(const Value& v);  // [value]: kNull -> -1, kUnset -> -2
  void write_string_list(const std::vector<std::string>& l);
  void write_string_map(const std::map<std::string, std::string>& m);
  void write_bytes_map(const std::map<std::string, std::optional<common::Bytes>>& m);
  void write_string_multimap(const std::vector<std::pair<std::string, std::vector<std::string>>>& m);
  // [inet]: one byte length (4 or 16), the address bytes, then [int] port.
  void write_inet(common::BytesView address, int32_t port);
  // A type [option] (spec 4.2.5.2). In protocol v4, duration is written as the custom type
  // "org.apache.cassandra.db.marshal.DurationType".
  void write_type(const common::DataType& t, int protocol_version);

  common::Bytes& data() { return out_; }
  common::Bytes take() { return std::move(out_); }

 private:
  common::Bytes out_;
};

enum class Compression { kNone, kLz4, kSnappy };

// "lz4" / "snappy" (case-insensitive) -> algorithm; nullopt for unknown names.
std::optional<Compression> compression_from_name(std::string_view name);

// lz4 body: [int BE uncompressed length][raw lz4 block]; snappy: raw snappy.
common::Bytes compress_body(Compression c, common::BytesView body);
// Throws common::CqlError(kProtocolError) on corrupt input or when the uncompressed size
// would exceed max_size.
common::Bytes decompress_body(Compression c, common::BytesView body, size_t max_size);

}  // namespace krill::transport
