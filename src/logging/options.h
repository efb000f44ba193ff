// Logging configuration: plain values (no spdlog), so that node/config.h can hold them.
// Filled from krill.yaml, KRILL_* environment and flags (node/config_logging.cc);
// docs/configuration.md lists every key with its default.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

namespace krill::logging {

// Remote syslog (RFC 5424). Disabled while `address` is empty.
struct SyslogOptions {
  std::string address;              // "ip:port", "[v6]:port", "ip" (port 514) or "localhost[:port]"
  std::string transport = "udp";    // udp | tcp (RFC 6587 octet counting)
  std::string facility = "local0";  // kern, user, daemon, ..., local0..local7, or a number 0..23
  std::string app_name = "krill";   // APP-NAME field (at most 48 printable characters)
  std::string hostname;             // HOSTNAME field; empty = gethostname()
  std::string level = "trace";      // the least severe level sent; trace = what the loggers let through
  size_t queue_messages = 10000;    // bounded queue between loggers and the sender thread
  size_t max_message_bytes = 2048;  // longer messages are truncated (RFC 5426: receivers take 2048)
  int reconnect_ms = 1000;          // tcp: first delay between reconnect attempts (doubles, max 30 s)
  int connect_timeout_ms = 2000;    // tcp: connect timeout
  bool enabled() const { return !address.empty(); }
};

struct LoggingOptions {
  std::string default_level = "info";                // every logger without its own level
  std::map<std::string, std::string> logger_levels;  // logger name -> level
  bool log_to_stdout = true;                         // the console sink
  size_t ring_lines = 1000;                          // recent lines kept for the HTTP API
  std::string node_address;                          // `node` parameter of the syslog structured data
  SyslogOptions syslog;
};

}  // namespace krill::logging
