// The shell's synchronous session over the asynchronous client (see session.h).
#include "tools/shell/session.h"

#include <boost/asio/executor_work_guard.hpp>
#include <future>

namespace krill::tools::shell {

namespace asio = boost::asio;

Session::Session(SessionSettings settings) : settings_(std::move(settings)) {}

Session::~Session() { stop_io(); }

void Session::stop_io() {
  if (thread_.joinable()) {
    asio::post(*io_, [this] {
      connection_->close();
      io_->stop();
    });
    thread_.join();
  }
  connection_.reset();
  io_.reset();
  connected_ = false;
}

std::string Session::connect(const std::string& keyspace) {
  stop_io();
  io_ = std::make_unique<asio::io_context>(1);
  connection_ = std::make_unique<client::Connection>(*io_, settings_.max_streams);
  thread_ = std::thread([io = io_.get()] {
    auto guard = asio::make_work_guard(*io);
    io->run();
  });
  auto done = std::make_shared<std::promise<std::string>>();
  std::future<std::string> result = done->get_future();
  asio::post(*io_, [this, done] {
    connection_->connect(settings_.host, settings_.port,
                         [done](std::string error) { done->set_value(error); });
  });
  if (result.wait_for(settings_.connect_timeout) != std::future_status::ready) {
    stop_io();
    return "connection to " + settings_.host + ":" + std::to_string(settings_.port) + " timed out after " +
           std::to_string(settings_.connect_timeout.count() / 1000.0).substr(0, 4) + " seconds";
  }
  std::string error = result.get();
  if (!error.empty()) {
    stop_io();
    return error;
  }
  connected_ = true;
  if (!keyspace.empty()) {
    Response r = request(client::Opcode::kQuery, [&] {
      common::Bytes body;
      client::QueryParams params;
      client::append_query(body, "USE " + keyspace, params);
      return body;
    }());
    if (!r.ok()) return r.failure;
    if (r.header.opcode == client::Opcode::kError) {
      return "USE " + keyspace + " failed: " + client::decode_error(r.body).message;
    }
  }
  return "";
}

Response Session::request(client::Opcode op, std::string body) {
  Response out;
  if (!connected_ || !connection_) {
    out.failure = "not connected";
    return out;
  }
  std::future<client::OwnedReply> reply = connection_->call_async(op, std::move(body));
  if (reply.wait_for(settings_.request_timeout) != std::future_status::ready) {
    out.failure = "Request timed out after " + std::to_string(settings_.request_timeout.count() / 1000) +
                  " seconds (--request-timeout)";
    return out;
  }
  client::OwnedReply r = reply.get();
  if (!r.failure.empty()) {
    out.failure = r.failure;
    connected_ = false;
    return out;
  }
  out.header = r.header;
  out.body = std::move(r.body);
  return out;
}

}  // namespace krill::tools::shell
