// The logging part of the configuration (docs/configuration.md, "Logging"): krill.yaml keys
// `default_log_level`, `logger_log_level`, `log_to_stdout`, `log_ring_lines` and the
// `syslog:` mapping; KRILL_* environment variables; the parsing of the flags' values.
// Each function returns "" or an error message naming the key.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "logging/options.h"

namespace YAML {
class Node;
}

namespace krill::node {

std::string apply_logging_yaml(const YAML::Node& root, logging::LoggingOptions& options);
// Applies one environment variable if it is a logging one (others are ignored).
std::string apply_logging_env(const std::string& key, const std::string& value,
                              logging::LoggingOptions& options);
// "storage=debug:cql_server=trace" (Scylla's --logger-log-level; ',' separates too).
std::string parse_logger_levels(const std::string& spec, std::map<std::string, std::string>& out);
// "key: value" lines for the start-up log.
std::vector<std::string> describe_logging(const logging::LoggingOptions& options);

}  // namespace krill::node
