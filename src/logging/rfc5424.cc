#include "logging/rfc5424.h"

#include <arpa/inet.h>

#include <cctype>
#include <cstdio>
#include <ctime>

namespace krill::logging {

std::optional<int> parse_facility(std::string_view text) {
  static constexpr std::pair<const char*, int> kNames[] = {
      {"kern", 0},          {"user", 1},    {"mail", 2},    {"daemon", 3},    {"auth", 4},
      {"syslog", 5},        {"lpr", 6},     {"news", 7},    {"uucp", 8},      {"cron", 9},
      {"authpriv", 10},     {"ftp", 11},    {"ntp", 12},    {"security", 13}, {"console", 14},
      {"solaris-cron", 15}, {"local0", 16}, {"local1", 17}, {"local2", 18},   {"local3", 19},
      {"local4", 20},       {"local5", 21}, {"local6", 22}, {"local7", 23}};
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (auto& [name, code] : kNames)
    if (lower == name) return code;
  if (!lower.empty() && lower.size() <= 2 && std::isdigit(static_cast<unsigned char>(lower[0])) &&
      (lower.size() == 1 || std::isdigit(static_cast<unsigned char>(lower[1])))) {
    int n = std::stoi(lower);
    if (n <= 23) return n;
  }
  return std::nullopt;
}

std::optional<SyslogAddress> parse_syslog_address(std::string_view text, std::string& error) {
  SyslogAddress out;
  std::string host;
  std::string port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) {
      error = "syslog address '" + std::string(text) + "': missing ']'";
      return std::nullopt;
    }
    host = std::string(text.substr(1, close - 1));
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        error = "syslog address '" + std::string(text) + "': expected ':port' after ']'";
        return std::nullopt;
      }
      port = std::string(rest.substr(1));
    }
  } else if (text.find(':') != text.rfind(':')) {
    host = std::string(text);  // a bare IPv6 literal
  } else {
    auto colon = text.find(':');
    host = std::string(text.substr(0, colon));
    if (colon != std::string_view::npos) port = std::string(text.substr(colon + 1));
  }
  if (host == "localhost") host = "127.0.0.1";
  in6_addr a6{};
  in_addr a4{};
  if (inet_pton(AF_INET, host.c_str(), &a4) != 1 && inet_pton(AF_INET6, host.c_str(), &a6) != 1) {
    error = "syslog address '" + std::string(text) +
            "': not an IP address (use an IPv4/IPv6 literal or localhost; host names are not resolved)";
    return std::nullopt;
  }
  out.ip = host;
  if (!port.empty()) {
    bool digits = port.size() <= 5;
    for (char c : port) digits = digits && std::isdigit(static_cast<unsigned char>(c));
    int n = digits ? std::stoi(port) : 0;
    if (!digits || n < 1 || n > 65535) {
      error = "syslog address '" + std::string(text) + "': bad port '" + port + "'";
      return std::nullopt;
    }
    out.port = static_cast<uint16_t>(n);
  }
  return out;
}

std::string header_field(std::string_view text, size_t max) {
  std::string out;
  for (char c : text) {
    if (out.size() >= max) break;
    if (c >= 33 && c <= 126) out += c;
  }
  return out.empty() ? "-" : out;
}

std::string sd_escape(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '"' || c == '\\' || c == ']') out += '\\';
    out += c;
  }
  return out;
}

std::string rfc3339_utc(int64_t time_us) {
  time_t secs = static_cast<time_t>(time_us / 1000000);
  int64_t micros = time_us % 1000000;
  if (micros < 0) {
    micros += 1000000;
    --secs;
  }
  tm t{};
  gmtime_r(&secs, &t);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", t.tm_year + 1900, t.tm_mon + 1,
                t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, static_cast<long long>(micros));
  return buf;
}

namespace {

// Length of the longest prefix of `s` of at most `max` bytes that does not split a UTF-8
// sequence.
size_t utf8_prefix(std::string_view s, size_t max) {
  if (s.size() <= max) return s.size();
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return n;
}

}  // namespace

std::string format_rfc5424(const SyslogHeader& h, Severity severity, int64_t time_us, std::string_view msgid,
                           const std::vector<std::pair<std::string, std::string>>& sd_params,
                           std::string_view msg, size_t max_bytes) {
  std::string out;
  out.reserve(128 + msg.size());
  out += '<';
  out += std::to_string(h.facility * 8 + static_cast<int>(severity));
  out += ">1 ";
  out += rfc3339_utc(time_us);
  out += ' ';
  out += header_field(h.hostname, 255);
  out += ' ';
  out += header_field(h.app_name, 48);
  out += ' ';
  out += header_field(h.procid, 128);
  out += ' ';
  out += header_field(msgid, 32);
  out += ' ';
  if (sd_params.empty()) {
    out += '-';
  } else {
    out += '[';
    out += kSdId;
    for (auto& [name, value] : sd_params) {
      out += ' ';
      // PARAM-NAME: printable, no '=', ' ', ']' or '"', at most 32.
      std::string n;
      for (char c : name)
        if (c > 32 && c < 127 && c != '=' && c != ']' && c != '"' && n.size() < 32) n += c;
      out += n.empty() ? "x" : n;
      out += "=\"";
      out += sd_escape(value);
      out += '"';
    }
    out += ']';
  }
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == '\r')) msg.remove_suffix(1);
  if (!msg.empty()) {
    out += ' ';
    if (out.size() < max_bytes) out.append(msg.substr(0, utf8_prefix(msg, max_bytes - out.size())));
  }
  if (out.size() > max_bytes && max_bytes > 0) out.resize(max_bytes);  // only a huge header
  return out;
}

std::string octet_frame(std::string_view message) {
  std::string out = std::to_string(message.size());
  out += ' ';
  out.append(message);
  return out;
}

}  // namespace krill::logging
