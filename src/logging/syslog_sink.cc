#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "logging/sinks.h"

namespace krill::logging {

namespace {

Severity severity_of(spdlog::level::level_enum l) {
  switch (l) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return Severity::debug;
    case spdlog::level::info:
      return Severity::informational;
    case spdlog::level::warn:
      return Severity::warning;
    case spdlog::level::err:
      return Severity::error;
    default:
      return Severity::critical;
  }
}

std::string local_hostname() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "-";
  return buf;
}

// sockaddr for an IP literal and port (checked by parse_syslog_address).
socklen_t make_sockaddr(const SyslogAddress& a, sockaddr_storage& out) {
  std::memset(&out, 0, sizeof out);
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out);
  if (inet_pton(AF_INET, a.ip.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(a.port);
    return sizeof(sockaddr_in);
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out);
  inet_pton(AF_INET6, a.ip.c_str(), &v6->sin6_addr);
  v6->sin6_family = AF_INET6;
  v6->sin6_port = htons(a.port);
  return sizeof(sockaddr_in6);
}

// Connects `fd` within `timeout_ms`. Returns 0 or an errno value.
int connect_with_timeout(int fd, const sockaddr_storage& sa, socklen_t len, int timeout_ms) {
  int flags = fcntl(fd, F_GETFL, 0);
  fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&sa), len);
  int err = 0;
  if (rc != 0) {
    err = errno;
    if (err == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      rc = ::poll(&p, 1, timeout_ms);
      if (rc == 0) {
        err = ETIMEDOUT;
      } else if (rc < 0) {
        err = errno;
      } else {
        socklen_t l = sizeof err;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l);
      }
    }
  }
  fcntl(fd, F_SETFL, flags);
  return err;
}

// True when the peer has closed or reset the connection (nothing is ever read from it).
bool peer_closed(int fd) {
  pollfd p{fd, POLLIN | POLLRDHUP, 0};
  if (::poll(&p, 1, 0) <= 0) return false;
  if ((p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) return true;
  char c;
  return ::recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

}  // namespace

SyslogSink::SyslogSink(const SyslogOptions& options, std::string node_address,
                       std::function<void(const std::string&)> notice)
    : options_(options), node_address_(std::move(node_address)), notice_(std::move(notice)) {
  header_.facility = parse_facility(options.facility).value_or(16);
  header_.hostname = options.hostname.empty() ? local_hostname() : options.hostname;
  header_.app_name = options.app_name;
  header_.procid = std::to_string(getpid());
  tcp_ = options.transport == "tcp";
  std::string error;
  address_ = parse_syslog_address(options.address, error).value_or(SyslogAddress{"127.0.0.1", 514});
  if (options_.queue_messages == 0) options_.queue_messages = 1;
  if (options_.max_message_bytes < 64) options_.max_message_bytes = 64;
  thread_ = std::thread([this] { run(); });
}

SyslogSink::~SyslogSink() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  disconnect();
}

void SyslogSink::log(const spdlog::details::log_msg& msg) {
  int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(msg.time.time_since_epoch()).count();
  std::string logger(msg.logger_name.data(), msg.logger_name.size());
  std::vector<std::pair<std::string, std::string>> sd{{"logger", logger}};
  if (!node_address_.empty()) sd.emplace_back("node", node_address_);
  sd.emplace_back("thread", std::to_string(msg.thread_id));
  std::string text =
      format_rfc5424(header_, severity_of(msg.level), us, logger, sd,
                     std::string_view(msg.payload.data(), msg.payload.size()), options_.max_message_bytes);
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= options_.queue_messages || stop_) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    queue_.push_back(std::move(text));
  }
  wake_.notify_one();
}

void SyslogSink::drain(int timeout_ms) {
  std::unique_lock lock(mu_);
  drained_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                    [&] { return (queue_.empty() && !sending_) || backing_off_; });
}

SyslogStats SyslogSink::stats() const {
  SyslogStats s;
  s.enabled = true;
  s.connected = connected_.load();
  s.sent = sent_.load();
  s.dropped = dropped_.load();
  s.connects = connects_.load();
  std::lock_guard lock(mu_);
  s.queued = queue_.size() + (sending_ ? 1 : 0);
  return s;
}

void SyslogSink::disconnect() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  connected_ = false;
}

// Called with `lock` held; releases it while connecting.
bool SyslogSink::ensure_connected(std::unique_lock<std::mutex>& lock, bool report_failure) {
  if (fd_ >= 0) return true;
  sockaddr_storage sa;
  socklen_t len = make_sockaddr(address_, sa);
  lock.unlock();
  int fd = ::socket(sa.ss_family, (tcp_ ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
  int err = fd < 0 ? errno : 0;
  if (fd >= 0 && tcp_) {
    err = connect_with_timeout(fd, sa, len, options_.connect_timeout_ms);
    if (err == 0) {
      timeval tv{2, 0};  // a stalled server must not hold the sender (and shutdown) forever
      setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
  } else if (fd >= 0) {
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&sa), len) != 0) err = errno;
  }
  std::string where = std::string(tcp_ ? "tcp " : "udp ") + address_.ip + ":" + std::to_string(address_.port);
  if (err != 0) {
    if (fd >= 0) ::close(fd);
    connected_ = false;
    if (notice_ && report_failure)
      notice_("cannot connect to syslog server " + where + ": " + std::strerror(err));
    lock.lock();
    return false;
  }
  if (tcp_) connects_.fetch_add(1);
  connected_ = true;
  if (notice_ && tcp_) notice_("connected to syslog server " + where);
  lock.lock();
  fd_ = fd;
  return true;
}

void SyslogSink::run() {
  const int first_backoff = std::max(10, options_.reconnect_ms);
  int backoff = first_backoff;
  bool refused_reported = false;
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) break;  // stopping and nothing left
    if (fd_ < 0) {
      // A failing server is reported once per outage, not once per attempt.
      bool ok = ensure_connected(lock, !refused_reported);
      if (!ok) {
        refused_reported = true;
        if (stop_) {  // no server to drain to: what is left is lost
          dropped_.fetch_add(queue_.size());
          queue_.clear();
          break;
        }
        backing_off_ = true;  // drain() does not wait for a server that is down
        drained_.notify_all();
        wake_.wait_for(lock, std::chrono::milliseconds(backoff), [&] { return stop_; });
        backing_off_ = false;
        backoff = std::min(backoff * 2, 30000);
        continue;
      }
      refused_reported = false;
      backoff = first_backoff;
    }
    if (tcp_ && peer_closed(fd_)) {
      // The server closed (restart, idle timeout): reconnect before writing, so that the
      // message is not written into a dead connection and lost.
      disconnect();
      if (notice_) {
        lock.unlock();
        notice_("the syslog server " + address_.ip + ":" + std::to_string(address_.port) +
                " closed the connection; reconnecting");
        lock.lock();
      }
      continue;
    }
    std::string message = std::move(queue_.front());
    queue_.pop_front();
    sending_ = true;
    lock.unlock();
    std::string wire = tcp_ ? octet_frame(message) : message;
    bool ok = true;
    size_t off = 0;
    while (off < wire.size()) {
      ssize_t n = ::send(fd_, wire.data() + off, wire.size() - off, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ok = false;
        break;
      }
      off += static_cast<size_t>(n);
    }
    int err = errno;
    lock.lock();
    sending_ = false;
    if (ok) {
      sent_.fetch_add(1, std::memory_order_relaxed);
    } else if (tcp_) {
      // The connection broke: reconnect and send this message again (it may arrive twice).
      std::string where = address_.ip + ":" + std::to_string(address_.port);
      disconnect();
      if (!stop_) {
        queue_.push_front(std::move(message));
      } else {
        dropped_.fetch_add(1);
      }
      if (notice_) {
        lock.unlock();
        notice_("lost the syslog connection to tcp " + where + ": " + std::strerror(err));
        lock.lock();
      }
    } else {
      dropped_.fetch_add(1, std::memory_order_relaxed);  // e.g. ECONNREFUSED from an earlier ICMP error
    }
    if (queue_.empty()) drained_.notify_all();
  }
  drained_.notify_all();
}

}  // namespace krill::logging
