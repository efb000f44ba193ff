// Asynchronous CQL connection (see connection.h).
#include "tools/client/connection.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <cstring>
#include <memory>

#include "common/error.h"

namespace krill::tools::client {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr size_t kInitialReadBuffer = 64 * 1024;
constexpr size_t kMinReadSpace = 16 * 1024;
constexpr uint32_t kMaxResponseBody = 256u << 20;

// Skips the optional tracing id, warnings and custom payload that precede a response body
// when the header's flags say they are there (spec 2.2).
std::string_view strip_body_prefix(const FrameHeader& h, std::string_view body) {
  if ((h.flags & (transport::kFlagTracing | transport::kFlagWarning | transport::kFlagCustomPayload)) == 0) {
    return body;
  }
  transport::BodyReader r(body);
  if (h.flags & transport::kFlagTracing) {
    for (int i = 0; i < 16; ++i) r.read_byte();
  }
  if (h.flags & transport::kFlagWarning) r.read_string_list();
  if (h.flags & transport::kFlagCustomPayload) r.read_bytes_map();
  return body.substr(body.size() - r.remaining());
}

}  // namespace

Connection::Connection(asio::io_context& io, int max_streams) : io_(io), socket_(io) {
  if (max_streams < 1) max_streams = 1;
  if (max_streams > 32768) max_streams = 32768;
  slots_.resize(static_cast<size_t>(max_streams));
  free_streams_.reserve(static_cast<size_t>(max_streams));
  // Lowest ids on top of the stack: they are handed out first.
  for (int s = max_streams - 1; s >= 0; --s) free_streams_.push_back(static_cast<int16_t>(s));
  in_.resize(kInitialReadBuffer);
}

Connection::~Connection() {
  boost::system::error_code ec;
  socket_.close(ec);
}

void Connection::connect(const std::string& host, uint16_t port, std::function<void(std::string)> done) {
  // IP addresses and "localhost" only: name resolution would pull glibc's NSS into the static
  // binary (getaddrinfo), which a minimal image does not have.
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) {
    done("bad address '" + host + "': not an IP address (use an IP address or localhost)");
    return;
  }
  tcp::endpoint endpoint(address, port);
  socket_.async_connect(endpoint,
                        [this, endpoint, done = std::move(done)](boost::system::error_code e) mutable {
                          if (e) {
                            done("cannot connect to " + endpoint.address().to_string() + ":" +
                                 std::to_string(endpoint.port()) + ": " + e.message());
                            return;
                          }
                          boost::system::error_code ignored;
                          socket_.set_option(tcp::no_delay(true), ignored);
                          open_ = true;
                          start_read();
                          common::Bytes body;
                          append_startup_body(body);
                          startup_cb_ = [this, done = std::move(done)](const Reply& reply) {
                            if (!reply.ok()) {
                              done("STARTUP failed: " + std::string(reply.failure));
                            } else if (reply.header->opcode != Opcode::kReady) {
                              done("STARTUP failed: " + describe_response(*reply.header, reply.body));
                            } else {
                              done("");
                            }
                          };
                          start_callback_request(Opcode::kStartup, body, &startup_cb_);
                        });
}

bool Connection::start_callback_request(Opcode op, std::string_view body,
                                        std::function<void(const Reply&)>* cb) {
  if (!open_ || free_streams_.empty()) return false;
  const int16_t stream = free_streams_.back();
  free_streams_.pop_back();
  slots_[static_cast<size_t>(stream)] = Slot{nullptr, 0, cb};
  const size_t start = begin_frame(out_, op, stream);
  out_.append(body);
  end_frame(out_, start);
  ++in_flight_;
  schedule_flush();
  return true;
}

OwnedReply Connection::call(Opcode op, std::string body) { return call_async(op, std::move(body)).get(); }

std::future<OwnedReply> Connection::call_async(Opcode op, std::string body) {
  struct Pending {
    std::promise<OwnedReply> promise;
    std::function<void(const Reply&)> cb;
    std::string body;
  };
  auto* pending = new Pending;
  pending->body = std::move(body);
  std::future<OwnedReply> result = pending->promise.get_future();
  pending->cb = [pending](const Reply& reply) {
    OwnedReply owned;
    if (reply.ok()) {
      owned.header = *reply.header;
      owned.body = std::string(reply.body);
    } else {
      owned.failure = std::string(reply.failure);
    }
    pending->promise.set_value(std::move(owned));
    delete pending;
  };
  asio::post(io_, [this, pending, op] {
    if (!start_callback_request(op, pending->body, &pending->cb)) {
      Reply r;
      r.failure = open_ ? "no free stream id" : "connection not open";
      pending->cb(r);
    }
  });
  return result;
}

void Connection::close() {
  if (!open_) return;
  open_ = false;
  boost::system::error_code ec;
  socket_.close(ec);
  fail_all("connection closed");
}

void Connection::schedule_flush() {
  if (writing_ || flush_posted_) return;
  flush_posted_ = true;
  asio::post(io_, [this] {
    flush_posted_ = false;
    flush();
  });
}

void Connection::flush() {
  if (writing_ || out_.empty() || !open_) return;
  std::swap(out_, writing_buf_);
  out_.clear();
  writing_ = true;
  asio::async_write(socket_, asio::buffer(writing_buf_), [this](boost::system::error_code e, size_t) {
    writing_ = false;
    if (e) {
      if (open_) {
        open_ = false;
        boost::system::error_code ignored;
        socket_.close(ignored);
        fail_all("write failed: " + e.message());
      }
      return;
    }
    if (!out_.empty()) flush();
  });
}

void Connection::start_read() {
  if (in_.size() - in_end_ < kMinReadSpace) {
    // Compact, then grow if still short of space.
    if (in_begin_ > 0) {
      std::memmove(in_.data(), in_.data() + in_begin_, in_end_ - in_begin_);
      in_end_ -= in_begin_;
      in_begin_ = 0;
    }
    if (in_.size() - in_end_ < kMinReadSpace) in_.resize(in_.size() * 2);
  }
  socket_.async_read_some(asio::buffer(in_.data() + in_end_, in_.size() - in_end_),
                          [this](boost::system::error_code e, size_t n) {
                            if (e) {
                              if (open_) {
                                open_ = false;
                                boost::system::error_code ignored;
                                socket_.close(ignored);
                                fail_all(e == asio::error::eof ? std::string("connection closed by server")
                                                               : "read failed: " + e.message());
                              }
                              return;
                            }
                            on_read(n);
                          });
}

void Connection::on_read(size_t n) {
  in_end_ += n;
  while (in_end_ - in_begin_ >= transport::kHeaderSize) {
    const auto* p = reinterpret_cast<const uint8_t*>(in_.data() + in_begin_);
    const FrameHeader h = transport::decode_header(p);
    if (h.version != kResponseVersion || h.length > kMaxResponseBody) {
      open_ = false;
      boost::system::error_code ignored;
      socket_.close(ignored);
      fail_all("bad response frame (version " + std::to_string(h.version) + ", length " +
               std::to_string(h.length) + ")");
      return;
    }
    const size_t frame_size = transport::kHeaderSize + h.length;
    if (in_end_ - in_begin_ < frame_size) {
      // Make room for the whole frame: move it to the front, then grow if needed.
      if (in_begin_ + frame_size > in_.size()) {
        std::memmove(in_.data(), in_.data() + in_begin_, in_end_ - in_begin_);
        in_end_ -= in_begin_;
        in_begin_ = 0;
        if (in_.size() < frame_size + kMinReadSpace) in_.resize(frame_size + kMinReadSpace);
      }
      break;
    }
    dispatch(h, std::string_view(in_.data() + in_begin_ + transport::kHeaderSize, h.length));
    in_begin_ += frame_size;
    if (!open_) return;  // a handler closed the connection
  }
  if (in_begin_ == in_end_) in_begin_ = in_end_ = 0;
  start_read();
}

void Connection::dispatch(const FrameHeader& h, std::string_view body) {
  if (h.stream < 0 || static_cast<size_t>(h.stream) >= slots_.size()) return;  // events, unknown ids
  Slot slot = slots_[static_cast<size_t>(h.stream)];
  if (slot.handler == nullptr && slot.callback == nullptr) return;  // not ours: ignore
  slots_[static_cast<size_t>(h.stream)] = Slot{};
  free_streams_.push_back(h.stream);
  --in_flight_;
  Reply reply;
  reply.header = &h;
  try {
    reply.body = strip_body_prefix(h, body);
  } catch (const common::CqlError&) {
    reply.header = nullptr;
    reply.failure = "malformed response prefix";
  }
  if (slot.handler != nullptr) {
    slot.handler->on_reply(slot.tag, reply);
  } else {
    (*slot.callback)(reply);
  }
}

void Connection::fail_all(const std::string& why) {
  Reply reply;
  reply.failure = why;
  for (size_t s = 0; s < slots_.size(); ++s) {
    Slot slot = slots_[s];
    if (slot.handler == nullptr && slot.callback == nullptr) continue;
    slots_[s] = Slot{};
    free_streams_.push_back(static_cast<int16_t>(s));
    --in_flight_;
    if (slot.handler != nullptr) {
      slot.handler->on_reply(slot.tag, reply);
    } else {
      (*slot.callback)(reply);
    }
  }
}

}  // namespace krill::tools::client
