#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "logging/logging.h"
#include "logging/sinks.h"

namespace krill::logging {

namespace {

constexpr const char* kPattern = "%Y-%m-%dT%H:%M:%S.%e %^%l%$ [%t] %n - %v";
constexpr size_t kRingMessageBytes = 4096;

}  // namespace

std::optional<Level> parse_level(std::string_view text) {
  std::string l;
  for (char c : text) l += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (l == "trace" || l == "all") return Level::trace;
  if (l == "debug") return Level::debug;
  if (l == "info") return Level::info;
  if (l == "warn" || l == "warning") return Level::warn;
  if (l == "error" || l == "err") return Level::error;
  if (l == "critical" || l == "fatal") return Level::critical;
  if (l == "off") return Level::off;
  return std::nullopt;
}

const char* level_name(Level level) {
  switch (level) {
    case Level::trace:
      return "trace";
    case Level::debug:
      return "debug";
    case Level::info:
      return "info";
    case Level::warn:
      return "warn";
    case Level::error:
      return "error";
    case Level::critical:
      return "critical";
    case Level::off:
      return "off";
  }
  return "info";
}

Level from_spdlog(int l) { return static_cast<Level>(std::clamp(l, 0, 6)); }
int to_spdlog(Level level) { return static_cast<int>(level); }

// ------------------------------------------------------------------------ RingSink
void RingSink::sink_it_(const spdlog::details::log_msg& msg) {
  if (capacity_ == 0) return;
  LogLine line;
  line.time_us = std::chrono::duration_cast<std::chrono::microseconds>(msg.time.time_since_epoch()).count();
  line.level = from_spdlog(msg.level);
  line.logger.assign(msg.logger_name.data(), msg.logger_name.size());
  line.message.assign(msg.payload.data(), std::min(msg.payload.size(), kRingMessageBytes));
  if (lines_.size() >= capacity_) lines_.pop_front();
  lines_.push_back(std::move(line));
}

std::vector<LogLine> RingSink::recent(size_t n) {
  std::lock_guard lock(mutex_);
  n = std::min(n, lines_.size());
  return std::vector<LogLine>(lines_.end() - static_cast<std::ptrdiff_t>(n), lines_.end());
}

// ------------------------------------------------------------------------ Registry
std::string Registry::validate(const LoggingOptions& o) {
  if (!parse_level(o.default_level)) return "bad default_log_level '" + o.default_level + "'";
  for (auto& [name, level] : o.logger_levels) {
    if (name.empty()) return "logger_log_level: empty logger name";
    if (!parse_level(level)) return "logger_log_level: bad level '" + level + "' for logger " + name;
  }
  if (o.syslog.enabled()) {
    std::string error;
    if (!parse_syslog_address(o.syslog.address, error)) return error;
    if (o.syslog.transport != "udp" && o.syslog.transport != "tcp")
      return "bad syslog transport '" + o.syslog.transport + "' (udp or tcp)";
    if (!parse_facility(o.syslog.facility))
      return "bad syslog facility '" + o.syslog.facility + "' (kern, user, daemon, local0..local7 or 0..23)";
    if (!parse_level(o.syslog.level)) return "bad syslog level '" + o.syslog.level + "'";
    if (o.syslog.queue_messages == 0) return "syslog queue_messages must be at least 1";
    if (o.syslog.max_message_bytes < 480 || o.syslog.max_message_bytes > 65000)
      return "syslog max_message_bytes must be within 480..65000";
    if (o.syslog.reconnect_ms < 10) return "syslog reconnect_ms must be at least 10";
    if (o.syslog.connect_timeout_ms < 1) return "syslog connect_timeout_ms must be at least 1";
  }
  return "";
}

Registry::Registry(LoggingOptions options) : options_(std::move(options)) {
  default_level_ = parse_level(options_.default_level).value_or(Level::info);
  std::vector<std::shared_ptr<spdlog::sinks::sink>> local;  // console and ring
  if (options_.log_to_stdout) {
    auto console = std::make_shared<spdlog::sinks::stdout_color_sink_mt>();
    console->set_pattern(kPattern);
    local.push_back(console);
  }
  ring_ = std::make_shared<RingSink>(options_.ring_lines);
  local.push_back(ring_);
  sinks_ = local;
  // The sender's own notices go to the console and the ring, never back into syslog.
  auto syslog_logger = std::make_shared<spdlog::logger>("syslog", local.begin(), local.end());
  syslog_logger->set_level(static_cast<spdlog::level::level_enum>(to_spdlog(configured_level("syslog"))));
  syslog_logger->flush_on(spdlog::level::trace);
  loggers_["syslog"] = syslog_logger;
  if (options_.syslog.enabled() && validate(options_).empty()) {
    std::weak_ptr<spdlog::logger> weak = syslog_logger;
    syslog_ = std::make_shared<SyslogSink>(options_.syslog, options_.node_address,
                                           [weak](const std::string& notice) {
                                             if (auto l = weak.lock()) l->warn("{}", notice);
                                           });
    syslog_->set_level(
        static_cast<spdlog::level::level_enum>(to_spdlog(parse_level(options_.syslog.level).value())));
    sinks_.push_back(syslog_);
  }
}

Registry::~Registry() {
  flush(2000);
  std::lock_guard lock(mu_);
  loggers_.clear();
  sinks_.clear();
  syslog_.reset();  // joins the sender
}

Level Registry::configured_level(const std::string& name) const {
  auto it = options_.logger_levels.find(name);
  if (it != options_.logger_levels.end()) {
    if (auto l = parse_level(it->second)) return *l;
  }
  return default_level_;
}

std::shared_ptr<spdlog::logger> Registry::get(const std::string& name) {
  std::lock_guard lock(mu_);
  auto it = loggers_.find(name);
  if (it != loggers_.end()) return it->second;
  auto logger = std::make_shared<spdlog::logger>(name, sinks_.begin(), sinks_.end());
  logger->set_level(static_cast<spdlog::level::level_enum>(to_spdlog(configured_level(name))));
  logger->flush_on(spdlog::level::trace);
  loggers_[name] = logger;
  return logger;
}

std::vector<std::string> Registry::names() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (auto& [name, l] : loggers_) out.push_back(name);
  return out;
}

std::optional<Level> Registry::level(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = loggers_.find(name);
  if (it == loggers_.end()) return std::nullopt;
  return from_spdlog(it->second->level());
}

std::string Registry::set_level(const std::string& name, const std::string& text) {
  auto l = parse_level(text);
  if (!l) return "unknown level '" + text + "' (trace, debug, info, warn, error, critical, off)";
  std::lock_guard lock(mu_);
  auto it = loggers_.find(name);
  if (it == loggers_.end()) return "unknown logger '" + name + "'";
  it->second->set_level(static_cast<spdlog::level::level_enum>(to_spdlog(*l)));
  return "";
}

std::string Registry::set_all(const std::string& text) {
  auto l = parse_level(text);
  if (!l) return "unknown level '" + text + "' (trace, debug, info, warn, error, critical, off)";
  std::lock_guard lock(mu_);
  default_level_ = *l;
  for (auto& [name, logger] : loggers_)
    logger->set_level(static_cast<spdlog::level::level_enum>(to_spdlog(*l)));
  return "";
}

void Registry::reset() {
  std::lock_guard lock(mu_);
  default_level_ = parse_level(options_.default_level).value_or(Level::info);
  for (auto& [name, logger] : loggers_)
    logger->set_level(static_cast<spdlog::level::level_enum>(to_spdlog(configured_level(name))));
}

std::string Registry::reset_level(const std::string& name) {
  std::lock_guard lock(mu_);
  auto it = loggers_.find(name);
  if (it == loggers_.end()) return "unknown logger '" + name + "'";
  Level configured = parse_level(options_.default_level).value_or(Level::info);
  auto own = options_.logger_levels.find(name);
  if (own != options_.logger_levels.end()) configured = parse_level(own->second).value_or(configured);
  it->second->set_level(static_cast<spdlog::level::level_enum>(to_spdlog(configured)));
  return "";
}

Level Registry::default_level() const {
  std::lock_guard lock(mu_);
  return default_level_;
}

std::vector<LogLine> Registry::recent(size_t n) const { return ring_->recent(n); }

size_t Registry::ring_capacity() const { return ring_->capacity(); }

SyslogStats Registry::syslog_stats() const {
  if (!syslog_) return SyslogStats{};
  return syslog_->stats();
}

void Registry::flush(int timeout_ms) {
  std::vector<std::shared_ptr<spdlog::sinks::sink>> sinks;
  {
    std::lock_guard lock(mu_);
    sinks = sinks_;
  }
  for (auto& s : sinks) s->flush();
  if (syslog_ && timeout_ms > 0) syslog_->drain(timeout_ms);
}

}  // namespace krill::logging
