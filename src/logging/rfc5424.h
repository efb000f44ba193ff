// RFC 5424 syslog messages and their transport framing, as pure functions (unit-tested).
//
//   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [krill@32473 logger="..." ...] MSG
//
// PRI = facility * 8 + severity; TIMESTAMP is UTC with microseconds ("...T12:00:00.123456Z");
// header fields are printable US-ASCII without spaces, cut to the RFC's lengths ("-" when
// empty); SD-PARAM values escape '"', '\' and ']'. 32473 is the private enterprise number
// reserved for documentation (RFC 5612): Krill has none of its own. MSG is the UTF-8 text
// without a BOM (RFC 5424's MSG-ANY). Over TCP each message is framed by octet counting
// (RFC 6587 3.4.1): "<length> <message>".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace krill::logging {

constexpr const char* kSdId = "krill@32473";

// Syslog severities (RFC 5424 table 2).
enum class Severity { emergency = 0, alert, critical, error, warning, notice, informational, debug };

struct SyslogHeader {
  int facility = 16;  // local0
  std::string hostname;
  std::string app_name;
  std::string procid;
};

// "local0" -> 16, "daemon" -> 3, "17" -> 17; nullopt if unknown or out of 0..23.
std::optional<int> parse_facility(std::string_view text);

// Parsed "host:port": an IPv4/IPv6 literal (or localhost) and a port.
struct SyslogAddress {
  std::string ip;
  uint16_t port = 514;
};
// Accepts "10.0.0.1", "10.0.0.1:1514", "[::1]:1514", "::1", "localhost:1514". Host names
// other than localhost are refused: the static binary has no name service.
std::optional<SyslogAddress> parse_syslog_address(std::string_view text, std::string& error);

// Keeps printable US-ASCII (33..126), cut to `max` bytes; "-" when nothing is left.
std::string header_field(std::string_view text, size_t max);
// Escapes an SD-PARAM value.
std::string sd_escape(std::string_view value);
// "2024-05-01T12:00:00.123456Z" from microseconds since the epoch.
std::string rfc3339_utc(int64_t time_us);

// One complete message, at most `max_bytes` long (the MSG is cut at a UTF-8 boundary).
std::string format_rfc5424(const SyslogHeader& header, Severity severity, int64_t time_us,
                           std::string_view msgid,
                           const std::vector<std::pair<std::string, std::string>>& sd_params,
                           std::string_view msg, size_t max_bytes);

// RFC 6587 octet counting: "<length> <message>".
std::string octet_frame(std::string_view message);

}  // namespace krill::logging
