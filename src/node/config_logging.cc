#include "node/config_logging.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <exception>

namespace krill::node {

std::string parse_logger_levels(const std::string& spec, std::map<std::string, std::string>& out) {
  size_t pos = 0;
  while (pos <= spec.size()) {
    size_t end = spec.find_first_of(":,", pos);
    if (end == std::string::npos) end = spec.size();
    std::string item = spec.substr(pos, end - pos);
    pos = end + 1;
    if (item.empty()) {
      if (end == spec.size()) break;
      continue;
    }
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
      return "bad logger level '" + item + "' (expected logger=level, e.g. storage=debug)";
    out[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return "";
}

std::string apply_logging_yaml(const YAML::Node& y, logging::LoggingOptions& o) {
  try {
    if (y["default_log_level"]) o.default_level = y["default_log_level"].as<std::string>();
    if (auto m = y["logger_log_level"]) {
      if (!m.IsMap()) return "logger_log_level: expected a mapping of logger name to level";
      for (auto it = m.begin(); it != m.end(); ++it)
        o.logger_levels[it->first.as<std::string>()] = it->second.as<std::string>();
    }
    if (y["log_to_stdout"]) o.log_to_stdout = y["log_to_stdout"].as<bool>();
    if (y["log_ring_lines"]) {
      auto n = y["log_ring_lines"].as<int64_t>();
      if (n < 0 || n > 1000000) return "log_ring_lines: expected 0..1000000";
      o.ring_lines = static_cast<size_t>(n);
    }
    if (auto s = y["syslog"]) {
      if (!s.IsMap()) return "syslog: expected a mapping (address, transport, facility, ...)";
      auto& so = o.syslog;
      if (s["address"]) so.address = s["address"].as<std::string>();
      if (s["transport"]) so.transport = s["transport"].as<std::string>();
      if (s["facility"]) so.facility = s["facility"].as<std::string>();
      if (s["app_name"]) so.app_name = s["app_name"].as<std::string>();
      if (s["hostname"]) so.hostname = s["hostname"].as<std::string>();
      if (s["level"]) so.level = s["level"].as<std::string>();
      if (s["queue_messages"]) so.queue_messages = s["queue_messages"].as<size_t>();
      if (s["max_message_bytes"]) so.max_message_bytes = s["max_message_bytes"].as<size_t>();
      if (s["reconnect_ms"]) so.reconnect_ms = s["reconnect_ms"].as<int>();
      if (s["connect_timeout_ms"]) so.connect_timeout_ms = s["connect_timeout_ms"].as<int>();
    }
  } catch (const std::exception& e) {
    return std::string("logging settings: ") + e.what();
  }
  return "";
}

std::string apply_logging_env(const std::string& k, const std::string& v, logging::LoggingOptions& o) {
  if (k == "KRILL_DEFAULT_LOG_LEVEL") {
    o.default_level = v;
  } else if (k == "KRILL_LOGGER_LOG_LEVEL") {
    return parse_logger_levels(v, o.logger_levels);
  } else if (k == "KRILL_SYSLOG_ADDRESS") {
    o.syslog.address = v;
  } else if (k == "KRILL_SYSLOG_TRANSPORT") {
    o.syslog.transport = v;
  } else if (k == "KRILL_SYSLOG_FACILITY") {
    o.syslog.facility = v;
  } else if (k == "KRILL_SYSLOG_APP_NAME") {
    o.syslog.app_name = v;
  } else if (k == "KRILL_LOG_TO_STDOUT") {
    if (v != "true" && v != "false" && v != "1" && v != "0") return "bad KRILL_LOG_TO_STDOUT '" + v + "'";
    o.log_to_stdout = v == "true" || v == "1";
  }
  return "";
}

std::vector<std::string> describe_logging(const logging::LoggingOptions& o) {
  std::string levels;
  for (auto& [name, level] : o.logger_levels) levels += (levels.empty() ? "" : ", ") + name + "=" + level;
  std::vector<std::string> out{
      "default_log_level: " + o.default_level + (levels.empty() ? "" : " (logger_log_level: " + levels + ")"),
      "log_ring_lines: " + std::to_string(o.ring_lines),
  };
  if (o.syslog.enabled()) {
    out.push_back("syslog: " + o.syslog.transport + " " + o.syslog.address + ", facility " +
                  o.syslog.facility + ", app_name " + o.syslog.app_name + ", level " + o.syslog.level);
  } else {
    out.push_back("syslog: off");
  }
  return out;
}

}  // namespace krill::node
