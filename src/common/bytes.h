// Byte strings and big-endian helpers shared by every layer.
//
// A Bytes is a std::string used as an octet sequence: it hashes, compares
// lexicographically as unsigned bytes via BytesView::compare on unsigned chars
// (use compare_bytes), and maps to rocksdb::Slice without copies.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace krill::common {

using Bytes = std::string;
using BytesView = std::string_view;

// Unsigned lexicographic comparison: <0, 0, >0.
inline int compare_bytes(BytesView a, BytesView b) {
  size_t n = a.size() < b.size() ? a.size() : b.size();
  int c = n ? std::memcmp(a.data(), b.data(), n) : 0;
  if (c != 0) return c;
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

inline void put_be16(Bytes& out, uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}
inline void put_be32(Bytes& out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<char>(v >> s));
}
inline void put_be64(Bytes& out, uint64_t v) {
  for (int s = 56; s >= 0; s -= 8) out.push_back(static_cast<char>(v >> s));
}
inline uint16_t get_be16(const char* p) {
  return static_cast<uint16_t>((static_cast<uint8_t>(p[0]) << 8) | static_cast<uint8_t>(p[1]));
}
inline uint32_t get_be32(const char* p) {
  return (uint32_t(uint8_t(p[0])) << 24) | (uint32_t(uint8_t(p[1])) << 16) | (uint32_t(uint8_t(p[2])) << 8) |
         uint32_t(uint8_t(p[3]));
}
inline uint64_t get_be64(const char* p) { return (uint64_t(get_be32(p)) << 32) | get_be32(p + 4); }

// Lower-case hex of the bytes, no prefix.
std::string to_hex(BytesView b);

// True when `b` is well-formed UTF-8: shortest-form sequences only, no UTF-16 surrogates
// (U+D800..U+DFFF), nothing above U+10FFFF.
bool is_valid_utf8(BytesView b);

}  // namespace krill::common
