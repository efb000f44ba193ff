// Internal to tools/load/: the varint framing of key/value entries in the sort buffer, the
// run files and the pipeline's per-chunk output ([varint key length][key][varint value
// length][value]). Little-endian base-128 varints, at most 10 bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace krill::tools::load {

inline void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// Decodes a varint at p (< end); returns bytes used, 0 when incomplete.
inline size_t get_varint(const char* p, const char* end, uint64_t& v) {
  v = 0;
  for (int shift = 0, i = 0; p + i < end && shift < 64; shift += 7, ++i) {
    auto b = static_cast<uint8_t>(p[i]);
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return static_cast<size_t>(i + 1);
  }
  return 0;
}

// Appends one entry: key and value, each after its varint length.
inline void append_entry(std::string& out, std::string_view key, std::string_view value) {
  put_varint(out, key.size());
  out.append(key);
  put_varint(out, value.size());
  out.append(value);
}

}  // namespace krill::tools::load
