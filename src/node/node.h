// A running Krill node: builds the services in order, stops them in reverse.
//
//   storage engine -> schema manager -> coordinator -> query processor -> reactors
//   + request pool -> CQL server -> admin HTTP server (stopped first)
//
// start() returns once CQL accepts connections ("serving"); stop() drains: stop
// accepting, finish in-flight requests, flush storage.
#pragma once

#include <memory>
#include <string>

#include "node/config.h"

namespace spdlog {
class logger;
}

namespace krill::logging {
class Registry;
}

namespace krill::node {

class SystemdNotifier;

class Node {
 public:
  // `logs` hands out the named loggers (init, storage, schema, cql_server, http, ...);
  // `notifier` (may be null) gets STATUS= at each step, READY=1 once CQL and HTTP accept
  // connections, STOPPING=1 on drain, and WATCHDOG=1 pings when systemd asks for them.
  Node(Config config, logging::Registry& logs, const SystemdNotifier* notifier = nullptr);
  ~Node();

  // Returns an error message, or "" when serving.
  std::string start();
  void stop();

 private:
  // Starts the admin HTTP server once CQL listens. Returns an error message or "".
  std::string start_http(int smp);
  // Bytes CQL requests in flight may hold (request_memory_bytes, or the fraction of --memory).
  size_t request_memory_budget() const;
  void announce_ready();
  void status(const std::string& text) const;  // STATUS= to systemd, if notifying
  struct Services;
  Config config_;
  logging::Registry& logs_;
  const SystemdNotifier* notifier_;
  std::shared_ptr<spdlog::logger> log_;  // "init": start-up and shutdown
  std::unique_ptr<Services> services_;
};

}  // namespace krill::node
