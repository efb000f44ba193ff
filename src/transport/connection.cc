#include "transport/connection.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
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
  if (body.empty()) return out;
  out.reserve(kHeaderSize + body.size());
  out += body;
  return out;
}

Bytes Connection::error_frame(int16_t stream, const CqlError& e) const {
  if (auto* m = ctx_.options.metrics) m->count_error(static_cast<int32_t>(e.code()));
  return frame(Opcode::kError, stream, encode_error(e));
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
  enqueue(frame(Opcode::kReady, stream, {}, false));
  compression_ = c;
  ready_ = true;
}

Bytes Connection::execute(FrameHeader header, const Bytes& body, admin::StatementKind& kind, bool& counted,
                          cql::WriteGroup* group, bool no_block) {
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
      result = ctx_.processor.execute(e.id, query_options(std::move(e.params)), state, group, no_block);
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

Bytes Connection::process(const FrameHeader& header, const Bytes& body, cql::WriteGroup* group,
                          bool no_block) {
  const auto start = std::chrono::steady_clock::now();
  admin::StatementKind kind = admin::StatementKind::kOther;
  bool counted = true;
  Bytes out;
  try {
    // common::WouldBlock is no std::exception: it leaves here, before any metric is recorded.
    out = frame(Opcode::kResult, header.stream, execute(header, body, kind, counted, group, no_block));
  } catch (const CqlError& e) {
    out = error_frame(header.stream, e);
  } catch (const std::exception& e) {
    out = error_frame(header.stream, CqlError(ErrorCode::kServerError, e.what()));
  } catch (const common::WouldBlock&) {
    if (no_block) throw;  // run_inline sends it to the pool
    // Only operations started with no_block may throw it; on the pool it would be a bug.
    out = error_frame(header.stream, CqlError(ErrorCode::kServerError, "internal error: a wait was refused"));
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

}  // namespace krill::transport
