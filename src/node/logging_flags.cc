#include "node/logging_flags.h"

#include <CLI/CLI.hpp>

#include "node/config_logging.h"

namespace krill::node {

void add_logging_flags(CLI::App& serve, LoggingFlags& f) {
  serve
      .add_option("--default-log-level", f.default_level,
                  "Level of every logger without its own: trace, debug, info, warn, error, critical, off")
      ->default_str("info");
  serve.add_option("--logger-log-level", f.logger_levels,
                   "Per-logger level, e.g. storage=debug:cql_server=trace (repeatable)");
  serve.add_option("--syslog-address", f.syslog_address,
                   "Remote syslog server (RFC 5424), ip[:port] (default port 514); empty = off");
  serve.add_option("--syslog-transport", f.syslog_transport, "udp or tcp (RFC 6587 octet counting)")
      ->default_str("udp");
  serve.add_option("--syslog-facility", f.syslog_facility, "Syslog facility, e.g. daemon, local0..local7")
      ->default_str("local0");
  serve.add_option("--syslog-app-name", f.syslog_app_name, "APP-NAME of the syslog messages")
      ->default_str("krill");
}

std::string apply_logging_flags(const CLI::App& serve, const LoggingFlags& f, logging::LoggingOptions& o) {
  if (serve.count("--default-log-level")) o.default_level = f.default_level;
  for (auto& spec : f.logger_levels) {
    if (auto err = parse_logger_levels(spec, o.logger_levels); !err.empty())
      return "--logger-log-level: " + err;
  }
  if (serve.count("--syslog-address")) o.syslog.address = f.syslog_address;
  if (serve.count("--syslog-transport")) o.syslog.transport = f.syslog_transport;
  if (serve.count("--syslog-facility")) o.syslog.facility = f.syslog_facility;
  if (serve.count("--syslog-app-name")) o.syslog.app_name = f.syslog_app_name;
  return "";
}

}  // namespace krill::node
