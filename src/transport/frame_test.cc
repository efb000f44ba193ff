#include "transport/frame.h"

#include <gtest/gtest.h>

#include <functional>
#include <limits>

#include "common/error.h"

namespace krill::transport {
namespace {

using common::Bytes;
using common::BytesView;
using common::CqlError;
using common::DataType;
using common::ErrorCode;
using common::TypeKind;

Bytes unhex(std::string_view h) {
  Bytes out;
  int nibbles = 0;
  int acc = 0;
  for (char c : h) {
    if (c == ' ') continue;
    int v = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : c - 'A' + 10;
    acc = acc * 16 + v;
    if (++nibbles == 2) {
      out.push_back(static_cast<char>(acc));
      nibbles = acc = 0;
    }
  }
  return out;
}

std::string hex(BytesView b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (char c : b) {
    s.push_back(kDigits[static_cast<uint8_t>(c) >> 4]);
    s.push_back(kDigits[static_cast<uint8_t>(c) & 0xF]);
  }
  return s;
}

ErrorCode code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const CqlError& e) {
    return e.code();
  }
  return static_cast<ErrorCode>(-1);
}

// Every strict prefix of `full` must make `read` throw a protocol error.
void expect_prefixes_throw(const Bytes& full, const std::function<void(BodyReader&)>& read) {
  for (size_t n = 0; n < full.size(); ++n) {
    const Bytes prefix = full.substr(0, n);  // a separate allocation, so ASan sees overreads
    EXPECT_EQ(code_of([&] {
                BodyReader r(prefix);
                read(r);
              }),
              ErrorCode::kProtocolError)
        << "prefix of " << n << " bytes";
  }
}

TEST(FrameHeader, RoundTrip) {
  FrameHeader h;
  h.version = 0x84;
  h.flags = kFlagCompressed | kFlagWarning;
  h.stream = -1;
  h.opcode = Opcode::kEvent;
  h.length = 0x01020304;
  uint8_t buf[kHeaderSize];
  encode_header(h, buf);
  EXPECT_EQ(hex(BytesView(reinterpret_cast<char*>(buf), kHeaderSize)), "8409ffff0c01020304");
  FrameHeader d = decode_header(buf);
  EXPECT_EQ(d.version, 0x84);
  EXPECT_EQ(d.flags, kFlagCompressed | kFlagWarning);
  EXPECT_EQ(d.stream, -1);
  EXPECT_EQ(d.opcode, Opcode::kEvent);
  EXPECT_EQ(d.length, 0x01020304u);
}

TEST(FrameHeader, DecodesRequest) {
  const Bytes b = unhex("04 00 7fff 07 80000000");
  FrameHeader d = decode_header(reinterpret_cast<const uint8_t*>(b.data()));
  EXPECT_EQ(d.version, 0x04);
  EXPECT_EQ(d.stream, 32767);
  EXPECT_EQ(d.opcode, Opcode::kQuery);
  EXPECT_EQ(d.length, 0x80000000u);
}

TEST(BodyPrimitives, FixedWidthRoundTrip) {
  BodyWriter w;
  w.write_byte(0xfe);
  w.write_short(0xfffe);
  w.write_int(-2);
  w.write_int(std::numeric_limits<int32_t>::max());
  w.write_long(std::numeric_limits<int64_t>::min());
  w.write_long(0x0102030405060708);
  EXPECT_EQ(hex(w.data()),
            "fe"
            "fffe"
            "fffffffe"
            "7fffffff"
            "8000000000000000"
            "0102030405060708");
  const Bytes b = w.take();
  BodyReader r(b);
  EXPECT_EQ(r.read_byte(), 0xfe);
  EXPECT_EQ(r.read_short(), -2);
  EXPECT_EQ(r.read_int(), -2);
  EXPECT_EQ(r.read_int(), std::numeric_limits<int32_t>::max());
  EXPECT_EQ(r.read_long(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(r.read_long(), 0x0102030405060708);
  EXPECT_TRUE(r.at_end());
  EXPECT_EQ(BodyReader(unhex("fffe")).read_ushort(), 0xfffe);
  EXPECT_EQ(BodyReader(unhex("000a")).read_consistency(), 0x000a);
}

TEST(BodyPrimitives, StringsRoundTrip) {
  BodyWriter w;
  w.write_string("ks");
  w.write_string("");
  w.write_long_string("SELECT ☃");
  w.write_string(std::string(65535, 'x'));
  const Bytes b = w.take();
  EXPECT_EQ(hex(b.substr(0, 8)),
            "00026b730000"
            "0000");
  BodyReader r(b);
  EXPECT_EQ(r.read_string(), "ks");
  EXPECT_EQ(r.read_string(), "");
  EXPECT_EQ(r.read_long_string(), "SELECT ☃");
  EXPECT_EQ(r.read_string(), std::string(65535, 'x'));
  EXPECT_TRUE(r.at_end());
}

TEST(BodyPrimitives, BytesRoundTrip) {
  BodyWriter w;
  w.write_bytes(Bytes("\x01\x02", 2));
  w.write_bytes(std::optional<Bytes>());
  w.write_bytes(std::optional<Bytes>(Bytes()));
  w.write_bytes(BytesView("abc"));
  w.write_short_bytes(BytesView("\xca\xfe", 2));
  const Bytes b = w.take();
  EXPECT_EQ(hex(b),
            "000000020102"
            "ffffffff"
            "00000000"
            "00000003616263"
            "0002cafe");
  BodyReader r(b);
  EXPECT_EQ(r.read_bytes(), Bytes("\x01\x02", 2));
  EXPECT_EQ(r.read_bytes(), std::nullopt);
  EXPECT_EQ(r.read_bytes(), Bytes());
  EXPECT_EQ(r.read_bytes(), Bytes("abc"));
  EXPECT_EQ(r.read_short_bytes(), Bytes("\xca\xfe", 2));
  EXPECT_TRUE(r.at_end());
  // Any negative [bytes] length is null.
  EXPECT_EQ(BodyReader(unhex("fffffffe")).read_bytes(), std::nullopt);
}

TEST(BodyPrimitives, ValueKinds) {
  BodyWriter w;
  w.write_value(Value{Value::Kind::kSet, "hi"});
  w.write_value(Value{Value::Kind::kNull, {}});
  w.write_value(Value{Value::Kind::kUnset, {}});
  w.write_value(Value{Value::Kind::kSet, ""});
  const Bytes b = w.take();
  EXPECT_EQ(hex(b),
            "000000026869"
            "ffffffff"
            "fffffffe"
            "00000000");
  BodyReader r(b);
  Value v = r.read_value();
  EXPECT_EQ(v.kind, Value::Kind::kSet);
  EXPECT_EQ(v.bytes, "hi");
  EXPECT_EQ(r.read_value().kind, Value::Kind::kNull);
  EXPECT_EQ(r.read_value().kind, Value::Kind::kUnset);
  v = r.read_value();
  EXPECT_EQ(v.kind, Value::Kind::kSet);
  EXPECT_EQ(v.bytes, "");
  EXPECT_TRUE(r.at_end());
  EXPECT_EQ(code_of([] { BodyReader(unhex("fffffffd")).read_value(); }), ErrorCode::kProtocolError);
  EXPECT_EQ(code_of([] { BodyReader(unhex("80000000")).read_value(); }), ErrorCode::kProtocolError);
}

TEST(BodyPrimitives, CollectionsRoundTrip) {
  BodyWriter w;
  w.write_string_list({"a", "bc"});
  w.write_string_map({{"CQL_VERSION", "3.0.0"}, {"COMPRESSION", "lz4"}});
  w.write_bytes_map({{"k", Bytes("v")}, {"n", std::nullopt}});
  w.write_string_multimap({{"CQL_VERSION", {"3.4.5"}}, {"COMPRESSION", {}}});
  const Bytes b = w.take();
  EXPECT_EQ(hex(b.substr(0, 9)),
            "0002"
            "000161"
            "00026263");
  BodyReader r(b);
  EXPECT_EQ(r.read_string_list(), (std::vector<std::string>{"a", "bc"}));
  EXPECT_EQ(r.read_string_map(),
            (std::map<std::string, std::string>{{"CQL_VERSION", "3.0.0"}, {"COMPRESSION", "lz4"}}));
  EXPECT_EQ(r.read_bytes_map(),
            (std::map<std::string, std::optional<Bytes>>{{"k", Bytes("v")}, {"n", std::nullopt}}));
  auto mm = r.read_string_multimap();
  ASSERT_EQ(mm.size(), 2u);
  EXPECT_EQ(mm[0].first, "CQL_VERSION");
  EXPECT_EQ(mm[0].second, std::vector<std::string>{"3.4.5"});
  EXPECT_EQ(mm[1].first, "COMPRESSION");
  EXPECT_TRUE(mm[1].second.empty());
  EXPECT_TRUE(r.at_end());
}

TEST(BodyPrimitives, MultimapExactBytes) {
  BodyWriter w;
  w.write_string_multimap({{"C", {"x", "y"}}});
  EXPECT_EQ(hex(w.data()),
            "0001"
            "000143"
            "0002"
            "000178"
            "000179");
}

TEST(BodyPrimitives, InetRoundTrip) {
  BodyWriter w;
  w.write_inet(BytesView("\x7f\x00\x00\x01", 4), 9042);
  w.write_inet(Bytes(16, '\x01'), -1);
  const Bytes b = w.take();
  EXPECT_EQ(hex(b.substr(0, 9)), "047f00000100002352");
  BodyReader r(b);
  auto [a4, p4] = r.read_inet();
  EXPECT_EQ(a4, Bytes("\x7f\x00\x00\x01", 4));
  EXPECT_EQ(p4, 9042);
  auto [a16, p16] = r.read_inet();
  EXPECT_EQ(a16, Bytes(16, '\x01'));
  EXPECT_EQ(p16, -1);
  EXPECT_TRUE(r.at_end());
  EXPECT_EQ(code_of([] { BodyReader(unhex("05 0102030405 00000001")).read_inet(); }),
            ErrorCode::kProtocolError);
  EXPECT_EQ(code_of([] { BodyWriter().write_inet(BytesView("abc"), 1); }), ErrorCode::kServerError);
}

TEST(BodyPrimitives, TruncatedInputsThrowProtocolError) {
  expect_prefixes_throw(unhex("fe"), [](BodyReader& r) { r.read_byte(); });
  expect_prefixes_throw(unhex("0102"), [](BodyReader& r) { r.read_short(); });
  expect_prefixes_throw(unhex("0102"), [](BodyReader& r) { r.read_ushort(); });
  expect_prefixes_throw(unhex("01020304"), [](BodyReader& r) { r.read_int(); });
  expect_prefixes_throw(unhex("0102030405060708"), [](BodyReader& r) { r.read_long(); });
  expect_prefixes_throw(unhex("0003616263"), [](BodyReader& r) { r.read_string(); });
  expect_prefixes_throw(unhex("00000003616263"), [](BodyReader& r) { r.read_long_string(); });
  expect_prefixes_throw(unhex("00000003616263"), [](BodyReader& r) { r.read_bytes(); });
  expect_prefixes_throw(unhex("0003616263"), [](BodyReader& r) { r.read_short_bytes(); });
  expect_prefixes_throw(unhex("00000003616263"), [](BodyReader& r) { r.read_value(); });
  expect_prefixes_throw(unhex("0002 000161 00026263"), [](BodyReader& r) { r.read_string_list(); });
  expect_prefixes_throw(unhex("0001 000161 000162"), [](BodyReader& r) { r.read_string_map(); });
  expect_prefixes_throw(unhex("0001 000161 0000000162"), [](BodyReader& r) { r.read_bytes_map(); });
  expect_prefixes_throw(unhex("0001 000161 0001 000162"), [](BodyReader& r) { r.read_string_multimap(); });
  expect_prefixes_throw(unhex("04 7f000001 00002352"), [](BodyReader& r) { r.read_inet(); });
}

TEST(BodyPrimitives, HugeLengthsDoNotAllocate) {
  // A length far beyond the body is an error before any allocation.
  EXPECT_EQ(code_of([] { BodyReader(unhex("7fffffff00")).read_long_string(); }), ErrorCode::kProtocolError);
  EXPECT_EQ(code_of([] { BodyReader(unhex("7fffffff00")).read_bytes(); }), ErrorCode::kProtocolError);
  EXPECT_EQ(code_of([] { BodyReader(unhex("ffff")).read_string_list(); }), ErrorCode::kProtocolError);
  EXPECT_EQ(code_of([] { BodyReader(unhex("ffffffff")).read_long_string(); }), ErrorCode::kProtocolError);
}

TEST(BodyPrimitives, ErrorMessageNamesThePrimitive) {
  try {
    BodyReader(unhex("000561")).read_string();
    FAIL() << "expected a throw";
  } catch (const CqlError& e) {
    EXPECT_EQ(e.code(), ErrorCode::kProtocolError);
    EXPECT_NE(std::string(e.what()).find("Not enough bytes to read a [string]"), std::string::npos)
        << e.what();
  }
}

TEST(BodyPrimitives, OversizedWritesThrow) {
  EXPECT_EQ(code_of([] { BodyWriter().write_string(std::string(65536, 'x')); }), ErrorCode::kServerError);
  EXPECT_EQ(code_of([] { BodyWriter().write_short_bytes(std::string(65536, 'x')); }),
            ErrorCode::kServerError);
}

std::string type_hex(const DataType& t, int version) {
  BodyWriter w;
  w.write_type(t, version);
  return hex(w.data());
}

TEST(TypeOption, NativeTypes) {
  EXPECT_EQ(type_hex(DataType::native(TypeKind::kInt), 4), "0009");
  EXPECT_EQ(type_hex(DataType::native(TypeKind::kText), 4), "000d");
  EXPECT_EQ(type_hex(DataType::native(TypeKind::kCounter), 4), "0005");
  EXPECT_EQ(type_hex(DataType::native(TypeKind::kTinyint), 4), "0014");
  EXPECT_EQ(type_hex(DataType::custom("a.B"), 4),
            "0000"
            "0003612e42");
}

TEST(TypeOption, DurationV4IsCustomV5IsNative) {
  const DataType d = DataType::native(TypeKind::kDuration);
  const std::string cls = "org.apache.cassandra.db.marshal.DurationType";
  EXPECT_EQ(type_hex(d, 4), "0000" + hex(Bytes("\x00\x2c", 2)) + hex(cls));
  EXPECT_EQ(type_hex(d, 5), "0015");
  // Nested: list<duration>.
  EXPECT_EQ(type_hex(DataType::list(d), 4),
            "0020"
            "0000002c" +
                hex(cls));
  EXPECT_EQ(type_hex(DataType::list(d), 5),
            "0020"
            "0015");
}

TEST(TypeOption, NestedCollections) {
  const DataType t =
      DataType::map(DataType::native(TypeKind::kText),
                    DataType::list(DataType::set(DataType::native(TypeKind::kInt), true), true));
  EXPECT_EQ(type_hex(t, 4),
            "0021"
            "000d"
            "0020"
            "0022"
            "0009");
  EXPECT_EQ(type_hex(DataType::set(DataType::native(TypeKind::kUuid)), 4), "0022000c");
}

TEST(TypeOption, UdtAndTuple) {
  const DataType addr = DataType::udt("ks", "addr", {"street", "zip"},
                                      {DataType::native(TypeKind::kText), DataType::native(TypeKind::kInt)});
  EXPECT_EQ(type_hex(addr, 4),
            "0030"
            "00026b73"
            "000461646472"
            "0002"
            "0006737472656574"
            "000d"
            "00037a6970"
            "0009");
  const DataType tup = DataType::tuple({DataType::native(TypeKind::kBigint), addr});
  EXPECT_EQ(type_hex(tup, 4),
            "0031"
            "0002"
            "0002" +
                type_hex(addr, 4));
  EXPECT_EQ(type_hex(DataType::tuple({}), 4), "00310000");
}

TEST(TypeOption, InvalidTypeThrows) {
  EXPECT_EQ(code_of([] { BodyWriter().write_type(DataType(), 4); }), ErrorCode::kServerError);
}

// --- Compression -----------------------------------------------------------------------------

Bytes sample_body(size_t n) {
  Bytes b;
  for (size_t i = 0; i < n; ++i) b.push_back(static_cast<char>("krill cassandra"[i % 15] + (i % 97 == 0)));
  return b;
}

TEST(Compression, FromName) {
  EXPECT_EQ(compression_from_name("lz4"), Compression::kLz4);
  EXPECT_EQ(compression_from_name("LZ4"), Compression::kLz4);
  EXPECT_EQ(compression_from_name("Snappy"), Compression::kSnappy);
  EXPECT_EQ(compression_from_name("zstd"), std::nullopt);
  EXPECT_EQ(compression_from_name(""), std::nullopt);
}

TEST(Compression, RoundTrip) {
  for (Compression c : {Compression::kNone, Compression::kLz4, Compression::kSnappy}) {
    for (size_t n : {size_t{0}, size_t{1}, size_t{100}, size_t{100000}}) {
      const Bytes body = sample_body(n);
      const Bytes packed = compress_body(c, body);
      EXPECT_EQ(decompress_body(c, packed, 1 << 20), body) << static_cast<int>(c) << " n=" << n;
    }
  }
}

TEST(Compression, Lz4Layout) {
  const Bytes body = sample_body(1000);
  const Bytes packed = compress_body(Compression::kLz4, body);
  EXPECT_EQ(hex(packed.substr(0, 4)), "000003e8");
  EXPECT_LT(packed.size(), body.size());
  // A zero length with an empty block is an empty body.
  EXPECT_EQ(decompress_body(Compression::kLz4, unhex("00000000"), 100), "");
}

TEST(Compression, SizeBound) {
  const Bytes body = sample_body(5000);
  for (Compression c : {Compression::kNone, Compression::kLz4, Compression::kSnappy}) {
    const Bytes packed = compress_body(c, body);
    EXPECT_EQ(decompress_body(c, packed, 5000), body);
    EXPECT_EQ(code_of([&] { decompress_body(c, packed, 4999); }), ErrorCode::kProtocolError);
  }
  // A declared size far beyond the limit is rejected before allocating.
  EXPECT_EQ(code_of([] { decompress_body(Compression::kLz4, unhex("7fffffff00"), 1 << 20); }),
            ErrorCode::kProtocolError);
  EXPECT_EQ(code_of([] { decompress_body(Compression::kLz4, unhex("ffffffff00"), 1 << 20); }),
            ErrorCode::kProtocolError);
  EXPECT_EQ(code_of([] { decompress_body(Compression::kSnappy, unhex("ffffffff0f00"), 1 << 20); }),
            ErrorCode::kProtocolError);
}

TEST(Compression, CorruptInputThrows) {
  const Bytes body = sample_body(3000);
  for (Compression c : {Compression::kLz4, Compression::kSnappy}) {
    const Bytes packed = compress_body(c, body);
    // Truncations.
    for (size_t n :
         {size_t{0}, size_t{1}, size_t{3}, size_t{4}, size_t{5}, packed.size() / 2, packed.size() - 1}) {
      const Bytes cut = packed.substr(0, n);
      EXPECT_EQ(code_of([&] { decompress_body(c, cut, 1 << 20); }), ErrorCode::kProtocolError)
          << static_cast<int>(c) << " cut at " << n;
    }
    // Byte flips anywhere must either throw a protocol error or decode to some body of the
    // declared size; never crash (ASan/UBSan builds check this).
    for (size_t i = 0; i < packed.size(); i += 7) {
      Bytes bad = packed;
      bad[i] = static_cast<char>(bad[i] ^ 0x5a);
      try {
        const Bytes out = decompress_body(c, bad, 1 << 20);
        EXPECT_LE(out.size(), size_t{1} << 20);
      } catch (const CqlError& e) {
        EXPECT_EQ(e.code(), ErrorCode::kProtocolError);
      }
    }
  }
  // Garbage that is not a compressed buffer at all.
  EXPECT_EQ(code_of([] { decompress_body(Compression::kLz4, unhex("00000010ffffffffffff"), 100); }),
            ErrorCode::kProtocolError);
  EXPECT_EQ(code_of([] { decompress_body(Compression::kSnappy, unhex("10ffffffffffff"), 100); }),
            ErrorCode::kProtocolError);
  // The declared lz4 length must match what the block holds.
  Bytes wrong = compress_body(Compression::kLz4, body);
  wrong[3] = static_cast<char>(wrong[3] - 1);
  EXPECT_EQ(code_of([&] { decompress_body(Compression::kLz4, wrong, 1 << 20); }), ErrorCode::kProtocolError);
}

}  // namespace
}  // namespace krill::transport
