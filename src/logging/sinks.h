// The registry's own spdlog sinks (internal to src/logging): the ring of recent lines and
// the remote syslog sender.
#pragma once

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/sink.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "logging/logging.h"
#include "logging/rfc5424.h"

namespace krill::logging {

Level from_spdlog(int spdlog_level);
int to_spdlog(Level level);

// The last `capacity` lines; each message is kept up to 4 KiB.
class RingSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit RingSink(size_t capacity) : capacity_(capacity) {}
  std::vector<LogLine> recent(size_t n);
  size_t capacity() const { return capacity_; }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override {}

 private:
  size_t capacity_;
  std::deque<LogLine> lines_;
};

// Formats each message as RFC 5424 on the logging thread and queues it (bounded); one
// sender thread writes the queue to a UDP socket or a TCP connection (octet counting),
// reconnecting with back-off. Thread-safe.
class SyslogSink : public spdlog::sinks::sink {
 public:
  // `options` must be valid (Registry::validate). `notice` reports sender state changes
  // (connected, lost, refused); it must not log into this sink.
  SyslogSink(const SyslogOptions& options, std::string node_address,
             std::function<void(const std::string&)> notice);
  ~SyslogSink() override;

  void log(const spdlog::details::log_msg& msg) override;
  void flush() override {}
  void set_pattern(const std::string&) override {}
  void set_formatter(std::unique_ptr<spdlog::formatter>) override {}

  // Waits up to `timeout_ms` for the queue to empty.
  void drain(int timeout_ms);
  SyslogStats stats() const;

 private:
  void run();
  bool ensure_connected(std::unique_lock<std::mutex>& lock, bool report_failure);
  void disconnect();

  SyslogOptions options_;
  SyslogHeader header_;
  std::string node_address_;
  std::function<void(const std::string&)> notice_;
  bool tcp_ = false;
  SyslogAddress address_;

  mutable std::mutex mu_;
  std::condition_variable wake_;     // the sender: work or stop
  std::condition_variable drained_;  // drain(): the queue emptied
  std::deque<std::string> queue_;
  bool stop_ = false;
  bool sending_ = false;      // the sender holds a message outside the queue
  bool backing_off_ = false;  // the server is down; the sender waits to reconnect
  int fd_ = -1;               // used by the sender thread only
  std::atomic<bool> connected_{false};
  std::atomic<uint64_t> sent_{0};
  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint64_t> connects_{0};
  std::thread thread_;
};

}  // namespace krill::logging
