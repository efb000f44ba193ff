// The `krill serve` flags for logging (docs/configuration.md, "Logging"): registered on the
// serve subcommand, applied over the file and environment after parsing.
#pragma once

#include <string>
#include <vector>

#include "logging/options.h"

namespace CLI {
class App;
}

namespace krill::node {

struct LoggingFlags {
  std::string default_level;
  std::vector<std::string> logger_levels;  // each "name=level[:name=level...]"
  std::string syslog_address;
  std::string syslog_transport;
  std::string syslog_facility;
  std::string syslog_app_name;
};

void add_logging_flags(CLI::App& serve, LoggingFlags& flags);
// Applies the flags that were given. Returns "" or an error.
std::string apply_logging_flags(const CLI::App& serve, const LoggingFlags& flags,
                                logging::LoggingOptions& options);

}  // namespace krill::node
