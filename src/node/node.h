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

namespace krill::node {

class Node {
 public:
  Node(Config config, std::shared_ptr<spdlog::logger> log);
  ~Node();

  // Returns an error message, or "" when serving.
  std::string start();
  void stop();

 private:
  // Starts the admin HTTP server once CQL listens. Returns an error message or "".
  std::string start_http(int smp);
  struct Services;
  Config config_;
  std::shared_ptr<spdlog::logger> log_;
  std::unique_ptr<Services> services_;
};

}  // namespace krill::node
