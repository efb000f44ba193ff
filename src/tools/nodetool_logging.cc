#include "tools/nodetool_logging.h"

#include <boost/json.hpp>
#include <cctype>
#include <cstdio>
#include <ostream>

namespace krill::tools {

namespace json = boost::json;

namespace {

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string url_encode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

void row(std::ostream& out, const std::string& name, const std::string& level) {
  char buf[512];
  std::snprintf(buf, sizeof buf, "%-50s%10s\n", name.c_str(), level.c_str());
  out << buf;
}

}  // namespace

int get_logging_levels(const JsonCall& get, std::ostream& out) {
  json::value v = get("/krill/logger");
  const auto& o = v.as_object();
  out << "\n";
  row(out, "Logger Name", "Log Level");
  row(out, "ROOT", upper(std::string(o.at("default").as_string())));
  for (const auto& l : o.at("loggers").as_array()) {
    const auto& e = l.as_object();
    row(out, std::string(e.at("name").as_string()), upper(std::string(e.at("level").as_string())));
  }
  return 0;
}

int set_logging_level(const JsonCall& post, const std::vector<std::string>& args, std::ostream& err) {
  if (args.size() > 2) {
    err << "nodetool: setlogginglevel takes at most two arguments: <logger> <level>\n";
    return 2;
  }
  std::string logger = !args.empty() ? args[0] : "";
  std::string level = args.size() == 2 ? args[1] : "";
  if (logger.empty() && level.empty()) {
    post("/krill/logger/reset");
  } else if (logger.empty()) {
    err << "nodetool: setlogginglevel: a level needs a logger (or ROOT)\n";
    return 2;
  } else if (level.empty()) {
    post("/krill/logger/reset?logger=" + url_encode(logger));
  } else if (upper(logger) == "ROOT") {
    post("/system/logger?level=" + url_encode(level));
  } else {
    post("/system/logger/" + url_encode(logger) + "?level=" + url_encode(level));
  }
  return 0;
}

}  // namespace krill::tools
