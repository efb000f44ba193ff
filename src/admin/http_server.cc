#include "admin/http_server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <mutex>
#include <vector>

#include "admin/metrics.h"

namespace krill::admin {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

struct Session {
  explicit Session(tcp::socket s) : stream(std::move(s)) {}
  beast::tcp_stream stream;
};

}  // namespace

struct HttpServer::State : std::enable_shared_from_this<HttpServer::State> {
  State(HttpOptions o, asio::io_context& r, asio::thread_pool& p, HttpHandler h, HttpInlinePredicate i,
        Metrics* m, std::shared_ptr<spdlog::logger> l)
      : options(std::move(o)),
        reactor(r),
        pool(p),
        handler(std::move(h)),
        is_inline(std::move(i)),
        metrics(m),
        log(std::move(l)),
        acceptor(r) {}

  HttpOptions options;
  asio::io_context& reactor;
  asio::thread_pool& pool;
  HttpHandler handler;
  HttpInlinePredicate is_inline;
  Metrics* metrics;
  std::shared_ptr<spdlog::logger> log;
  tcp::acceptor acceptor;
  std::atomic<uint16_t> port{0};
  std::atomic<size_t> open{0};
  std::mutex mu;
  std::vector<std::weak_ptr<Session>> sessions;  // GUARDED_BY(mu)

  HttpResponse call(const HttpRequest& r) const {
    HttpResponse out;
    try {
      out = handler(r);
    } catch (const std::exception& e) {
      out = HttpResponse{500, "text/plain; charset=utf-8", std::string("internal error: ") + e.what() + "\n"};
    }
    // One line per request at debug level (`POST /system/logger/http?level=debug` turns it on).
    if (log->should_log(spdlog::level::debug))
      log->debug("{} {}{}{} -> {}", r.method, r.path, r.query.empty() ? "" : "?", r.query, out.status);
    return out;
  }
};

namespace {

using StatePtr = std::shared_ptr<HttpServer::State>;

// Plain function coroutines (no capturing lambdas) keep clear of GCC 12 coroutine bugs.
asio::awaitable<HttpResponse> call_on_pool(StatePtr st, HttpRequest r) { co_return st->call(r); }

HttpRequest to_request(const http::request<http::string_body>& req) {
  HttpRequest r;
  r.method = std::string(req.method_string());
  std::string target(req.target());
  size_t q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string::npos) r.query = target.substr(q + 1);
  r.body = req.body();
  return r;
}

asio::awaitable<void> serve_session(StatePtr st, std::shared_ptr<Session> session) {
  auto& stream = session->stream;
  beast::flat_buffer buffer(st->options.max_request_bytes);
  for (size_t served = 0; served < st->options.max_keepalive_requests; ++served) {
    boost::system::error_code ec;
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<uint32_t>(std::min<size_t>(st->options.max_request_bytes, UINT32_MAX)));
    parser.body_limit(st->options.max_request_bytes);
    stream.expires_after(std::chrono::milliseconds(st->options.idle_timeout_ms));
    co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec == http::error::body_limit || ec == http::error::header_limit ||
          ec == http::error::buffer_overflow) {
        http::response<http::string_body> res{http::status::payload_too_large, 11};
        res.set(http::field::content_type, "text/plain; charset=utf-8");
        res.set(http::field::connection, "close");
        res.body() =
            "request too large (limit " + std::to_string(st->options.max_request_bytes) + " bytes)\n";
        res.prepare_payload();
        co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
      }
      break;
    }
    auto& req = parser.get();
    HttpRequest r = to_request(req);
    if (st->metrics != nullptr) st->metrics->http_requests.inc();
    HttpResponse out;
    if (st->is_inline && st->is_inline(r)) {
      out = st->call(r);
    } else {
      out = co_await asio::co_spawn(st->pool, call_on_pool(st, std::move(r)), asio::use_awaitable);
    }
    const bool keep = req.keep_alive() && served + 1 < st->options.max_keepalive_requests;
    http::response<http::string_body> res{static_cast<http::status>(out.status), req.version()};
    res.set(http::field::server, "krill");
    res.set(http::field::content_type, out.content_type);
    res.keep_alive(keep);
    if (req.method() != http::verb::head) res.body() = std::move(out.body);
    res.prepare_payload();
    stream.expires_after(std::chrono::milliseconds(st->options.idle_timeout_ms));
    co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !keep) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.socket().close(ignored);
  st->open.fetch_sub(1);
  if (st->metrics != nullptr) st->metrics->http_connections.add(-1);
}

asio::awaitable<void> accept_loop(StatePtr st) {
  while (st->acceptor.is_open()) {
    boost::system::error_code ec;
    tcp::socket socket = co_await st->acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec == asio::error::operation_aborted || !st->acceptor.is_open()) break;
      st->log->warn("http accept failed: {}", ec.message());
      continue;
    }
    if (st->open.load() >= st->options.max_connections) {
      st->log->warn("refusing HTTP connection: {} open (limit)", st->open.load());
      socket.close(ec);
      continue;
    }
    st->open.fetch_add(1);
    if (st->metrics != nullptr) st->metrics->http_connections.add(1);
    auto session = std::make_shared<Session>(std::move(socket));
    {
      std::lock_guard lock(st->mu);
      std::erase_if(st->sessions, [](const auto& w) { return w.expired(); });
      st->sessions.push_back(session);
    }
    asio::co_spawn(st->reactor, serve_session(st, session), asio::detached);
  }
}

}  // namespace

HttpServer::HttpServer(HttpOptions options, asio::io_context& reactor, asio::thread_pool& pool,
                       HttpHandler handler, HttpInlinePredicate is_inline, Metrics* metrics,
                       std::shared_ptr<spdlog::logger> log)
    : state_(std::make_shared<State>(std::move(options), reactor, pool, std::move(handler),
                                     std::move(is_inline), metrics, std::move(log))) {}

HttpServer::~HttpServer() = default;

uint16_t HttpServer::bound_port() const { return state_->port.load(); }

std::string HttpServer::start() {
  auto& s = *state_;
  boost::system::error_code ec;
  auto address = asio::ip::make_address(s.options.address, ec);
  if (ec) return "invalid http address '" + s.options.address + "': " + ec.message();
  tcp::endpoint ep(address, s.options.port);
  s.acceptor.open(ep.protocol(), ec);
  if (!ec) s.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(ep, ec);
  if (!ec) s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return "cannot listen for HTTP on " + s.options.address + ":" + std::to_string(s.options.port) + ": " +
           ec.message();
  s.port = s.acceptor.local_endpoint().port();
  asio::co_spawn(s.reactor, accept_loop(state_), asio::detached);
  return "";
}

void HttpServer::stop() {
  auto st = state_;
  asio::post(st->reactor, [st] {
    boost::system::error_code ec;
    st->acceptor.close(ec);
    std::lock_guard lock(st->mu);
    for (auto& w : st->sessions) {
      if (auto s = w.lock()) s->stream.socket().close(ec);
    }
    st->sessions.clear();
  });
}

}  // namespace krill::admin
