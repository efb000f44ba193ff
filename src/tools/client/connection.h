// An asynchronous CQL native protocol v4 connection on Boost.Asio with many requests in
// flight (one stream id each).
//
// Threading: every member except call() must be used on the connection's io_context
// thread; call() may be used from any other thread while that io_context runs. The
// io_context must outlive the connection, and the connection must outlive every handler
// it queued (destroy it after io_context::run() returned, or after close() and a drained
// run).
//
// Cost per request: no heap allocation once the buffers have grown. Frames are encoded
// straight into an output buffer that is written with one write per batch of requests
// (double buffered); responses are parsed in place from the read buffer and handed to the
// request's handler as views.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <functional>
#include <future>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "tools/client/protocol.h"

namespace krill::tools::client {

// What a request got back. `header` is null when the request failed locally (connection
// closed or broken); `failure` then says why. Views are valid during the callback only.
struct Reply {
  const FrameHeader* header = nullptr;
  std::string_view body;
  std::string_view failure;
  bool ok() const { return header != nullptr; }
  bool is_error() const { return header == nullptr || header->opcode == Opcode::kError; }
};

// Receives replies. `tag` is the value given to start_request. Called on the io thread.
class ResponseHandler {
 public:
  virtual void on_reply(uint64_t tag, const Reply& reply) = 0;

 protected:
  ~ResponseHandler() = default;
};

// A reply copied out of the read buffer, for call().
struct OwnedReply {
  FrameHeader header;
  std::string body;
  std::string failure;  // non-empty: the request failed locally
};

class Connection {
 public:
  // max_streams: requests in flight at most (1..32768).
  Connection(boost::asio::io_context& io, int max_streams = 1024);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Connects to host:port (an IPv4/IPv6 address or "localhost"), sets TCP_NODELAY, sends
  // STARTUP and waits for READY. done("") on success, done(message) on failure.
  void connect(const std::string& host, uint16_t port, std::function<void(std::string error)> done);

  // Starts a request whose body `encode(Bytes&)` appends. Returns false (and does not
  // call encode) when no stream id is free or the connection is not open.
  template <typename Encode>
  bool start_request(Opcode op, Encode&& encode, ResponseHandler* handler, uint64_t tag) {
    if (!open_ || free_streams_.empty()) return false;
    const int16_t stream = free_streams_.back();
    free_streams_.pop_back();
    slots_[static_cast<size_t>(stream)] = Slot{handler, tag, nullptr};
    const size_t start = begin_frame(out_, op, stream);
    encode(out_);
    end_frame(out_, start);
    ++in_flight_;
    schedule_flush();
    return true;
  }

  // Thread-safe blocking helper for setup work (schema, PREPARE): runs one request on
  // the io thread and returns its reply. REQUIRES: not called on the io thread.
  OwnedReply call(Opcode op, std::string body);
  // Like call() but returns at once; the future becomes ready when the reply (or a local
  // failure) arrives. Abandoning the future is safe: the reply is then dropped.
  std::future<OwnedReply> call_async(Opcode op, std::string body);

  // Closes the socket; requests in flight complete with a failure.
  void close();

  bool open() const { return open_; }
  int in_flight() const { return in_flight_; }
  int free_streams() const { return static_cast<int>(free_streams_.size()); }
  boost::asio::io_context& io() { return io_; }

 private:
  struct Slot {
    ResponseHandler* handler = nullptr;
    uint64_t tag = 0;
    std::function<void(const Reply&)>* callback = nullptr;  // call()/connect() requests
  };

  void schedule_flush();
  void flush();
  void start_read();
  void on_read(size_t n);
  void dispatch(const FrameHeader& h, std::string_view body);
  void fail_all(const std::string& why);
  // Starts a request whose reply goes to `cb` (owned by the caller until it runs).
  bool start_callback_request(Opcode op, std::string_view body, std::function<void(const Reply&)>* cb);

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::socket socket_;
  std::vector<Slot> slots_;
  std::vector<int16_t> free_streams_;
  int in_flight_ = 0;
  bool open_ = false;
  bool writing_ = false;
  bool flush_posted_ = false;
  common::Bytes out_;          // requests not yet handed to the socket
  common::Bytes writing_buf_;  // the buffer being written
  std::vector<char> in_;       // read buffer: [in_begin_, in_end_) holds unparsed bytes
  size_t in_begin_ = 0;
  size_t in_end_ = 0;
  std::function<void(const Reply&)> startup_cb_;
};

}  // namespace krill::tools::client
