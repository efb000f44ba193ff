// The CQL native-protocol server: accepts connections on the reactors, decodes frames,
// runs requests on the request pool (the requests of one read together, in tasks of
// requests_per_task) and writes responses (possibly out of order, by stream id). Pushes
// SCHEMA_CHANGE events to connections that REGISTERed for them.
//
// Threading: each connection lives on one reactor (an io_context run by one thread); all
// of its state is touched only there. Requests that touch storage run on the request
// pool; the reactor only parses and writes. stop() drains: no new connections, in-flight
// requests finish, then connections close.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "admin/metrics.h"
#include "cql/query_processor.h"

namespace spdlog {
class logger;
}

namespace boost::asio {
class io_context;
class thread_pool;
}  // namespace boost::asio

namespace krill::transport {

struct ServerOptions {
  std::string listen_address = "127.0.0.1";
  uint16_t port = 9042;
  size_t max_frame_bytes = 16u << 20;         // native_transport_max_frame_size_in_mb
  size_t max_requests_per_connection = 1024;  // in flight; beyond: OVERLOADED
  size_t max_requests_per_node = 8192;        // in flight over all connections
  size_t max_connections = 10000;             // native_transport_max_concurrent_connections
  // Node-wide memory for requests in flight, each charged 2 x its (decompressed) body +
  // 8 KiB (request, response and working copies); beyond: OVERLOADED. A request is always
  // admitted when none is in flight, so one frame up to max_frame_bytes still runs.
  // 0 = unlimited.
  size_t max_request_bytes_in_flight = 64u << 20;
  // The requests decoded from one read of a connection go to the request pool as tasks of
  // at most this many, each run in order on one pool thread and answered in one write
  // (native_transport_requests_per_task). 1 = every request its own task.
  size_t requests_per_task = 16;
  // EXECUTEs of prepared single-partition SELECTs and plain writes run on the reactor that
  // read them when everything they need is in memory and nothing waits (periodic commit log;
  // native_transport_inline_execution). What would wait goes to the request pool.
  bool inline_execution = false;
  // Initial size of a connection's read buffer (held while the connection is open); it grows
  // to hold a larger frame once that frame is charged to the request memory, and shrinks back
  // afterwards.
  size_t read_buffer_bytes = 16u << 10;
  // Where requests, errors, latencies and connections are counted; null = not counted.
  // Owned by the node and outlives the server.
  admin::Metrics* metrics = nullptr;
};

class EventHub;

class CqlServer {
 public:
  // `reactors` run the connections (round-robin); `request_pool` runs statements.
  CqlServer(ServerOptions options, std::vector<boost::asio::io_context*> reactors,
            boost::asio::thread_pool& request_pool, cql::QueryProcessor& processor,
            std::shared_ptr<spdlog::logger> log);
  ~CqlServer();

  // Binds and starts accepting. Returns an error message, or "" on success.
  std::string start();
  // Stops accepting, waits (bounded by `timeout_ms`) for in-flight requests, closes connections.
  void stop(int timeout_ms = 10000);

  // The event sink the query processor reports schema changes to.
  cql::EventSink& events();

  uint16_t bound_port() const;
  // Request memory charged by requests in flight (bounded by max_request_bytes_in_flight).
  size_t request_bytes_in_flight() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace krill::transport
