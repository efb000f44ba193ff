// A small HTTP/1.1 server (Boost.Beast) on the node's reactors for the admin API, health
// checks and /metrics. Beast stays inside http_server.cc.
//
// Threading: the acceptor and every connection live on one reactor; a handler marked
// inline (cheap, non-blocking: /healthz, /readyz) runs there, every other handler runs on
// the request pool and the connection resumes on its reactor to write.
// Limits: request header + body <= max_request_bytes (else 413 and close); at most
// max_connections open (beyond: closed at accept); a connection serves at most
// max_keepalive_requests and is closed after idle_timeout_ms without a request.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace spdlog {
class logger;
}

namespace boost::asio {
class io_context;
class thread_pool;
}  // namespace boost::asio

namespace krill::admin {

struct Metrics;

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // target without the query string
  std::string query;   // after '?', may be empty
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

struct HttpOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8000;
  size_t max_request_bytes = 64 * 1024;
  size_t max_connections = 128;
  size_t max_keepalive_requests = 1000;
  int idle_timeout_ms = 30000;
};

// Routes a request. Must not throw (the server answers 500 if it does).
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;
// True when the request may be served on the reactor (no blocking work).
using HttpInlinePredicate = std::function<bool(const HttpRequest&)>;

class HttpServer {
 public:
  // `reactor` runs the acceptor and connections; `pool` runs non-inline handlers.
  // `metrics` may be null.
  HttpServer(HttpOptions options, boost::asio::io_context& reactor, boost::asio::thread_pool& pool,
             HttpHandler handler, HttpInlinePredicate is_inline, Metrics* metrics,
             std::shared_ptr<spdlog::logger> log);
  ~HttpServer();

  // Binds and starts accepting. Returns an error message, or "" on success.
  std::string start();
  // Stops accepting and closes open connections (asynchronously, on the reactor).
  void stop();
  uint16_t bound_port() const;

  struct State;  // implementation detail (http_server.cc)

 private:
  std::shared_ptr<State> state_;
};

}  // namespace krill::admin
