// Connection I/O on the reactor: the read buffer and frame decoding, the hand-off of the
// requests of one read to the request pool, and gathered writes of the responses.
// Statement execution (Connection::process) is in connection.cc.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>
#include <iterator>

#include "transport/connection.h"
#include "transport/messages.h"

namespace krill::transport {

namespace asio = boost::asio;
using common::Bytes;
using common::CqlError;
using common::ErrorCode;

namespace {

constexpr int kVersion = 4;
// Frames gathered into one write: at most this many, and past this many bytes no more
// are added (iovec count and a bound on the memory held by one write).
constexpr size_t kMaxWriteFrames = 256;
constexpr size_t kMaxSendFrames = 64;  // iovecs of one direct sendmsg()
constexpr size_t kMaxWriteBytes = 256 * 1024;
// Room below which the undecoded bytes are moved to the front before the next read.
constexpr size_t kMinReadRoom = 4096;

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

// An ERROR frame that is never compressed (sent before or without a negotiated STARTUP).
Bytes plain_error_frame(int16_t stream, const CqlError& e) {
  Bytes body = encode_error(e);
  FrameHeader h;
  h.version = 0x80 | kVersion;
  h.stream = stream;
  h.opcode = Opcode::kError;
  h.length = static_cast<uint32_t>(body.size());
  Bytes out(kHeaderSize, '\0');
  encode_header(h, reinterpret_cast<uint8_t*>(out.data()));
  return out + body;
}

}  // namespace

// ---- reading

asio::awaitable<void> Connection::run() {
  auto self = shared_from_this();
  rbuf_.resize(std::max<size_t>(ctx_.options.read_buffer_bytes, kMinReadRoom + kHeaderSize));
  std::vector<Request> batch;
  bool open = true;
  while (open && !closed_) {
    make_room();
    boost::system::error_code ec;
    const size_t n =
        co_await socket_.async_read_some(asio::buffer(rbuf_.data() + rend_, rbuf_.size() - rend_),
                                         asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    rend_ += n;
    open = consume(batch);
    if (open && charged_) ack_now();
    dispatch(batch);
    kick();
  }
  if (charged_) {
    ctx_.request_bytes.fetch_sub(charged_cost_);
    charged_ = false;
  }
  // Let queued responses (e.g. the error that ended the connection) go out first.
  std::lock_guard lock(write_mu_);
  if (writing_) {
    close_when_flushed_ = true;
  } else {
    close_locked();
  }
}

void Connection::ack_now() {
  // Part of a frame is here and the rest is not. A client that leaves Nagle's algorithm on
  // (the Python driver does, and writes large requests in 4 KiB pieces) holds back its next
  // piece until this data is acknowledged, and Linux delays that ACK by up to 40 ms on a
  // connection that also carries answers. TCP_QUICKACK sends it now. Best effort:
  // if it fails (a socket closing), the ACK merely waits as it would have.
  const int one = 1;
  ::setsockopt(socket_.native_handle(), IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
}

void Connection::make_room() {
  if (rbegin_ == rend_) {
    rbegin_ = rend_ = 0;
    // A large frame grew the buffer; give the memory back once it is consumed.
    const size_t initial = std::max<size_t>(ctx_.options.read_buffer_bytes, kMinReadRoom + kHeaderSize);
    if (rbuf_.size() > initial && !charged_) {
      rbuf_.resize(initial);
      rbuf_.shrink_to_fit();
    }
    return;
  }
  if (rbuf_.size() - rend_ < kMinReadRoom && rbegin_ > 0) {
    std::memmove(rbuf_.data(), rbuf_.data() + rbegin_, rend_ - rbegin_);
    rend_ -= rbegin_;
    rbegin_ = 0;
  }
}

bool Connection::consume(std::vector<Request>& batch) {
  while (true) {
    const size_t avail = rend_ - rbegin_;
    if (skip_left_ > 0) {
      const size_t k = std::min(skip_left_, avail);
      rbegin_ += k;
      skip_left_ -= k;
      if (skip_left_ > 0) return true;
      continue;
    }
    if (avail < kHeaderSize) return true;
    const FrameHeader h = decode_header(reinterpret_cast<const uint8_t*>(rbuf_.data() + rbegin_));
    if (!charged_) {
      const int version = h.version & 0x7f;
      if (version != kVersion || (h.version & 0x80)) {
        // Cassandra's reply to an unsupported version: a v4 error frame, then close.
        enqueue(plain_error_frame(
            h.stream, CqlError(ErrorCode::kProtocolError, "Invalid or unsupported protocol version (" +
                                                              std::to_string(version) +
                                                              "); supported versions are (4/v4)")));
        return false;
      }
      if (h.length > ctx_.options.max_frame_bytes) {
        CqlError too_big(ErrorCode::kProtocolError, "Request is too big: length " + std::to_string(h.length) +
                                                        " exceeds maximum allowed length " +
                                                        std::to_string(ctx_.options.max_frame_bytes) + ".");
        enqueue(error_frame(h.stream, too_big));
        // Absurd (or negative) lengths: answer and close rather than read gigabytes.
        if (h.length > 4 * ctx_.options.max_frame_bytes) return false;
        // Otherwise skip the body so the connection stays usable.
        rbegin_ += kHeaderSize;
        skip_left_ = h.length;
        continue;
      }
      // The body is charged to the node's request memory before it is buffered, so excess
      // load is refused (OVERLOADED) instead of buffered.
      const size_t cost = request_cost(h.length);
      if (!reserve_request_memory(ctx_, cost)) {
        enqueue(error_frame(h.stream, CqlError(ErrorCode::kOverloaded,
                                               "Request memory exhausted on this node (limit " +
                                                   std::to_string(ctx_.options.max_request_bytes_in_flight) +
                                                   " bytes in flight)")));
        rbegin_ += kHeaderSize;
        skip_left_ = h.length;
        continue;
      }
      charged_ = true;
      charged_cost_ = cost;
    }
    const size_t need = kHeaderSize + h.length;
    if (avail < need) {
      if (rbuf_.size() - rbegin_ < need) {
        // Grow (the frame is charged) with the partial frame at the front.
        std::memmove(rbuf_.data(), rbuf_.data() + rbegin_, avail);
        rbegin_ = 0;
        rend_ = avail;
        rbuf_.resize(std::max(need, rbuf_.size()));
      }
      return true;
    }
    Bytes body(rbuf_.data() + rbegin_ + kHeaderSize, h.length);
    rbegin_ += need;
    charged_ = false;
    on_frame(h, std::move(body), charged_cost_, batch);
  }
}

void Connection::on_frame(const FrameHeader& h, Bytes body, size_t cost, std::vector<Request>& batch) {
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
        enqueue(frame(Opcode::kSupported, h.stream,
                      encode_supported({{"CQL_VERSION", {"3.4.5"}},
                                        {"COMPRESSION", {"lz4", "snappy"}},
                                        {"PROTOCOL_VERSIONS", {"4/v4"}}})));
        ctx_.request_bytes.fetch_sub(cost);
        return;
      case Opcode::kStartup:
        if (ready_)
          throw CqlError(ErrorCode::kProtocolError,
                         "Unexpected message STARTUP, the connection is already started");
        startup(h.stream, body);
        ctx_.request_bytes.fetch_sub(cost);
        return;
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
      if (!registered_) ctx_.events.add(shared_from_this());
      registered_ = true;
      enqueue(frame(Opcode::kReady, h.stream, {}));
      ctx_.request_bytes.fetch_sub(cost);
      return;
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
    inflight_.fetch_add(1);
    ctx_.node_inflight.fetch_add(1);
    batch.emplace_back(h, std::move(body), cost);  // the cost is released by complete()
    return;
  } catch (const CqlError& e) {
    enqueue(error_frame(h.stream, e));
  }
  ctx_.request_bytes.fetch_sub(cost);
}

// ---- the request pool

void Connection::dispatch(std::vector<Request>& batch) {
  if (batch.empty()) return;
  if (ctx_.options.inline_execution) {
    run_inline(batch);
    if (batch.empty()) return;
  }
  const size_t per = std::max<size_t>(1, ctx_.options.requests_per_task);
  auto self = shared_from_this();
  if (batch.size() <= per) {
    asio::post(ctx_.pool, [self, requests = std::move(batch)]() mutable { self->run_on_pool(requests); });
    batch = {};
    return;
  }
  for (size_t i = 0; i < batch.size(); i += per) {
    const auto first = batch.begin() + static_cast<std::ptrdiff_t>(i);
    const auto last = batch.begin() + static_cast<std::ptrdiff_t>(std::min(batch.size(), i + per));
    std::vector<Request> task(std::make_move_iterator(first), std::make_move_iterator(last));
    asio::post(ctx_.pool, [self, requests = std::move(task)]() mutable { self->run_on_pool(requests); });
  }
  batch.clear();
}

void Connection::run_inline(std::vector<Request>& batch) {
  std::vector<Bytes> frames;      // answers of the requests run here, in order
  std::vector<Staged> staged;     // those of them staged in `group`
  std::vector<Request> deferred;  // for the pool, in order
  auto group = std::make_unique<cql::WriteGroup>();
  size_t cost = 0;
  size_t blocked = 0;  // EXECUTEs tried here that would have waited
  size_t i = 0;
  for (; i < batch.size(); ++i) {
    Request& r = batch[i];
    // Anything but an EXECUTE (a USE, a PREPARE, a BATCH...) runs on the pool, and so does
    // everything read after it, in order.
    if (r.header.opcode != Opcode::kExecute) break;
    const size_t before = group->size();
    try {
      frames.push_back(process(r.header, r.body, group.get(), /*no_block=*/true));
    } catch (const common::WouldBlock&) {
      // This one would wait; those after it need not. Requests of a connection have no
      // order among themselves until answered, as in Cassandra.
      deferred.push_back(std::move(r));
      ++blocked;
      continue;
    }
    if (group->size() > before) staged.push_back(Staged{frames.size() - 1, r.header.stream});
    cost += r.cost;
  }
  for (; i < batch.size(); ++i) deferred.push_back(std::move(batch[i]));
  batch = std::move(deferred);
  if (auto* m = ctx_.options.metrics) m->requests_deferred.inc(blocked);
  if (frames.empty()) return;
  bool applied = true;
  try {
    answer_staged(group->flush_now(), staged, frames);
  } catch (const common::WouldBlock&) {
    applied = false;
  }
  const size_t done = frames.size();
  if (auto* m = ctx_.options.metrics) {
    m->requests_inline.inc(applied ? done : done - staged.size());
    if (!applied) m->requests_deferred.inc(staged.size());
  }
  if (applied) {
    complete(frames, done, cost, /*on_reactor=*/true);
    return;
  }
  // The staged writes would wait (a stall): the pool applies them and answers the requests
  // that ran here; nothing else waits for that.
  asio::post(ctx_.pool, [self = shared_from_this(), frames = std::move(frames), group = std::move(group),
                         staged = std::move(staged), done, cost]() mutable {
    self->flush_staged(*group, staged, frames);
    self->complete(frames, done, cost, /*on_reactor=*/false);
  });
}

void Connection::answer_staged(const std::vector<std::optional<CqlError>>& outcomes,
                               const std::vector<Staged>& staged, std::vector<Bytes>& frames) const {
  for (size_t k = 0; k < staged.size() && k < outcomes.size(); ++k) {
    if (outcomes[k]) frames[staged[k].frame] = error_frame(staged[k].stream, *outcomes[k]);
  }
}

void Connection::flush_staged(cql::WriteGroup& group, const std::vector<Staged>& staged,
                              std::vector<Bytes>& frames) const {
  if (group.empty()) return;
  std::vector<std::optional<CqlError>> outcomes;
  try {
    outcomes = group.flush();
  } catch (const std::exception& e) {
    outcomes.assign(staged.size(), CqlError(ErrorCode::kServerError, e.what()));
  }
  answer_staged(outcomes, staged, frames);
}

void Connection::run_on_pool(std::vector<Request>& requests) {
  std::vector<Bytes> frames;
  frames.reserve(requests.size());
  size_t cost = 0;
  // Plain writes of the task become one storage write; their responses wait for it.
  cql::WriteGroup group;
  std::vector<Staged> staged;
  for (Request& r : requests) {
    const size_t before = group.size();
    frames.push_back(process(r.header, r.body, requests.size() > 1 ? &group : nullptr));
    if (group.size() > before) staged.push_back(Staged{frames.size() - 1, r.header.stream});
    cost += r.cost;
    r.body = Bytes();  // free the body now, not when the task ends
  }
  flush_staged(group, staged, frames);
  complete(frames, requests.size(), cost, /*on_reactor=*/false);
}

void Connection::complete(std::vector<Bytes>& frames, size_t requests, size_t cost, bool on_reactor) {
  // The connection's slots and memory are released first: a client that reads a response and
  // sends the next request at once must not be refused for a slot this task still held.
  inflight_.fetch_sub(requests);
  ctx_.request_bytes.fetch_sub(cost);
  {
    std::lock_guard lock(write_mu_);
    if (!closed_) {
      for (auto& f : frames) outq_.push_back(std::move(f));
      flush_locked(on_reactor);
    }
  }
  // The node's count last: a drain (CqlServer::stop) that sees it reach zero closes the
  // connections, and the responses must be with the socket by then.
  ctx_.node_inflight.fetch_sub(requests);
}

// ---- writing

void Connection::send(Bytes f) {
  enqueue(std::move(f));
  kick();
}

void Connection::enqueue(Bytes f) {
  std::lock_guard lock(write_mu_);
  if (closed_) return;
  outq_.push_back(std::move(f));
}

void Connection::kick() {
  std::lock_guard lock(write_mu_);
  flush_locked(/*on_reactor=*/true);
}

void Connection::flush_locked(bool on_reactor) {
  if (writing_ || closed_ || outq_.empty()) return;
  if (!send_now_locked()) {
    // The peer is gone; the reactor closes the socket (its read fails too, or this does).
    outq_.clear();
    if (on_reactor) {
      close_locked();
    } else {
      asio::post(executor(), [self = shared_from_this()] { self->close(); });
    }
    return;
  }
  if (outq_.empty()) {
    if (close_when_flushed_) {
      if (on_reactor) {
        close_locked();
      } else {
        asio::post(executor(), [self = shared_from_this()] { self->close(); });
      }
    }
    return;
  }
  writing_ = true;  // the rest waits for the socket to drain
  if (on_reactor) {
    start_write_locked();
  } else {
    asio::post(executor(), [self = shared_from_this()] {
      std::lock_guard lock(self->write_mu_);
      self->start_write_locked();
    });
  }
}

bool Connection::send_now_locked() {
  const int fd = socket_.native_handle();
  while (!outq_.empty()) {
    iovec iov[kMaxSendFrames];
    size_t n = 0;
    size_t bytes = 0;
    for (auto it = outq_.begin(); it != outq_.end() && n < kMaxSendFrames && bytes < kMaxWriteBytes; ++it) {
      iov[n].iov_base = it->data();
      iov[n].iov_len = it->size();
      bytes += it->size();
      ++n;
    }
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = n;
    const ssize_t sent = ::sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent < 0) {
      if (errno == EINTR) continue;
      return errno == EAGAIN || errno == EWOULDBLOCK;
    }
    size_t left = static_cast<size_t>(sent);
    while (left > 0) {
      Bytes& f = outq_.front();
      if (f.size() <= left) {
        left -= f.size();
        outq_.pop_front();
      } else {
        f.erase(0, left);  // a partial frame: the rest goes with the async write
        left = 0;
      }
    }
    if (static_cast<size_t>(sent) < bytes) return true;  // the socket is full
  }
  return true;
}

void Connection::start_write_locked() {
  if (closed_) {
    writing_ = false;
    return;
  }
  wframes_.clear();
  wbufs_.clear();
  size_t bytes = 0;
  while (!outq_.empty() && wframes_.size() < kMaxWriteFrames && bytes < kMaxWriteBytes) {
    bytes += outq_.front().size();
    wframes_.push_back(std::move(outq_.front()));
    outq_.pop_front();
  }
  for (const auto& f : wframes_) wbufs_.emplace_back(f.data(), f.size());
  asio::async_write(
      socket_, wbufs_,
      [self = shared_from_this()](const boost::system::error_code& ec, size_t) { self->on_written(ec); });
}

void Connection::on_written(const boost::system::error_code& ec) {
  std::lock_guard lock(write_mu_);
  writing_ = false;
  wframes_.clear();
  wbufs_.clear();
  if (ec) {
    close_locked();
    return;
  }
  if (!closed_ && !outq_.empty()) {
    writing_ = true;
    start_write_locked();
  } else if (close_when_flushed_) {
    close_locked();
  }
}

void Connection::close() {
  std::lock_guard lock(write_mu_);
  close_locked();
}

void Connection::close_locked() {
  if (closed_) return;
  closed_ = true;
  outq_.clear();
  boost::system::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  if (registered_) ctx_.events.remove(this);
}

}  // namespace krill::transport
