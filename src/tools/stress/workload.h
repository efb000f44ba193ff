// What `krill stress` sends: the schema statements, key choice and value generation.
//
// Keys are 10 bytes: the key number in decimal, zero-padded (e.g. "0000000042"), so a key
// written by `write` is found by `read` and visible in cqlsh. Column values are derived from
// the key number and column index, so a read can be checked without remembering writes.
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include "tools/stress/options.h"

namespace krill::tools::stress {

constexpr size_t kKeySize = 10;

// CREATE KEYSPACE IF NOT EXISTS / CREATE TABLE IF NOT EXISTS for the options' schema.
std::string create_keyspace_cql(const Options& o);
std::string create_table_cql(const Options& o);
// The prepared INSERT of all columns and the SELECT of one partition.
std::string insert_cql(const Options& o);
std::string select_cql(const Options& o);

// Writes the 10-byte key of key number `k` into `out` (REQUIRES: room for kKeySize bytes).
void format_key(uint64_t k, char* out);

// Fills `out` with `size` bytes of column `column`'s value for key number `k`: cheap,
// deterministic pseudo-random bytes.
void fill_value(uint64_t k, int column, char* out, size_t size);

// Draws key numbers from a population. One per thread: not thread-safe. Sequential
// populations map the operation's sequence number onto min..max (wrapping).
class KeyChooser {
 public:
  KeyChooser(const Population& p, uint64_t seed);
  // `seq` is the operation's sequence number, used by sequential populations.
  uint64_t next(uint64_t seq);

 private:
  Population pop_;
  std::mt19937_64 rng_;
  std::normal_distribution<double> normal_;
  std::uniform_int_distribution<uint64_t> uniform_;
};

}  // namespace krill::tools::stress
