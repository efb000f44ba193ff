#include "node/node.h"

#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>

#include "admin/api.h"
#include "admin/http_server.h"
#include "admin/metrics.h"
#include "common/uuid.h"
#include "coordinator/coordinator.h"
#include "cql/query_processor.h"
#include "logging/logging.h"
#include "node/admin_ops.h"
#include "node/boot.h"
#include "node/bulk_load.h"
#include "node/sd_notify.h"
#include "schema/schema_manager.h"
#include "schema/system_keyspaces.h"
#include "storage/engine.h"
#include "transport/server.h"

namespace krill::node {

namespace asio = boost::asio;

namespace {

constexpr const char* kHostIdKey = "local/host_id";
constexpr const char* kTokensKey = "local/tokens";

// Reads or creates the node's identity (host id and tokens), persisted in storage.
std::string load_identity(storage::Engine& engine, common::UuidGenerator& uuids, int num_tokens,
                          schema::NodeInfo& info) {
  auto id = engine.scan_meta(kHostIdKey);
  if (!id.is_ok()) return id.status().message();
  if (!id.value().empty()) {
    auto u = common::Uuid::parse(id.value().front().second);
    if (!u) return "corrupt host id record";
    info.host_id = *u;
  } else {
    info.host_id = uuids.random();
    auto s = engine.put_meta(kHostIdKey, info.host_id.to_string(), true);
    if (!s.is_ok()) return s.message();
  }
  auto tokens = engine.scan_meta(kTokensKey);
  if (!tokens.is_ok()) return tokens.status().message();
  if (!tokens.value().empty()) {
    std::string text = tokens.value().front().second;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t comma = text.find(',', pos);
      info.tokens.push_back(std::stoll(text.substr(pos, comma - pos)));
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
  } else {
    std::random_device rd;
    std::mt19937_64 rng((uint64_t(rd()) << 32) | rd());
    std::string text;
    for (int i = 0; i < num_tokens; ++i) {
      int64_t t = static_cast<int64_t>(rng());
      if (t == INT64_MIN) t = 0;
      info.tokens.push_back(t);
      text += (i ? "," : "") + std::to_string(t);
    }
    auto s = engine.put_meta(kTokensKey, text, true);
    if (!s.is_ok()) return s.message();
  }
  return "";
}

common::Bytes address_bytes(const std::string& text) {
  boost::system::error_code ec;
  auto a = asio::ip::make_address(text, ec);
  if (ec) return common::Bytes("\x7f\0\0\1", 4);
  if (a.is_v4()) {
    auto b = a.to_v4().to_bytes();
    return common::Bytes(reinterpret_cast<const char*>(b.data()), b.size());
  }
  auto b = a.to_v6().to_bytes();
  return common::Bytes(reinterpret_cast<const char*>(b.data()), b.size());
}

}  // namespace

struct Node::Services {
  common::UuidGenerator uuids;
  std::unique_ptr<storage::Engine> engine;
  std::unique_ptr<schema::SchemaManager> schema;
  schema::NodeInfo info;
  std::unique_ptr<coordinator::Coordinator> coordinator;
  std::unique_ptr<cql::QueryProcessor> processor;
  std::vector<std::unique_ptr<asio::io_context>> reactors;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  std::vector<std::thread> reactor_threads;
  std::unique_ptr<asio::thread_pool> request_pool;
  std::unique_ptr<transport::CqlServer> server;
  admin::Metrics metrics;
  std::unique_ptr<admin::HttpServer> http;
  std::atomic<bool> serving{false};    // CQL accepts connections and the node is not draining
  std::unique_ptr<Watchdog> watchdog;  // systemd's, when it asks for pings
  // Forwards schema events to the server once it exists.
  struct Events : cql::EventSink {
    transport::CqlServer* server = nullptr;
    void on_schema_change(const cql::SchemaChange& c) override {
      if (server != nullptr) server->events().on_schema_change(c);
    }
  } events;
};

Node::Node(Config config, logging::Registry& logs, const SystemdNotifier* notifier)
    : config_(std::move(config)),
      logs_(logs),
      notifier_(notifier),
      log_(logs.get("init")),
      services_(std::make_unique<Services>()) {
  // Created up front so that /system/logger lists them before their first line.
  for (const char* name : {"storage", "commitlog", "compaction", "schema", "cql_server", "http", "crash"})
    logs_.get(name);
}

void Node::status(const std::string& text) const {
  if (notifier_ != nullptr) notifier_->status(text);
}

Node::~Node() { stop(); }

std::string Node::start() {
  auto& s = *services_;
  int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int smp = config_.smp > 0 ? config_.smp : cores;
  int request_threads = config_.request_threads > 0 ? config_.request_threads : std::max(8, 4 * cores);

  storage::EngineOptions eo;
  eo.data_dir = config_.data_dir;
  // The memory budget: a quarter for the block cache, a quarter for memtables; the rest
  // is headroom for requests and the process itself.
  eo.block_cache_bytes = config_.memory_bytes / 4;
  eo.write_buffer_bytes = config_.memory_bytes / 4;
  if (!storage::parse_commitlog_sync(config_.commitlog_sync, eo.commitlog_sync))
    return "bad commitlog_sync '" + config_.commitlog_sync + "'";
  eo.commitlog_sync_period_ms = config_.commitlog_sync_period_ms;
  eo.commitlog_sync_group_window_ms = config_.commitlog_sync_group_window_ms;
  eo.auto_snapshot = config_.auto_snapshot;
  eo.compaction_throughput_bytes = config_.compaction_throughput_mb_per_sec << 20;
  eo.log = logs_.get("storage");
  status("Opening storage");
  auto engine = storage::Engine::open(eo);
  if (!engine.is_ok()) return "storage: " + engine.status().message();
  s.engine = std::move(engine.value());
  logs_.get("storage")->info("Storage opened at {}/db (commitlog_sync {})", config_.data_dir,
                             config_.commitlog_sync);
  logs_.get("commitlog")
      ->info("commitlog_sync {}: period {} ms, group window {} ms", config_.commitlog_sync,
             config_.commitlog_sync_period_ms, config_.commitlog_sync_group_window_ms);
  logs_.get("compaction")
      ->info("compaction throughput limit {} MiB/s{}", config_.compaction_throughput_mb_per_sec,
             config_.compaction_throughput_mb_per_sec == 0 ? " (unthrottled)" : "");
  status("Loading schema");

  s.schema = std::make_unique<schema::SchemaManager>(*s.engine, s.uuids);
  auto st = s.schema->load();
  if (!st.is_ok()) return "schema: " + st.message();
  logs_.get("schema")->info("Schema loaded: {} keyspaces, version {}", s.schema->current()->keyspaces.size(),
                            s.schema->current()->version.to_string());

  s.info.cluster_name = config_.cluster_name;
  s.info.data_center = config_.data_center;
  s.info.rack = config_.rack;
  s.info.listen_address = address_bytes(config_.listen_address);
  s.info.rpc_address = s.info.listen_address;
  s.info.native_port = config_.native_port;
  s.info.gossip_generation = static_cast<int32_t>(std::time(nullptr));
  std::string err = load_identity(*s.engine, s.uuids, config_.num_tokens, s.info);
  if (!err.empty()) return "identity: " + err;

  coordinator::CoordinatorOptions co;
  co.sync_writes = false;   // the engine applies commitlog_sync
  co.metrics = &s.metrics;  // per-table and storage-proxy latencies
  s.coordinator = std::make_unique<coordinator::Coordinator>(*s.engine, co);
  s.processor = std::make_unique<cql::QueryProcessor>(*s.schema, *s.coordinator, s.info, s.uuids, &s.events,
                                                      cql::ProcessorLimits{});

  status("Starting reactors and the request pool");
  s.request_pool = std::make_unique<asio::thread_pool>(request_threads);
  std::vector<asio::io_context*> reactors;
  for (int i = 0; i < smp; ++i) {
    s.reactors.push_back(std::make_unique<asio::io_context>());
    s.guards.push_back(asio::make_work_guard(*s.reactors.back()));
    reactors.push_back(s.reactors.back().get());
  }
  for (auto& r : s.reactors) s.reactor_threads.emplace_back([io = r.get()] { io->run(); });

  transport::ServerOptions so;
  so.listen_address = config_.listen_address;
  so.port = config_.native_port;
  so.max_frame_bytes = config_.max_frame_bytes;
  so.max_connections = config_.max_connections;
  so.max_requests_per_connection = config_.max_requests_per_connection;
  so.max_requests_per_node = config_.max_requests_per_node;
  // Requests of one read run in order on one pool thread. With a commit log that makes each
  // write wait for an fsync (batch, group), each request gets its own task so that their
  // waits overlap.
  so.requests_per_task = config_.requests_per_task > 0          ? config_.requests_per_task
                         : config_.commitlog_sync == "periodic" ? 16
                                                                : 1;
  // Only the periodic commit log acknowledges a write without waiting for an fsync.
  so.inline_execution = config_.inline_execution && config_.commitlog_sync == "periodic";
  so.max_request_bytes_in_flight = request_memory_budget();
  so.metrics = &s.metrics;
  s.server = std::make_unique<transport::CqlServer>(so, reactors, *s.request_pool, *s.processor,
                                                    logs_.get("cql_server"));
  status("Starting the CQL server");
  s.events.server = s.server.get();
  err = s.server->start();
  if (!err.empty()) return err;
  log_->info("Starting listening for CQL clients on {}:{} ({} reactors, {} request threads)",
             config_.listen_address, s.server->bound_port(), smp, request_threads);
  s.serving = true;
  status("Starting the HTTP server");
  err = start_http(smp);
  if (!err.empty()) return err;
  announce_ready();
  return "";
}

std::string Node::start_http(int smp) {
  auto& s = *services_;
  admin::NodeView v;
  v.cluster_name = s.info.cluster_name;
  v.release_version = s.info.release_version;
  v.krill_version = KRILL_VERSION;
  v.host_id = s.info.host_id.to_string();
  v.data_center = s.info.data_center;
  v.rack = s.info.rack;
  v.listen_address = config_.listen_address;
  v.native_port = config_.native_port;
  v.data_dir = config_.data_dir;
  v.memory_budget_bytes = config_.memory_bytes;
  v.smp = smp;
  v.gossip_generation = s.info.gossip_generation;
  v.tokens = s.info.tokens;
  v.metrics = &s.metrics;
  v.ready = [&s] { return s.serving.load(); };
  v.keyspaces = [&s] {
    std::vector<std::string> out;
    for (auto& [name, ks] : s.schema->current()->keyspaces) out.push_back(name);
    return out;
  };
  v.tables = [&s] {
    std::vector<std::pair<std::string, std::string>> out;
    for (auto& [name, ks] : s.schema->current()->keyspaces)
      for (auto& [table, t] : ks->tables) out.emplace_back(name, table);
    return out;
  };
  v.flush = [&s](const std::string& keyspace) -> std::string {
    if (keyspace.empty()) {
      auto st = s.engine->flush();
      return st.is_ok() ? "" : st.message();
    }
    auto schema = s.schema->current();
    auto it = schema->keyspaces.find(keyspace);
    if (it == schema->keyspaces.end()) return "unknown keyspace " + keyspace;
    for (auto& [name, t] : it->second->tables) {
      if (!t->layout) continue;  // virtual table
      auto st = s.engine->flush_table(t->layout->id);
      if (!st.is_ok()) return keyspace + "." + name + ": " + st.message();
      for (auto& index : t->indexes) {
        if (!index.layout) continue;
        st = s.engine->flush_table(index.layout->id);
        if (!st.is_ok()) return keyspace + "." + name + " index " + index.name + ": " + st.message();
      }
    }
    return "";
  };
  v.schema_version = [&s] { return s.schema->current()->version.to_string(); };
  v.live_data_bytes = [&s] { return s.engine->live_data_bytes(); };
  v.logs = &logs_;
  v.keyspace_schema = [&s](const std::string& ks) { return keyspace_record(*s.schema->current(), ks); };
  v.ingest = [&s](const std::string& ks, const std::string& table, const std::string& id,
                  const std::string& dir) {
    return ingest_staged(*s.engine, *s.schema->current(), ks, table, id, dir);
  };
  AdminOpsDeps ops;  // nodetool's operations and the dashboard (admin_ops.h)
  ops.engine = s.engine.get();
  ops.schema = s.schema.get();
  ops.serving = &s.serving;
  ops.stop_cql = [&s, timeout = config_.drain_timeout_ms] { s.server->stop(timeout); };
  ops.request_bytes = [&s] { return static_cast<uint64_t>(s.server->request_bytes_in_flight()); };
  ops.memory_budget = config_.memory_bytes;
  ops.request_budget = request_memory_budget();
  ops.data_dir = config_.data_dir;
  ops.log = log_;
  v.ops = make_admin_ops(std::move(ops));
  auto api = std::make_shared<admin::AdminApi>(std::move(v));

  admin::HttpOptions ho;
  ho.address = config_.http_address;
  ho.port = config_.http_port;
  // The last reactor: with several, the HTTP server stays off the CQL acceptor's reactor.
  s.http = std::make_unique<admin::HttpServer>(
      ho, *s.reactors.back(), *s.request_pool, [api](const admin::HttpRequest& r) { return api->handle(r); },
      [](const admin::HttpRequest& r) { return admin::AdminApi::runs_inline(r); }, &s.metrics,
      logs_.get("http"));
  std::string err = s.http->start();
  if (!err.empty()) return err;
  log_->info("Starting listening for HTTP clients on {}:{} (/healthz, /readyz, /metrics, REST API)",
             config_.http_address, s.http->bound_port());
  return "";
}

// Logs the boot line, tells systemd we are ready and starts its watchdog pings.
void Node::announce_ready() {
  auto& s = *services_;
  BootInfo b;
  b.version = KRILL_VERSION;
  b.cql = config_.listen_address + ":" + std::to_string(s.server->bound_port());
  b.http = config_.http_address + ":" + std::to_string(s.http->bound_port());
  b.data_dir = config_.data_dir;
  b.host_id = s.info.host_id.to_string();
  log_->info("{}", boot_line(b));
  if (notifier_ == nullptr || !notifier_->enabled()) return;
  notifier_->notify("READY=1\nSTATUS=Serving CQL on " + b.cql + ", HTTP on " + b.http);
  auto interval = notifier_->watchdog_interval();
  if (interval.count() <= 0) return;
  // Alive = every reactor runs a posted no-op within the timeout.
  auto healthy = [&s](std::chrono::milliseconds timeout) {
    struct Probe {
      std::mutex mu;
      std::condition_variable cv;
      size_t answered = 0;
    };
    auto probe = std::make_shared<Probe>();
    for (auto& r : s.reactors) {
      asio::post(*r, [probe] {
        std::lock_guard lock(probe->mu);
        ++probe->answered;
        probe->cv.notify_all();
      });
    }
    std::unique_lock lock(probe->mu);
    size_t n = s.reactors.size();
    return probe->cv.wait_for(lock, timeout, [&] { return probe->answered == n; });
  };
  s.watchdog = std::make_unique<Watchdog>(*notifier_, interval / 2, healthy, log_);
}

size_t Node::request_memory_budget() const {
  return config_.request_memory_bytes != 0 ? config_.request_memory_bytes
                                           : static_cast<size_t>(static_cast<double>(config_.memory_bytes) *
                                                                 config_.request_memory_fraction);
}

void Node::stop() {
  auto& s = *services_;
  if (s.serving && notifier_ != nullptr) notifier_->notify("STOPPING=1\nSTATUS=Draining");
  s.watchdog.reset();
  s.serving = false;
  if (s.http) s.http->stop();
  if (s.server) {
    log_->info("Draining: no new connections, finishing in-flight requests");
    s.server->stop(config_.drain_timeout_ms);
  }
  for (auto& g : s.guards) g.reset();
  s.guards.clear();
  // Give connections a moment to close, then stop the reactors.
  for (auto& r : s.reactors) r->stop();
  for (auto& t : s.reactor_threads) {
    if (t.joinable()) t.join();
  }
  s.reactor_threads.clear();
  if (s.request_pool) s.request_pool->join();
  s.events.server = nullptr;
  s.server.reset();
  s.http.reset();
  s.reactors.clear();
  s.request_pool.reset();
  s.processor.reset();
  s.coordinator.reset();
  if (s.engine) {
    auto st = s.engine->flush();
    if (!st.is_ok())
      log_->error("flush on shutdown failed: {}", st.message());
    else
      log_->info("Storage flushed");
  }
  s.schema.reset();
  s.engine.reset();
}

}  // namespace krill::node
