// Internal to tools/load/: where loaded SST files go. A running node (its HTTP API) or a
// stopped node's data directory, opened directly (RocksDB's lock file keeps a running
// node out, and the node out while the load holds it).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/error.h"
#include "schema/schema.h"

namespace krill::tools::load {

class Target {
 public:
  virtual ~Target() = default;
  // The table to load into; error for an unknown keyspace or table.
  virtual common::Result<std::shared_ptr<const schema::TableDef>> table(const std::string& keyspace,
                                                                        const std::string& name) = 0;
  // Directory under which the loader creates its staging directory (on the node's disk).
  virtual std::string staging_root() = 0;
  // Ingests every *.sst file in `dir` atomically and removes `dir`. Returns the number of
  // files ingested.
  virtual common::Result<int> ingest(const schema::TableDef& table, const std::string& dir) = 0;
};

// The node's HTTP API (admin/api_load.h).
std::unique_ptr<Target> http_target(const std::string& address, uint16_t port);
// A stopped node's data directory; error when it holds no database or the node runs.
common::Result<std::unique_ptr<Target>> data_dir_target(const std::string& data_dir);

// Minimal blocking HTTP/1.1 client: `method` `target` to address:port; returns the status
// and sets `body`. Status 0 with `body` = the reason when the request could not be made.
int http_request(const std::string& address, uint16_t port, const std::string& method,
                 const std::string& target, std::string& body);

}  // namespace krill::tools::load
