#include "admin/api_logging.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <cctype>
#include <cstdio>
#include <ctime>

#include "logging/logging.h"

namespace krill::admin {

namespace json = boost::json;

namespace {

constexpr size_t kDefaultLines = 100;
constexpr size_t kHostInfoLines = 20;

HttpResponse reply(const json::value& v, int status = 200) {
  return HttpResponse{status, "application/json", json::serialize(v)};
}

HttpResponse error(int status, const std::string& message) {
  return reply(json::object{{"message", message}, {"code", status}}, status);
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string url_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The decoded value of `name` in the query string; nullopt when absent.
std::optional<std::string> param(const std::string& query, const std::string& name) {
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string::npos) amp = query.size();
    std::string item = query.substr(pos, amp - pos);
    size_t eq = item.find('=');
    std::string key = url_decode(item.substr(0, eq));
    if (key == name) return eq == std::string::npos ? "" : url_decode(item.substr(eq + 1));
    pos = amp + 1;
  }
  return std::nullopt;
}

std::string iso_time(int64_t time_us) {
  time_t secs = static_cast<time_t>(time_us / 1000000);
  tm t{};
  gmtime_r(&secs, &t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", t.tm_year + 1900, t.tm_mon + 1,
                t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, static_cast<int>(time_us / 1000 % 1000));
  return buf;
}

json::array lines_json(const std::vector<logging::LogLine>& lines) {
  json::array a;
  for (auto& l : lines)
    a.push_back(json::object{{"time", iso_time(l.time_us)},
                             {"level", logging::level_name(l.level)},
                             {"logger", l.logger},
                             {"message", l.message}});
  return a;
}

// Level changes are logged (on the "http" logger) so that the log says why it got louder.
void audit(logging::Registry& logs, const std::string& what) {
  logs.get("http")->info("log levels: {}", what);
}

}  // namespace

std::optional<HttpResponse> handle_logging_routes(const NodeView& view, const HttpRequest& r) {
  const std::string& p = r.path;
  const std::string kLogger = "/system/logger";
  bool logger_route = p == kLogger || p == kLogger + "/" || p.rfind(kLogger + "/", 0) == 0;
  bool log_route = p == "/krill/log" || p == "/krill/logger" || p == "/krill/logger/reset";
  if (!logger_route && !log_route) return std::nullopt;
  if (view.logs == nullptr) return error(503, "logging control unavailable");
  logging::Registry& logs = *view.logs;
  const bool get = r.method == "GET" || r.method == "HEAD";
  const bool post = r.method == "POST";
  try {
    if (p == "/krill/log") {
      if (!get) return error(405, "method not allowed: use GET");
      size_t n = kDefaultLines;
      if (auto v = param(r.query, "lines")) {
        bool digits = !v->empty() && v->size() <= 9;
        for (char c : *v) digits = digits && std::isdigit(static_cast<unsigned char>(c));
        if (!digits || std::stoul(*v) == 0)
          return error(400, "lines must be a positive integer, got '" + *v + "'");
        n = std::stoul(*v);
      }
      return reply(lines_json(logs.recent(n)));
    }
    if (p == "/krill/logger") {
      if (!get) return error(405, "method not allowed: use GET");
      json::array loggers;
      for (auto& n : logs.names()) {
        auto level = logs.level(n);
        if (level) loggers.push_back(json::object{{"name", n}, {"level", logging::level_name(*level)}});
      }
      return reply(
          json::object{{"default", logging::level_name(logs.default_level())}, {"loggers", loggers}});
    }
    if (p == "/krill/logger/reset") {
      if (!post) return error(405, "method not allowed: use POST");
      auto name = param(r.query, "logger");
      if (!name || name->empty()) {
        logs.reset();
        audit(logs, "every logger back to its configured level");
        return reply(json::string(""));
      }
      std::string err = logs.reset_level(*name);
      if (!err.empty()) return error(400, err);
      audit(logs, "logger " + *name + " back to its configured level");
      return reply(json::string(""));
    }
    std::string name = p.size() > kLogger.size() + 1 ? p.substr(kLogger.size() + 1) : "";
    name = url_decode(name);
    if (name.empty()) {
      if (get) {
        json::array a;
        for (auto& n : logs.names()) a.push_back(json::string(n));
        return reply(a);
      }
      if (!post) return error(405, "method not allowed: use GET or POST");
      auto level = param(r.query, "level");
      if (!level) return error(400, "missing the level parameter (?level=debug)");
      std::string err = logs.set_all(*level);
      if (!err.empty()) return error(400, err);
      audit(logs, std::string("every logger set to ") + logging::level_name(*logging::parse_level(*level)));
      return reply(json::string(""));
    }
    if (get) {
      auto level = logs.level(name);
      if (!level) return error(400, "unknown logger '" + name + "'");
      return reply(json::string(logging::level_name(*level)));
    }
    if (!post) return error(405, "method not allowed: use GET or POST");
    auto level = param(r.query, "level");
    if (!level) return error(400, "missing the level parameter (?level=debug)");
    std::string err = logs.set_level(name, *level);
    if (!err.empty()) return error(400, err);
    audit(logs, "logger " + name + " set to " + logging::level_name(*logging::parse_level(*level)));
    return reply(json::string(""));
  } catch (const std::exception& e) {
    return error(500, e.what());
  }
}

json::value logging_host_info(const NodeView& view) {
  if (view.logs == nullptr) return nullptr;
  auto s = view.logs->syslog_stats();
  return json::object{
      {"recent_lines", lines_json(view.logs->recent(kHostInfoLines))},
      {"syslog", json::object{{"enabled", s.enabled},
                              {"connected", s.connected},
                              {"sent", s.sent},
                              {"dropped", s.dropped},
                              {"connects", s.connects},
                              {"queued", s.queued}}},
  };
}

}  // namespace krill::admin
