// Schema statements, keys and values of `krill stress` (see workload.h).
#include "tools/stress/workload.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace krill::tools::stress {

namespace {

std::string table_name(const Options& o) { return "\"" + o.keyspace + "\".standard1"; }

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

std::string create_keyspace_cql(const Options& o) {
  return "CREATE KEYSPACE IF NOT EXISTS \"" + o.keyspace +
         "\" WITH replication = {'class': 'SimpleStrategy', 'replication_factor': " +
         std::to_string(o.replication_factor) + "}";
}

std::string create_table_cql(const Options& o) {
  std::string cql = "CREATE TABLE IF NOT EXISTS " + table_name(o) + " (key blob PRIMARY KEY";
  for (int c = 0; c < o.columns; ++c) cql += ", \"C" + std::to_string(c) + "\" blob";
  return cql + ")";
}

std::string insert_cql(const Options& o) {
  std::string cols = "key";
  std::string marks = "?";
  for (int c = 0; c < o.columns; ++c) {
    cols += ",\"C" + std::to_string(c) + "\"";
    marks += ",?";
  }
  return "INSERT INTO " + table_name(o) + " (" + cols + ") VALUES (" + marks + ")";
}

std::string select_cql(const Options& o) { return "SELECT * FROM " + table_name(o) + " WHERE key = ?"; }

void format_key(uint64_t k, char* out) {
  for (int i = static_cast<int>(kKeySize) - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + k % 10);
    k /= 10;
  }
}

void fill_value(uint64_t k, int column, char* out, size_t size) {
  uint64_t state = k * 0x100000001B3ull + static_cast<uint64_t>(column);
  size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    const uint64_t v = splitmix64(state);
    std::memcpy(out + i, &v, 8);
  }
  if (i < size) {
    const uint64_t v = splitmix64(state);
    std::memcpy(out + i, &v, size - i);
  }
}

KeyChooser::KeyChooser(const Population& p, uint64_t seed)
    : pop_(p),
      rng_(seed),
      normal_((static_cast<double>(p.min) + static_cast<double>(p.max)) / 2.0,
              std::max(1e-9, (static_cast<double>(p.max) - static_cast<double>(p.min)) / 2.0 / p.stdvrng)),
      uniform_(p.min, p.max) {}

uint64_t KeyChooser::next(uint64_t seq) {
  switch (pop_.kind) {
    case Population::Kind::kSeq:
      return pop_.min + seq % (pop_.max - pop_.min + 1);
    case Population::Kind::kUniform:
      return uniform_(rng_);
    case Population::Kind::kGaussian: {
      const double x = std::round(normal_(rng_));
      const double lo = static_cast<double>(pop_.min);
      const double hi = static_cast<double>(pop_.max);
      return static_cast<uint64_t>(std::clamp(x, lo, hi));
    }
  }
  return pop_.min;
}

}  // namespace krill::tools::stress
