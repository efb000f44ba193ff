// Internal to transport/: one client connection and the registry of connections that
// want events.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

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

// One request decoded by the reactor and run on the request pool.
struct Request {
  Request(FrameHeader h, common::Bytes b, size_t c) : header(h), body(std::move(b)), cost(c) {}
  FrameHeader header;
  common::Bytes body;  // decompressed
  size_t cost = 0;     // request memory charged for it (released with the response)
};

// Reading, batching and writing live in connection_io.cc; statement execution in
// connection.cc.
//
// The reactor reads into a per-connection buffer with async_read_some and decodes every
// complete frame it holds. Each frame is charged to the node's request memory when its
// header is seen, before its body is buffered (OVERLOADED, body skipped, when it does not
// fit). The requests decoded from one read go to the pool as tasks of at most
// ServerOptions::requests_per_task requests, run in order on one pool thread. A task's
// responses go out together: when no write is under way the pool thread sends them itself
// with one non-blocking sendmsg() (no wake-up of the reactor); what the socket does not take
// at once is written by the reactor (async_write). The write state is guarded by write_mu_,
// and close() takes it too, so a pool thread never sends on a closed descriptor.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(boost::asio::ip::tcp::socket socket, ConnectionContext& ctx);
  ~Connection();

  // Reads and serves frames until the peer closes, a fatal protocol error, or close().
  boost::asio::awaitable<void> run();
  // Queues a frame and starts writing; safe only on this connection's reactor.
  void send(common::Bytes frame);
  // Closes the socket (from the reactor).
  void close();
  size_t inflight() const { return inflight_.load(); }
  boost::asio::any_io_executor executor() { return socket_.get_executor(); }
  // Builds a response frame for this connection (compressing when negotiated).
  common::Bytes frame(Opcode op, int16_t stream, common::Bytes body, bool allow_compression = true) const;
  std::string peer() const { return peer_; }
  // Executes a request frame and returns the response frame (RESULT or ERROR). Runs on the
  // request pool; never throws. With `group`, a plain write EXECUTEd only stages its writes
  // there, and its RESULT stands once the group is flushed. With `no_block` (on the reactor:
  // an EXECUTE, with a group) it throws common::WouldBlock, having changed nothing and
  // recorded nothing, when the request would have to wait (cql::QueryProcessor::execute).
  common::Bytes process(const FrameHeader& header, const common::Bytes& body,
                        cql::WriteGroup* group = nullptr, bool no_block = false);

 private:
  // connection_io.cc: the read buffer, frame decoding, hand-off to the pool, writing.
  bool consume(std::vector<Request>& batch);  // false: fatal protocol error, close
  void on_frame(const FrameHeader& h, common::Bytes body, size_t cost, std::vector<Request>& batch);
  void make_room();
  // Acknowledges received data at once (TCP_QUICKACK) while a frame is incomplete.
  void ack_now();
  void dispatch(std::vector<Request>& batch);
  // On the reactor: runs the EXECUTEs of `batch` that need not wait, up to its first other
  // request, and answers them; leaves in `batch`, in order, the requests for the pool.
  void run_inline(std::vector<Request>& batch);
  void run_on_pool(std::vector<Request>& requests);  // on the pool
  // A request whose writes a cql::WriteGroup holds: its answer in a task's frames.
  struct Staged {
    size_t frame = 0;
    int16_t stream = 0;
  };
  // A failed staged write's request gets its error instead of its RESULT.
  void answer_staged(const std::vector<std::optional<common::CqlError>>& outcomes,
                     const std::vector<Staged>& staged, std::vector<common::Bytes>& frames) const;
  // On the pool: applies what `group` holds (blocking) and answers as answer_staged().
  void flush_staged(cql::WriteGroup& group, const std::vector<Staged>& staged,
                    std::vector<common::Bytes>& frames) const;
  // Releases the requests' slots and memory and queues their answers; `on_reactor`: called
  // on the connection's reactor (inline execution) rather than on the pool.
  void complete(std::vector<common::Bytes>& frames, size_t requests, size_t cost, bool on_reactor);
  void enqueue(common::Bytes frame);  // queues without starting a write
  void kick();                        // on the reactor: writes what is queued unless a write is under way
  // REQUIRES: write_mu_ held. Sends what the socket takes now; the rest goes to an
  // async_write started on the reactor (directly when `on_reactor`, else posted).
  void flush_locked(bool on_reactor);
  bool send_now_locked();  // non-blocking sendmsg() of outq_; false on a socket error
  void start_write_locked();
  void on_written(const boost::system::error_code& ec);
  void close_locked();

  common::Bytes error_frame(int16_t stream, const common::CqlError& e) const;
  void startup(int16_t stream, common::BytesView body);
  // `kind` receives the statement kind for metrics; `counted` whether it is known (not
  // guessed from an EXECUTE's result) and goes to the statement counters.
  common::Bytes execute(FrameHeader header, const common::Bytes& body, admin::StatementKind& kind,
                        bool& counted, cql::WriteGroup* group, bool no_block);

  boost::asio::ip::tcp::socket socket_;
  ConnectionContext& ctx_;
  std::string peer_;
  cql::ClientState client_;  // touched only by the request running it; requests of a
                             // connection may run concurrently, so USE is applied under mu_
  std::mutex client_mu_;
  bool ready_ = false;
  Compression compression_ = Compression::kNone;
  bool registered_ = false;
  // Reading (reactor only): bytes [rbegin_, rend_) of rbuf_ are received, not yet decoded.
  std::vector<char> rbuf_;
  size_t rbegin_ = 0;
  size_t rend_ = 0;
  size_t skip_left_ = 0;     // body bytes of a refused frame still to discard
  bool charged_ = false;     // the frame at rbegin_ is charged, its body not complete yet
  size_t charged_cost_ = 0;  // what it was charged
  // Writing: reactor and pool threads, under write_mu_.
  std::mutex write_mu_;
  std::deque<common::Bytes> outq_;                // GUARDED_BY(write_mu_)
  std::vector<common::Bytes> wframes_;            // the async_write under way (reactor)
  std::vector<boost::asio::const_buffer> wbufs_;  // its buffers
  bool writing_ = false;                          // GUARDED_BY(write_mu_): an async_write is under way
  bool closed_ = false;                           // GUARDED_BY(write_mu_); read unlocked on the reactor
  bool close_when_flushed_ = false;               // GUARDED_BY(write_mu_)
  std::atomic<size_t> inflight_{0};
};

}  // namespace krill::transport
