// Internal to transport/: one client connection and the registry of connections that
// want events.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "cql/query_processor.h"
#include "transport/frame.h"
#include "transport/server.h"

namespace spdlog {
class logger;
}

namespace krill::transport {

class Connection;

// Connections registered for events. Thread-safe; events are posted to each
// connection's own reactor.
class EventHub : public cql::EventSink {
 public:
  void add(const std::shared_ptr<Connection>& c);
  void remove(const Connection* c);
  void on_schema_change(const cql::SchemaChange& change) override;

 private:
  std::mutex mu_;
  std::set<std::weak_ptr<Connection>, std::owner_less<std::weak_ptr<Connection>>> conns_;  // GUARDED_BY(mu_)
};

// Shared by all connections of a server.
struct ConnectionContext {
  ServerOptions options;
  boost::asio::thread_pool& pool;
  cql::QueryProcessor& processor;
  EventHub& events;
  std::shared_ptr<spdlog::logger> log;
  std::atomic<size_t> node_inflight{0};
  std::atomic<size_t> request_bytes{0};  // charged by requests in flight (ServerOptions)
  std::atomic<size_t> connections{0};
  std::atomic<bool> draining{false};
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(boost::asio::ip::tcp::socket socket, ConnectionContext& ctx);
  ~Connection();

  // Reads and serves frames until the peer closes, a fatal protocol error, or close().
  boost::asio::awaitable<void> run();
  // Queues a frame; safe only on this connection's reactor.
  void send(common::Bytes frame);
  // Closes the socket (from the reactor).
  void close();
  size_t inflight() const { return inflight_; }
  boost::asio::any_io_executor executor() { return socket_.get_executor(); }
  // Builds a response frame for this connection (compressing when negotiated).
  common::Bytes frame(Opcode op, int16_t stream, common::Bytes body, bool allow_compression = true) const;
  std::string peer() const { return peer_; }
  // Executes a request frame and returns the response frame (RESULT or ERROR). Runs on the
  // request pool; never throws.
  common::Bytes process(const FrameHeader& header, const common::Bytes& body);

 private:
  boost::asio::awaitable<void> handle(FrameHeader header, common::Bytes body);
  boost::asio::awaitable<void> write_loop();
  common::Bytes error_frame(int16_t stream, const common::CqlError& e) const;
  void startup(int16_t stream, common::BytesView body);
  // `kind` receives the statement kind for metrics; `counted` whether it is known (not
  // guessed from an EXECUTE's result) and goes to the statement counters.
  common::Bytes execute(FrameHeader header, const common::Bytes& body, admin::StatementKind& kind,
                        bool& counted);

  boost::asio::ip::tcp::socket socket_;
  ConnectionContext& ctx_;
  std::string peer_;
  cql::ClientState client_;  // touched only by the request running it; requests of a
                             // connection may run concurrently, so USE is applied under mu_
  std::mutex client_mu_;
  bool ready_ = false;
  Compression compression_ = Compression::kNone;
  bool registered_ = false;
  std::deque<common::Bytes> outq_;
  bool writing_ = false;
  bool closed_ = false;
  bool close_when_flushed_ = false;
  size_t inflight_ = 0;
};

}  // namespace krill::transport
