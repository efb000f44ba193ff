// Consistency level names (see consistency.h).
#include "common/consistency.h"

#include <array>
#include <cctype>
#include <utility>

namespace krill::common {

namespace {

constexpr std::array<std::pair<std::string_view, Consistency>, 11> kNames{{
    {"ANY", Consistency::kAny},
    {"ONE", Consistency::kOne},
    {"TWO", Consistency::kTwo},
    {"THREE", Consistency::kThree},
    {"QUORUM", Consistency::kQuorum},
    {"ALL", Consistency::kAll},
    {"LOCAL_QUORUM", Consistency::kLocalQuorum},
    {"EACH_QUORUM", Consistency::kEachQuorum},
    {"SERIAL", Consistency::kSerial},
    {"LOCAL_SERIAL", Consistency::kLocalSerial},
    {"LOCAL_ONE", Consistency::kLocalOne},
}};

}  // namespace

const char* consistency_name(Consistency c) {
  for (const auto& [name, level] : kNames) {
    if (level == c) return name.data();  // the literals are NUL-terminated
  }
  return "UNKNOWN";
}

bool parse_consistency(std::string_view name, Consistency& out) {
  for (const auto& [n, level] : kNames) {
    if (n.size() != name.size()) continue;
    bool same = true;
    for (size_t i = 0; i < n.size() && same; ++i)
      same = std::toupper(static_cast<unsigned char>(name[i])) == static_cast<unsigned char>(n[i]);
    if (same) {
      out = level;
      return true;
    }
  }
  return false;
}

}  // namespace krill::common
