// `krill stress` command line, in cassandra-stress's syntax:
//
//   krill stress write|read|mixed [n=N | duration=30s] [cl=LOCAL_ONE] [no-warmup]
//                [ratio(write=1,read=1)]
//                [-rate threads=N [fixed=N/s | throttle=N/s]]
//                [-node 127.0.0.1[,host...]] [-port native=9042]
//                [-pop seq=1..N | dist=gaussian(1..N) | dist=uniform(1..N)]
//                [-col n=FIXED(5) size=FIXED(34)] [-schema replication(factor=1) keyspace=keyspace1]
//                [-mode native cql3 prepared connectionsPerHost=N io=N]
//                [-log interval=1]
//
// Pure parsing: no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tools/client/protocol.h"

namespace krill::tools::stress {

enum class Command { kWrite, kRead, kMixed };

// A key population: sequential over [min, max] (wrapping), or drawn from a distribution.
struct Population {
  enum class Kind { kSeq, kGaussian, kUniform };
  Kind kind = Kind::kSeq;
  uint64_t min = 1;
  uint64_t max = 1000000;
  double stdvrng = 3.0;  // gaussian: stdev = (max - min) / 2 / stdvrng, as cassandra-stress
};

struct Options {
  Command command = Command::kWrite;
  std::optional<uint64_t> n;         // operations to run
  std::optional<double> duration_s;  // or run for this long
  client::Consistency consistency = client::Consistency::kLocalOne;
  double write_ratio = 1;  // mixed: weights of writes and reads
  double read_ratio = 1;
  int threads = 200;                    // requests in flight at most
  std::optional<double> fixed_rate;     // ops/s; latency from the intended start time
  std::optional<double> throttle_rate;  // ops/s; latency from the actual start
  std::vector<std::string> nodes{"127.0.0.1"};
  uint16_t port = 9042;
  std::optional<Population> population;  // default: seq for write, gaussian for read/mixed
  int columns = 5;
  uint32_t col_size_min = 34;  // bytes per column value: FIXED or UNIFORM
  uint32_t col_size_max = 34;
  int replication_factor = 1;
  std::string keyspace = "keyspace1";
  int connections_per_host = 4;
  int io_threads = 1;  // krill extension: -mode io=N event-loop threads
  // krill extension, -rate tick=Nus: with fixed= or throttle=, the operations due within one
  // tick leave together (as a driver's write coalescing would send them); 0 = one by one.
  int rate_tick_us = 100;
  double log_interval_s = 1.0;
  bool help = false;

  // The population in force: the explicit one, else cassandra-stress's default for the
  // command over 1..n (1..1,000,000 when only a duration was given).
  Population effective_population() const;
};

// Parses argv after "stress". Returns "" on success, else a message for the user.
std::string parse_options(const std::vector<std::string>& args, Options& out);

// The usage text.
std::string usage();

// "30s", "2m", "1h", "45" (seconds) -> seconds; false when malformed.
bool parse_duration(const std::string& text, double& seconds);

}  // namespace krill::tools::stress
