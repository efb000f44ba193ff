#include "transport/server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <thread>

#include "transport/connection.h"

namespace krill::transport {

namespace asio = boost::asio;

struct CqlServer::State : std::enable_shared_from_this<CqlServer::State> {
  State(ServerOptions o, std::vector<asio::io_context*> r, asio::thread_pool& pool, cql::QueryProcessor& p,
        std::shared_ptr<spdlog::logger> l)
      : reactors(std::move(r)),
        ctx{std::move(o), pool, p, hub, l},
        log(std::move(l)),
        acceptor(*reactors[0]) {}

  std::vector<asio::io_context*> reactors;
  EventHub hub;
  ConnectionContext ctx;
  std::shared_ptr<spdlog::logger> log;
  asio::ip::tcp::acceptor acceptor;
  std::mutex mu;
  std::vector<std::weak_ptr<Connection>> connections;  // GUARDED_BY(mu)
  std::atomic<uint16_t> port{0};

  asio::awaitable<void> accept_loop() {
    auto self = shared_from_this();
    size_t next = 0;
    while (acceptor.is_open()) {
      asio::io_context& target = *reactors[next++ % reactors.size()];
      boost::system::error_code ec;
      asio::ip::tcp::socket socket =
          co_await acceptor.async_accept(target, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) break;
        log->warn("accept failed: {}", ec.message());
        continue;
      }
      if (ctx.connections.load() >= ctx.options.max_connections) {
        log->warn("refusing connection: {} connections open (native_transport_max_concurrent_connections)",
                  ctx.connections.load());
        socket.close(ec);
        continue;
      }
      auto conn = std::make_shared<Connection>(std::move(socket), ctx);
      {
        std::lock_guard lock(mu);
        std::erase_if(connections, [](const auto& w) { return w.expired(); });
        connections.push_back(conn);
      }
      asio::co_spawn(
          target, [conn]() { return conn->run(); }, asio::detached);
    }
  }
};

CqlServer::CqlServer(ServerOptions options, std::vector<asio::io_context*> reactors,
                     asio::thread_pool& request_pool, cql::QueryProcessor& processor,
                     std::shared_ptr<spdlog::logger> log)
    : state_(std::make_shared<State>(std::move(options), std::move(reactors), request_pool, processor,
                                     std::move(log))) {}

CqlServer::~CqlServer() = default;

cql::EventSink& CqlServer::events() { return state_->hub; }

uint16_t CqlServer::bound_port() const { return state_->port.load(); }

std::string CqlServer::start() {
  auto& s = *state_;
  boost::system::error_code ec;
  auto address = asio::ip::make_address(s.ctx.options.listen_address, ec);
  if (ec) return "invalid listen address '" + s.ctx.options.listen_address + "': " + ec.message();
  asio::ip::tcp::endpoint ep(address, s.ctx.options.port);
  s.acceptor.open(ep.protocol(), ec);
  if (!ec) s.acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(ep, ec);
  if (!ec) s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return "cannot listen on " + s.ctx.options.listen_address + ":" + std::to_string(s.ctx.options.port) +
           ": " + ec.message();
  s.port = s.acceptor.local_endpoint().port();
  asio::co_spawn(
      *s.reactors[0], [st = state_]() { return st->accept_loop(); }, asio::detached);
  return "";
}

size_t CqlServer::request_bytes_in_flight() const { return state_->ctx.request_bytes.load(); }

void CqlServer::stop(int timeout_ms) {
  auto st = state_;
  st->ctx.draining = true;
  asio::post(*st->reactors[0], [st] {
    boost::system::error_code ec;
    st->acceptor.close(ec);
  });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (st->ctx.node_inflight.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (st->ctx.node_inflight.load() > 0) {
    st->log->warn("drain: {} requests still in flight after {} ms", st->ctx.node_inflight.load(), timeout_ms);
  }
  std::vector<std::shared_ptr<Connection>> conns;
  {
    std::lock_guard lock(st->mu);
    for (auto& w : st->connections) {
      if (auto c = w.lock()) conns.push_back(std::move(c));
    }
    st->connections.clear();
  }
  for (auto& c : conns) asio::post(c->executor(), [c] { c->close(); });
}

}  // namespace krill::transport
