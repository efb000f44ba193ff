// CQL consistency levels: the protocol's codes (native protocol v4, section 3
// [consistency]) and their names, shared by the client tools and the server.
//
// Pure functions, no state. consistency_name gives the upper-case name ("LOCAL_QUORUM");
// parse_consistency accepts any letter case and never throws.
#pragma once

#include <cstdint>
#include <string_view>

namespace krill::common {

enum class Consistency : uint16_t {
  kAny = 0x0000,
  kOne = 0x0001,
  kTwo = 0x0002,
  kThree = 0x0003,
  kQuorum = 0x0004,
  kAll = 0x0005,
  kLocalQuorum = 0x0006,
  kEachQuorum = 0x0007,
  kSerial = 0x0008,
  kLocalSerial = 0x0009,
  kLocalOne = 0x000A,
};

// "ONE", "LOCAL_QUORUM", ...; "UNKNOWN" for a value outside the enum.
const char* consistency_name(Consistency c);

// "LOCAL_ONE", "one", ... -> level; false (and `out` unchanged) for unknown names.
bool parse_consistency(std::string_view name, Consistency& out);

}  // namespace krill::common
