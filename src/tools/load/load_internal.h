// Internal to tools/load/: options and the two loading modes of `krill load`.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "cql/insert_rows.h"
#include "tools/load/pipeline.h"
#include "tools/load/target.h"

namespace krill::tools::load {

struct LoadOptions {
  std::string keyspace;
  std::string table;
  std::vector<std::string> columns;  // empty: every column in table order
  PipelineOptions pipeline;          // files, CSV dialect, header, null marker, threads
  std::vector<std::string> field_names;
  std::string http_address = "127.0.0.1";
  uint16_t http_port = 8000;
  std::string data_dir;  // non-empty: load a stopped node's data directory
  uint64_t memory_bytes = 256ull << 20;
  uint64_t sst_bytes = 256ull << 20;  // SST files are cut at about this size
  int merge_parts = 2;                // SST writer threads (power of two, <= 16)
  int64_t timestamp = 0;              // write timestamp, microseconds
  int32_t now = 0;                    // seconds since epoch (TTL expiry)
  bool progress = false;              // progress line on stderr
  bool verbose = false;
  // --write-path: prepared INSERTs over CQL instead of SST files.
  bool write_path = false;
  std::string cql_host = "127.0.0.1";
  uint16_t cql_port = 9042;
  int connections = 2;
  int in_flight = 256;        // per connection
  uint64_t report_every = 0;  // rows; 0 = no interval lines
};

// Counters the progress line shows.
struct Progress {
  std::atomic<uint64_t> rows{0};
  std::atomic<uint64_t> bytes{0};
  std::atomic<uint64_t> merged{0};
  std::atomic<const char*> phase{"starting"};
};

// Prints "phase: N rows (R rows/s)" on stderr twice a second while alive, when enabled.
class ProgressPrinter {
 public:
  ProgressPrinter(Progress& p, bool enabled);
  ~ProgressPrinter() { stop(); }
  void stop();

 private:
  Progress& p_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// SST mode (load.cc) and write-path mode (write_path.cc). Return the exit code.
int run_sst_load(const LoadOptions& o, Target& target, const cql::InsertEncoder& encoder);
int run_write_path_load(const LoadOptions& o, const cql::InsertEncoder& encoder);

}  // namespace krill::tools::load
