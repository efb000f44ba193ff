// The shell's connection to a node: one client::Connection whose io_context runs on a
// thread of its own, used synchronously (one request at a time, with a timeout) for
// statements and asynchronously (many in flight) for COPY.
//
// Thread-safety: request()/connect()/close() are for one caller thread (the shell's);
// post() hands work to the io thread, where client::Connection must be used.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "tools/client/connection.h"
#include "tools/client/results.h"

namespace krill::tools::shell {

struct SessionSettings {
  std::string host = "127.0.0.1";
  uint16_t port = 9042;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{10000};
  int max_streams = 1024;  // requests in flight at most on the connection
};

// A reply, or why there is none (failure non-empty: timeout, connection lost).
struct Response {
  std::string failure;
  client::FrameHeader header;
  std::string body;
  bool ok() const { return failure.empty(); }
  bool is_error() const { return !ok() || header.opcode == client::Opcode::kError; }
};

class Session {
 public:
  explicit Session(SessionSettings settings);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Connects (or reconnects) and, when `keyspace` is non-empty, sends USE for it. "" on
  // success, else the reason.
  std::string connect(const std::string& keyspace = "");
  // False after a request failed because the connection broke (the shell then reconnects).
  bool connected() const { return connected_; }
  const SessionSettings& settings() const { return settings_; }

  // Sends one request and waits for its reply, at most request_timeout.
  Response request(client::Opcode op, std::string body);

  // Runs `fn` on the io thread (where connection() may be used).
  template <typename Fn>
  void post(Fn&& fn);
  client::Connection& connection() { return *connection_; }

 private:
  void stop_io();

  SessionSettings settings_;
  std::unique_ptr<boost::asio::io_context> io_;
  std::unique_ptr<client::Connection> connection_;
  std::thread thread_;
  bool connected_ = false;
};

}  // namespace krill::tools::shell

#include <boost/asio/post.hpp>

template <typename Fn>
void krill::tools::shell::Session::post(Fn&& fn) {
  boost::asio::post(*io_, std::forward<Fn>(fn));
}
