#include "transport/connection.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <variant>

#include "transport/messages.h"

namespace krill::transport {

namespace asio = boost::asio;
using common::Bytes;
using common::BytesView;
using common::CqlError;
using common::ErrorCode;

namespace {

constexpr int kVersion = 4;
constexpr size_t kDiscardChunk = 64 * 1024;

const char* opcode_name(Opcode op) {
  switch (op) {
    case Opcode::kStartup:
      return "STARTUP";
    case Opcode::kOptions:
      return "OPTIONS";
    case Opcode::kQuery:
      return "QUERY";
    case Opcode::kPrepare:
      return "PREPARE";
    case Opcode::kExecute:
      return "EXECUTE";
    case Opcode::kRegister:
      return "REGISTER";
    case Opcode::kBatch:
      return "BATCH";
    case Opcode::kAuthResponse:
      return "AUTH_RESPONSE";
    default:
      return "UNKNOWN";
  }
}

std::vector<cql::BoundValue> bound_values(std::vector<Value> values) {
  std::vector<cql::BoundValue> out;
  out.reserve(values.size());
  for (auto& v : values) {
    cql::BoundValue b;
    b.kind = v.kind == Value::Kind::kSet    ? cql::BoundValue::Kind::kSet
             : v.kind == Value::Kind::kNull ? cql::BoundValue::Kind::kNull
                                            : cql::BoundValue::Kind::kUnset;
    b.bytes = std::move(v.bytes);
    out.push_back(std::move(b));
  }
  return out;
}

cql::QueryOptions query_options(QueryParameters p) {
  cql::QueryOptions o;
  o.consistency = p.consistency;
  o.values = bound_values(std::move(p.values));
  o.names = std::move(p.value_names);
  o.skip_metadata = p.skip_metadata;
  o.page_size = p.page_size;
  o.paging_state = std::move(p.paging_state);
  o.serial_consistency = p.serial_consistency;
  o.timestamp = p.default_timestamp;
  return o;
}

Bytes header_bytes(Opcode op, int16_t stream, uint8_t flags, size_t length) {
  FrameHeader h;
  h.version = 0x80 | kVersion;
  h.flags = flags;
  h.stream = stream;
  h.opcode = op;
  h.length = static_cast<uint32_t>(length);
  Bytes out(kHeaderSize, '\0');
  encode_header(h, reinterpret_cast<uint8_t*>(out.data()));
  return out;
}

}  // namespace

// ---- EventHub

void EventHub::add(const std::shared_ptr<Connection>& c) {
  std::lock_guard lock(mu_);
  conns_.insert(c);
}

void EventHub::remove(const Connection* c) {
  std::lock_guard lock(mu_);
  std::erase_if(conns_, [c](const std::weak_ptr<Connection>& w) {
    auto s = w.lock();
    return !s || s.get() == c;
  });
}

void EventHub::on_schema_change(const cql::SchemaChange& change) {
  Bytes body = encode_schema_change_event(change);
  std::vector<std::shared_ptr<Connection>> targets;
  {
    std::lock_guard lock(mu_);
    for (const auto& w : conns_) {
      if (auto c = w.lock()) targets.push_back(std::move(c));
    }
  }
  for (auto& c : targets) {
    asio::post(c->executor(), [c, body] { c->send(c->frame(Opcode::kEvent, -1, body)); });
  }
}

// ---- Connection

Connection::Connection(asio::ip::tcp::socket socket, ConnectionContext& ctx)
    : socket_(std::move(socket)), ctx_(ctx) {
  boost::system::error_code ec;
  auto ep = socket_.remote_endpoint(ec);
  if (!ec) peer_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  ctx_.connections.fetch_add(1);
  if (auto* m = ctx_.options.metrics) {
    m->current_connections.add(1);
    m->connections_total.inc();
  }
}

Connection::~Connection() {
  ctx_.connections.fetch_sub(1);
  if (auto* m = ctx_.options.metrics) m->current_connections.add(-1);
}

Bytes Connection::frame(Opcode op, int16_t stream, Bytes body, bool allow_compression) const {
  uint8_t flags = 0;
  if (allow_compression && compression_ != Compression::kNone && !body.empty()) {
    body = compress_body(compression_, body);
    flags |= kFlagCompressed;
  }
  Bytes out = header_bytes(op, stream, flags, body.size());
  out += body;
  return out;
}

Bytes Connection::error_frame(int16_t stream, const CqlError& e) const {
  if (auto* m = ctx_.options.metrics) m->count_error(static_cast<int32_t>(e.code()));
  return frame(Opcode::kError, stream, encode_error(e));
}

void Connection::send(Bytes f) {
  if (closed_) return;
  outq_.push_back(std::move(f));
  if (!writing_) {
    writing_ = true;
    asio::co_spawn(
        socket_.get_executor(), [self = shared_from_this()] { return self->write_loop(); }, asio::detached);
  }
}

asio::awaitable<void> Connection::write_loop() {
  while (!outq_.empty() && !closed_) {
    // Coalesce queued frames into one write.
    Bytes batch = std::move(outq_.front());
    outq_.pop_front();
    while (!outq_.empty() && batch.size() < 256 * 1024) {
      batch += outq_.front();
      outq_.pop_front();
    }
    boost::system::error_code ec;
    co_await asio::async_write(socket_, asio::buffer(batch), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      close();
      break;
    }
  }
  writing_ = false;
  if (close_when_flushed_) close();
}

void Connection::close() {
  if (closed_) return;
  closed_ = true;
  outq_.clear();
  boost::system::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  if (registered_) ctx_.events.remove(this);
}

void Connection::startup(int16_t stream, BytesView body) {
  auto opts = decode_startup(body);
  auto cv = opts.find("CQL_VERSION");
  if (cv == opts.end())
    throw CqlError(ErrorCode::kProtocolError, "Missing value CQL_VERSION in STARTUP message");
  if (cv->second.rfind("3.", 0) != 0) {
    throw CqlError(ErrorCode::kProtocolError, "Unsupported CQL version " + cv->second + "; supported: 3.4.5");
  }
  auto comp = opts.find("COMPRESSION");
  Compression c = Compression::kNone;
  if (comp != opts.end() && !comp->second.empty()) {
    auto found = compression_from_name(comp->second);
    if (!found) throw CqlError(ErrorCode::kProtocolError, "Unknown compression algorithm: " + comp->second);
    c = *found;
  }
  // READY goes out uncompressed... then everything after is compressed.
  send(frame(Opcode::kReady, stream, {}, false));
  compression_ = c;
  ready_ = true;
}

Bytes Connection::execute(FrameHeader header, const Bytes& body, admin::StatementKind& kind, bool& counted) {
  cql::ClientState state;
  {
    std::lock_guard lock(client_mu_);
    state = client_;
  }
  std::string keyspace_before = state.keyspace;
  cql::ResultMessage result;
  switch (header.opcode) {
    case Opcode::kQuery: {
      QueryRequest q = decode_query(body, kVersion);
      kind = admin::classify_statement(q.query);
      result = ctx_.processor.query(q.query, query_options(std::move(q.params)), state);
      break;
    }
    case Opcode::kPrepare: {
      std::string q = decode_prepare(body, kVersion);
      auto prepared = ctx_.processor.prepare(q, state);
      if (auto* m = ctx_.options.metrics)
        m->prepared_kinds.remember(prepared.id, admin::classify_statement(q));
      result = std::move(prepared);
      counted = false;
      break;
    }
    case Opcode::kExecute: {
      ExecuteRequest e = decode_execute(body, kVersion);
      result = ctx_.processor.execute(e.id, query_options(std::move(e.params)), state);
      auto* m = ctx_.options.metrics;
      if (m == nullptr || !m->prepared_kinds.find(e.id, kind)) {
        // Prepared before the kind was remembered: rows count as a read, anything else as a
        // write, in the latency histograms only.
        counted = false;
        kind = std::holds_alternative<cql::RowsResult>(result) ? admin::StatementKind::kRead
                                                               : admin::StatementKind::kUpdate;
      }
      break;
    }
    case Opcode::kBatch: {
      BatchRequest b = decode_batch(body, kVersion);
      std::vector<cql::BatchChildRequest> children;
      for (auto& c : b.children) {
        cql::BatchChildRequest r;
        r.is_prepared = c.is_prepared;
        r.query = std::move(c.query);
        r.id = std::move(c.id);
        r.values = bound_values(std::move(c.values));
        r.names = std::move(c.value_names);
        children.push_back(std::move(r));
      }
      cql::BatchRequestOptions o;
      o.type = b.type;
      o.consistency = b.consistency;
      o.serial_consistency = b.serial_consistency;
      o.timestamp = b.default_timestamp;
      kind = admin::StatementKind::kBatch;
      result = ctx_.processor.batch(children, o, state);
      break;
    }
    default:
      throw CqlError(ErrorCode::kProtocolError, "Unexpected message");
  }
  if (state.keyspace != keyspace_before) {
    std::lock_guard lock(client_mu_);
    client_.keyspace = state.keyspace;
  }
  return encode_result(result, kVersion);
}

Bytes Connection::process(const FrameHeader& header, const Bytes& body) {
  const auto start = std::chrono::steady_clock::now();
  admin::StatementKind kind = admin::StatementKind::kOther;
  bool counted = true;
  Bytes out;
  try {
    out = frame(Opcode::kResult, header.stream, execute(header, body, kind, counted));
  } catch (const CqlError& e) {
    out = error_frame(header.stream, e);
  } catch (const std::exception& e) {
    out = error_frame(header.stream, CqlError(ErrorCode::kServerError, e.what()));
  }
  if (auto* m = ctx_.options.metrics) {
    auto us = static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start)
            .count());
    m->request_latency.observe_micros(us);
    if (counted) m->count_statement(kind);
    if (kind == admin::StatementKind::kRead) {
      m->read_latency.observe_micros(us);
    } else if (kind != admin::StatementKind::kOther) {
      m->write_latency.observe_micros(us);
    }
  }
  return out;
}

namespace {

// Runs one request on the pool. A plain function coroutine (no lambda captures, no
// co_return inside a handler) keeps clear of GCC 12 coroutine miscompilations.
asio::awaitable<Bytes> process_on_pool(std::shared_ptr<Connection> self, FrameHeader header, Bytes body) {
  co_return self->process(header, body);
}

}  // namespace

namespace {

// Memory a request holds while in flight: the body, the response and working copies.
size_t request_cost(size_t body_bytes) { return 2 * body_bytes + 8192; }

// Charges `cost` against the node-wide request budget; false when it does not fit. An
// idle node admits any request (its size is already bounded by max_frame_bytes).
bool reserve_request_memory(ConnectionContext& ctx, size_t cost) {
  const size_t limit = ctx.options.max_request_bytes_in_flight;
  size_t used = ctx.request_bytes.load();
  do {
    if (limit != 0 && used != 0 && used + cost > limit) return false;
  } while (!ctx.request_bytes.compare_exchange_weak(used, used + cost));
  return true;
}

}  // namespace

asio::awaitable<void> Connection::handle(FrameHeader header, Bytes body) {
  auto self = shared_from_this();
  const size_t cost = request_cost(header.length);  // what run() charged, before decompression
  // The request runs on the pool; this coroutine resumes on the connection's reactor.
  Bytes response =
      co_await asio::co_spawn(ctx_.pool, process_on_pool(self, header, std::move(body)), asio::use_awaitable);
  --inflight_;
  ctx_.node_inflight.fetch_sub(1);
  ctx_.request_bytes.fetch_sub(cost);
  send(std::move(response));
}

asio::awaitable<void> Connection::run() {
  auto self = shared_from_this();
  uint8_t hdr[kHeaderSize];
  while (!closed_) {
    boost::system::error_code ec;
    co_await asio::async_read(socket_, asio::buffer(hdr, kHeaderSize),
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    FrameHeader h = decode_header(hdr);
    int version = h.version & 0x7f;
    if (version != kVersion || (h.version & 0x80)) {
      // Cassandra's reply to an unsupported version: a v4 error frame, then close.
      CqlError e(ErrorCode::kProtocolError, "Invalid or unsupported protocol version (" +
                                                std::to_string(version) + "); supported versions are (4/v4)");
      Bytes body = encode_error(e);
      send(header_bytes(Opcode::kError, h.stream, 0, body.size()) + body);
      break;
    }
    if (h.length > ctx_.options.max_frame_bytes) {
      CqlError too_big(ErrorCode::kProtocolError, "Request is too big: length " + std::to_string(h.length) +
                                                      " exceeds maximum allowed length " +
                                                      std::to_string(ctx_.options.max_frame_bytes) + ".");
      if (h.length > 4 * ctx_.options.max_frame_bytes) {
        // Absurd (or negative) lengths: answer and close rather than read gigabytes.
        send(error_frame(h.stream, too_big));
        break;
      }
      // Skip the body so the connection stays usable, then report the error on its stream.
      size_t left = h.length;
      std::vector<char> sink(kDiscardChunk);
      while (left > 0 && !ec) {
        size_t n = std::min(left, sink.size());
        co_await asio::async_read(socket_, asio::buffer(sink.data(), n),
                                  asio::redirect_error(asio::use_awaitable, ec));
        left -= n;
      }
      if (ec) break;
      send(error_frame(h.stream, too_big));
      continue;
    }
    // The body is charged to the node's request memory before it is read, so excess load
    // is refused (OVERLOADED) instead of buffered.
    const size_t cost = request_cost(h.length);
    if (!reserve_request_memory(ctx_, cost)) {
      size_t left = h.length;
      std::vector<char> sink(std::min<size_t>(left, kDiscardChunk));
      while (left > 0 && !ec) {
        size_t n = std::min(left, sink.size());
        co_await asio::async_read(socket_, asio::buffer(sink.data(), n),
                                  asio::redirect_error(asio::use_awaitable, ec));
        left -= n;
      }
      if (ec) break;
      send(error_frame(h.stream, CqlError(ErrorCode::kOverloaded,
                                          "Request memory exhausted on this node (limit " +
                                              std::to_string(ctx_.options.max_request_bytes_in_flight) +
                                              " bytes in flight)")));
      continue;
    }
    bool handed_off = false;  // once handle() owns the request, it releases `cost`
    struct Release {
      ConnectionContext& ctx;
      size_t cost;
      const bool& handed_off;
      ~Release() {
        if (!handed_off) ctx.request_bytes.fetch_sub(cost);
      }
    } release{ctx_, cost, handed_off};
    Bytes body(h.length, '\0');
    if (h.length > 0) {
      co_await asio::async_read(socket_, asio::buffer(body.data(), body.size()),
                                asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
    }
    if (auto* m = ctx_.options.metrics) {
      m->requests_served.inc();
      if (static_cast<size_t>(h.opcode) < admin::Metrics::kOpcodes)
        m->requests_by_opcode[static_cast<size_t>(h.opcode)].inc();
    }
    try {
      if (h.flags & kFlagCompressed) {
        if (compression_ == Compression::kNone) {
          throw CqlError(ErrorCode::kProtocolError,
                         "Received a compressed frame but no compression was negotiated");
        }
        body = decompress_body(compression_, body, ctx_.options.max_frame_bytes);
      }
      if (h.flags & kFlagCustomPayload) {
        throw CqlError(ErrorCode::kProtocolError, "Custom payloads are not supported");
      }
      switch (h.opcode) {
        case Opcode::kOptions:
          send(frame(Opcode::kSupported, h.stream,
                     encode_supported({{"CQL_VERSION", {"3.4.5"}},
                                       {"COMPRESSION", {"lz4", "snappy"}},
                                       {"PROTOCOL_VERSIONS", {"4/v4"}}})));
          continue;
        case Opcode::kStartup:
          if (ready_)
            throw CqlError(ErrorCode::kProtocolError,
                           "Unexpected message STARTUP, the connection is already started");
          startup(h.stream, body);
          continue;
        default:
          break;
      }
      if (!ready_) {
        throw CqlError(ErrorCode::kProtocolError, std::string("Unexpected message ") + opcode_name(h.opcode) +
                                                      ", expecting STARTUP or OPTIONS");
      }
      if (h.opcode == Opcode::kRegister) {
        for (const auto& type : decode_register(body)) {
          if (type != "TOPOLOGY_CHANGE" && type != "STATUS_CHANGE" && type != "SCHEMA_CHANGE") {
            throw CqlError(ErrorCode::kProtocolError, "Invalid value '" + type + "' for Event.Type");
          }
        }
        if (!registered_) ctx_.events.add(self);
        registered_ = true;
        send(frame(Opcode::kReady, h.stream, {}));
        continue;
      }
      if (h.opcode != Opcode::kQuery && h.opcode != Opcode::kPrepare && h.opcode != Opcode::kExecute &&
          h.opcode != Opcode::kBatch) {
        throw CqlError(ErrorCode::kProtocolError,
                       "Unexpected opcode " + std::to_string(static_cast<int>(h.opcode)) + " from a client");
      }
      if (ctx_.draining.load()) throw CqlError(ErrorCode::kOverloaded, "The node is shutting down");
      if (inflight_ >= ctx_.options.max_requests_per_connection) {
        throw CqlError(ErrorCode::kOverloaded, "Too many in-flight requests on this connection (limit " +
                                                   std::to_string(ctx_.options.max_requests_per_connection) +
                                                   ")");
      }
      if (ctx_.node_inflight.load() >= ctx_.options.max_requests_per_node) {
        throw CqlError(ErrorCode::kOverloaded, "Too many in-flight requests on this node (limit " +
                                                   std::to_string(ctx_.options.max_requests_per_node) + ")");
      }
      ++inflight_;
      ctx_.node_inflight.fetch_add(1);
      handed_off = true;
      // The lambda keeps the connection alive until the request has been answered.
      asio::co_spawn(
          socket_.get_executor(),
          [self, h, body = std::move(body)]() mutable { return self->handle(h, std::move(body)); },
          asio::detached);
    } catch (const CqlError& e) {
      send(error_frame(h.stream, e));
    }
  }
  // Let queued responses (e.g. the error that ended the connection) go out first.
  if (writing_) {
    close_when_flushed_ = true;
  } else {
    close();
  }
}

}  // namespace krill::transport
