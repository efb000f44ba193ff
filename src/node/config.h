// Node configuration: built-in defaults < krill.yaml (cassandra.yaml key names) <
// environment (KRILL_*, and CASSANDRA_* aliases for the Docker habit) < command-line flags.
// docs/configuration.md lists every key.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "logging/options.h"

namespace krill::node {

struct Config {
  std::string data_dir = "./data";
  std::string listen_address = "127.0.0.1";
  uint16_t native_port = 9042;
  uint16_t http_port = 8000;
  // Address of the admin HTTP API, health checks and /metrics (docs/operations.md).
  std::string http_address = "127.0.0.1";
  int smp = 0;  // reactor threads; 0 = number of cores
  uint64_t memory_bytes = 512ull << 20;
  std::string cluster_name = "Test Cluster";
  std::string config_file;
  // Limits (cassandra.yaml names in comments).
  uint64_t max_frame_bytes = 16ull << 20;          // native_transport_max_frame_size_in_mb
  uint64_t max_connections = 10000;                // native_transport_max_concurrent_connections
  uint64_t max_requests_per_connection = 1024;     // krill: in-flight requests per connection
  uint64_t max_requests_per_node = 8192;           // krill: in-flight requests per node
  int request_threads = 0;                         // native_transport_max_threads; 0 = 4 x cores (min 8)
  uint64_t requests_per_task = 0;                  // krill: native_transport_requests_per_task; 0 = auto
  bool inline_execution = true;                    // krill: native_transport_inline_execution (periodic only)
  int num_tokens = 16;                             // num_tokens
  std::string commitlog_sync = "periodic";         // commitlog_sync: periodic | batch | group
  int commitlog_sync_period_ms = 10000;            // commitlog_sync_period(_in_ms): periodic fsync interval
  int commitlog_sync_group_window_ms = 15;         // commitlog_sync_group_window(_in_ms): group fsync spacing
  uint64_t compaction_throughput_mb_per_sec = 64;  // compaction_throughput_mb_per_sec (0 = unthrottled)
  bool auto_snapshot = true;                       // auto_snapshot: snapshot before DROP / TRUNCATE
  double request_memory_fraction = 0.125;          // krill: request bytes in flight, as a fraction of memory
  uint64_t request_memory_bytes = 0;  // native_transport_max_request_data_in_flight; 0 = fraction
  std::string data_center = "datacenter1";
  std::string rack = "rack1";
  int drain_timeout_ms = 10000;
  // Levels, the console, the ring of recent lines and remote syslog (config_logging.h).
  logging::LoggingOptions logging;
};

// Result of parsing the command line for `krill serve`.
struct ConfigResult {
  Config config;
  std::string error;  // non-empty: print and exit 1
};

// Applies the YAML file at `path` over `config`. Returns an error message or "".
std::string apply_yaml_file(Config& config, const std::string& path);
// Applies KRILL_* / CASSANDRA_* environment variables. Returns an error message or "".
std::string apply_environment(Config& config, char** envp);
// Parses "512M", "2G", "1024" (bytes), "64MiB". Returns false on malformed input.
bool parse_size(const std::string& text, uint64_t& out);

// Human-readable "key: value" lines of the effective configuration (for the start-up log).
std::vector<std::string> describe(const Config& config);

}  // namespace krill::node
