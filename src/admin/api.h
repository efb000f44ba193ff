// The admin REST API (ScyllaDB paths, JSON via Boost.JSON), health checks and /metrics.
//
// AdminApi only reads the node through NodeView, whose callbacks the node fills; it never
// includes storage or schema. Handlers marked blocking by runs_inline() == false may touch
// storage and must run on the request pool (HttpServer does that).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "admin/http_server.h"
#include "admin/metrics.h"
#include "admin/node_ops.h"

namespace krill::logging {
class Registry;
}

namespace krill::admin {

// The outcome of NodeView::ingest: files ingested, or an HTTP status and message.
struct IngestResult {
  int files = 0;
  int status = 200;
  std::string error;  // empty on success
};

// What the API reads of the node. Callbacks are thread-safe; the ones marked (blocking)
// may touch storage and are only called on the request pool.
struct NodeView {
  std::string cluster_name;
  std::string release_version;  // CQL-visible Cassandra version, e.g. 4.0.11
  std::string krill_version;
  std::string host_id;
  std::string data_center;
  std::string rack;
  std::string listen_address;
  uint16_t native_port = 9042;
  std::string data_dir;
  uint64_t memory_budget_bytes = 0;
  int smp = 0;
  int64_t gossip_generation = 0;
  std::vector<int64_t> tokens;
  Metrics* metrics = nullptr;  // may be null
  // CQL accepts connections and the node is not draining.
  std::function<bool()> ready;
  // Keyspace names (all, system ones included) and (keyspace, table) pairs.
  std::function<std::vector<std::string>()> keyspaces;
  std::function<std::vector<std::pair<std::string, std::string>>()> tables;
  // The current schema version (a uuid).
  std::function<std::string()> schema_version;
  // (blocking) Flushes one keyspace's tables, or every table when `keyspace` is empty.
  // Returns "" or an error; "unknown keyspace ..." maps to 400.
  std::function<std::string(const std::string& keyspace)> flush;
  // (blocking) Approximate bytes of table data on disk.
  std::function<uint64_t()> live_data_bytes;
  // (blocking) Tables, flush/compact/snapshot/drain, compaction throughput, memory (node_ops.h);
  // routes in api_ops.cc, the dashboard in dashboard.cc. May be null.
  std::shared_ptr<NodeOps> ops;
  // (blocking) Bulk load (api_load.h): a keyspace's schema record (JSON), "" if unknown;
  // and the ingestion of the SST files in a staging directory into a table.
  std::function<std::string(const std::string& keyspace)> keyspace_schema;
  std::function<IngestResult(const std::string& keyspace, const std::string& table,
                             const std::string& table_id, const std::string& dir)>
      ingest;
  // Named loggers, their levels and the ring of recent lines (routes in api_logging.cc:
  // /system/logger, /krill/log). May be null. Owned by the node, outlives the API.
  logging::Registry* logs = nullptr;
};

class AdminApi {
 public:
  explicit AdminApi(NodeView view);

  // Routes one request. Never throws.
  HttpResponse handle(const HttpRequest& request) const;
  // True for the endpoints that never block (served on the reactor).
  static bool runs_inline(const HttpRequest& request);

 private:
  HttpResponse host_info() const;
  NodeView view_;
};

}  // namespace krill::admin
