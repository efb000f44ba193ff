// Named loggers with runtime levels, owned by the node and passed explicitly (spdlog's
// global registry is never used for lookup).
//
// Contract:
// - get(name) returns the logger of that name, creating it on first use with its
//   configured level (options.logger_levels[name], else the default level). Every logger
//   writes to the same sinks: the console (stdout, if enabled), a ring of the last
//   `ring_lines` lines (recent()), and remote syslog when configured.
// - Levels change at runtime from any thread (set_level, set_all, reset); a change is
//   visible to the next log call on every thread.
// - Logging never blocks on the network: syslog messages go through a bounded queue to a
//   sender thread; when the queue is full they are dropped and counted (syslog_stats()).
// - The destructor flushes: it gives the syslog sender up to two seconds to drain.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "logging/options.h"

namespace spdlog {
class logger;
namespace sinks {
class sink;
}
}  // namespace spdlog

namespace krill::logging {

// Levels by name: trace, debug, info, warn, error, critical, off (spdlog's order).
enum class Level { trace = 0, debug, info, warn, error, critical, off };

// Case-insensitive; also accepts "warning", "err", "fatal" (= critical) and Cassandra's
// "all" (= trace). nullopt for anything else.
std::optional<Level> parse_level(std::string_view text);
// Lower-case name: "trace", "debug", "info", "warn", "error", "critical", "off".
const char* level_name(Level level);

// One line of the in-memory ring.
struct LogLine {
  int64_t time_us = 0;  // microseconds since the Unix epoch
  Level level = Level::info;
  std::string logger;
  std::string message;
};

struct SyslogStats {
  bool enabled = false;
  bool connected = false;  // tcp: a connection is open; udp: the socket exists
  uint64_t sent = 0;       // messages handed to the kernel
  uint64_t dropped = 0;    // queue full, or a send that failed
  uint64_t connects = 0;   // tcp connections established
  size_t queued = 0;
};

class SyslogSink;
class RingSink;

class Registry {
 public:
  // `options` should have passed validate(); a bad value falls back to its default.
  explicit Registry(LoggingOptions options);
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Checks levels, the syslog address, transport and facility. Returns "" or an error.
  static std::string validate(const LoggingOptions& options);

  std::shared_ptr<spdlog::logger> get(const std::string& name);
  // Names of every logger created so far, sorted.
  std::vector<std::string> names() const;
  std::optional<Level> level(const std::string& name) const;
  // Returns "" or an error ("unknown logger ...", "unknown level ...").
  std::string set_level(const std::string& name, const std::string& level);
  // Sets every logger, and the default for loggers created later.
  std::string set_all(const std::string& level);
  // Back to the configured levels (default and per-logger).
  void reset();
  // Back to the configured level for one logger. Returns "" or an error.
  std::string reset_level(const std::string& name);
  Level default_level() const;

  // The last `n` lines (oldest first), at most the ring's capacity.
  std::vector<LogLine> recent(size_t n) const;
  size_t ring_capacity() const;
  SyslogStats syslog_stats() const;
  // Flushes every sink; waits up to `timeout_ms` for the syslog queue to drain.
  void flush(int timeout_ms = 0);
  const LoggingOptions& options() const { return options_; }

 private:
  Level configured_level(const std::string& name) const;

  LoggingOptions options_;
  mutable std::mutex mu_;
  Level default_level_ = Level::info;
  std::map<std::string, std::shared_ptr<spdlog::logger>> loggers_;
  std::vector<std::shared_ptr<spdlog::sinks::sink>> sinks_;
  std::shared_ptr<RingSink> ring_;
  std::shared_ptr<SyslogSink> syslog_;
};

}  // namespace krill::logging
