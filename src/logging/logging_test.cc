#include "logging/logging.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <thread>

#include "logging/rfc5424.h"

namespace krill::logging {
namespace {

TEST(Levels, ParseAndName) {
  EXPECT_EQ(parse_level("DEBUG"), Level::debug);
  EXPECT_EQ(parse_level("warning"), Level::warn);
  EXPECT_EQ(parse_level("Err"), Level::error);
  EXPECT_EQ(parse_level("all"), Level::trace);
  EXPECT_EQ(parse_level("off"), Level::off);
  EXPECT_FALSE(parse_level("loud"));
  EXPECT_FALSE(parse_level(""));
  EXPECT_STREQ(level_name(Level::warn), "warn");
  EXPECT_STREQ(level_name(Level::error), "error");
}

TEST(Rfc5424, Facility) {
  EXPECT_EQ(parse_facility("local0"), 16);
  EXPECT_EQ(parse_facility("LOCAL7"), 23);
  EXPECT_EQ(parse_facility("daemon"), 3);
  EXPECT_EQ(parse_facility("5"), 5);
  EXPECT_FALSE(parse_facility("24"));
  EXPECT_FALSE(parse_facility("local8"));
  EXPECT_FALSE(parse_facility(""));
}

TEST(Rfc5424, Address) {
  std::string err;
  auto a = parse_syslog_address("10.0.0.1:1514", err);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->ip, "10.0.0.1");
  EXPECT_EQ(a->port, 1514);
  a = parse_syslog_address("10.0.0.1", err);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->port, 514);
  a = parse_syslog_address("[::1]:600", err);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->ip, "::1");
  EXPECT_EQ(a->port, 600);
  a = parse_syslog_address("localhost:1", err);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->ip, "127.0.0.1");
  EXPECT_FALSE(parse_syslog_address("logs.example.com:514", err));
  EXPECT_NE(err.find("not an IP address"), std::string::npos);
  EXPECT_FALSE(parse_syslog_address("10.0.0.1:0", err));
  EXPECT_FALSE(parse_syslog_address("10.0.0.1:70000", err));
  EXPECT_FALSE(parse_syslog_address("10.0.0.1:x", err));
  EXPECT_FALSE(parse_syslog_address("[::1", err));
}

TEST(Rfc5424, Format) {
  SyslogHeader h;
  h.facility = 16;
  h.hostname = "my host";  // the space is dropped
  h.app_name = "krill";
  h.procid = "42";
  // 2024-05-01T12:00:00.000123Z
  int64_t t = 1714564800LL * 1000000 + 123;
  std::string m = format_rfc5424(h, Severity::warning, t, "storage",
                                 {{"logger", "storage"}, {"node", "a\"b]c\\"}}, "disk full\n", 2048);
  EXPECT_EQ(m,
            "<132>1 2024-05-01T12:00:00.000123Z myhost krill 42 storage "
            "[krill@32473 logger=\"storage\" node=\"a\\\"b\\]c\\\\\"] disk full");
  // Empty fields become "-"; no structured data is "-".
  SyslogHeader empty;
  m = format_rfc5424(empty, Severity::debug, t, "", {}, "", 2048);
  EXPECT_EQ(m, "<135>1 2024-05-01T12:00:00.000123Z - - - - -");
}

TEST(Rfc5424, TruncatesAtUtf8Boundary) {
  SyslogHeader h{16, "h", "a", "1"};
  std::string msg(100, 'x');
  msg += "\xc3\xa9\xc3\xa9";  // two 2-byte characters
  std::string full = format_rfc5424(h, Severity::informational, 0, "m", {}, msg, 4096);
  size_t cut = full.size() - 3;  // would keep the first byte of the first character only
  std::string m = format_rfc5424(h, Severity::informational, 0, "m", {}, msg, cut);
  EXPECT_EQ(m, full.substr(0, full.size() - 4));  // both characters go, none is split
  m = format_rfc5424(h, Severity::informational, 0, "m", {}, msg, full.size() - 2);
  EXPECT_EQ(m, full.substr(0, full.size() - 2));
}

TEST(Rfc5424, OctetFrame) { EXPECT_EQ(octet_frame("<13>1 - - - - - - hi"), "20 <13>1 - - - - - - hi"); }

LoggingOptions quiet() {
  LoggingOptions o;
  o.log_to_stdout = false;
  o.ring_lines = 5;
  return o;
}

TEST(Registry, NamedLoggersAndLevels) {
  LoggingOptions o = quiet();
  o.logger_levels["storage"] = "debug";
  Registry r(o);
  auto storage = r.get("storage");
  auto cql = r.get("cql_server");
  EXPECT_EQ(r.get("storage"), storage);
  EXPECT_EQ(r.level("storage"), Level::debug);
  EXPECT_EQ(r.level("cql_server"), Level::info);
  EXPECT_FALSE(r.level("nope"));
  EXPECT_EQ(r.set_level("cql_server", "TRACE"), "");
  EXPECT_EQ(r.level("cql_server"), Level::trace);
  EXPECT_NE(r.set_level("cql_server", "loud"), "");
  EXPECT_NE(r.set_level("nope", "info"), "");
  EXPECT_EQ(r.set_all("error"), "");
  EXPECT_EQ(r.level("storage"), Level::error);
  EXPECT_EQ(r.level(r.get("later")->name()), Level::error);  // new loggers follow set_all
  r.reset();
  EXPECT_EQ(r.level("storage"), Level::debug);
  EXPECT_EQ(r.level("later"), Level::info);
  r.set_level("storage", "warn");
  EXPECT_EQ(r.reset_level("storage"), "");
  EXPECT_EQ(r.level("storage"), Level::debug);
  auto names = r.names();
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_NE(std::find(names.begin(), names.end(), "storage"), names.end());
}

TEST(Registry, RingKeepsTheLastLinesAtTheirLevel) {
  Registry r(quiet());
  auto l = r.get("schema");
  l->debug("hidden");  // below info
  for (int i = 0; i < 7; ++i) l->info("line {}", i);
  auto lines = r.recent(100);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines.front().message, "line 2");
  EXPECT_EQ(lines.back().message, "line 6");
  EXPECT_EQ(lines.back().logger, "schema");
  EXPECT_EQ(lines.back().level, Level::info);
  EXPECT_EQ(r.recent(2).size(), 2u);
  r.set_level("schema", "debug");
  l->debug("now visible");
  EXPECT_EQ(r.recent(1).back().message, "now visible");
}

TEST(Registry, Validate) {
  LoggingOptions o = quiet();
  EXPECT_EQ(Registry::validate(o), "");
  o.default_level = "loud";
  EXPECT_NE(Registry::validate(o), "");
  o = quiet();
  o.syslog.address = "127.0.0.1:1";
  o.syslog.transport = "sctp";
  EXPECT_NE(Registry::validate(o).find("transport"), std::string::npos);
  o.syslog.transport = "tcp";
  o.syslog.facility = "local9";
  EXPECT_NE(Registry::validate(o).find("facility"), std::string::npos);
}

// A UDP "server" on loopback receives what the sink sends.
TEST(Registry, SyslogOverUdp) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  socklen_t len = sizeof sa;
  getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

  LoggingOptions o = quiet();
  o.node_address = "127.0.0.9";
  o.syslog.address = "127.0.0.1:" + std::to_string(ntohs(sa.sin_port));
  o.syslog.app_name = "krilltest";
  o.syslog.hostname = "h1";
  {
    Registry r(o);
    r.get("storage")->warn("hello {}", "syslog");
    r.get("storage")->debug("not sent");
    r.flush(2000);
    char buf[4096];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    ASSERT_GT(n, 0);
    std::string got(buf, static_cast<size_t>(n));
    std::regex re(
        R"(<132>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z h1 krilltest \d+ storage \[krill@32473 logger="storage" node="127\.0\.0\.9" thread="\d+"\] hello syslog)");
    EXPECT_TRUE(std::regex_match(got, re)) << got;
    EXPECT_EQ(r.syslog_stats().sent, 1u);
  }
  close(fd);
}

// TCP to a closed port: messages queue up to the bound, the rest are counted as dropped,
// and nothing blocks the logging thread.
TEST(Registry, SyslogTcpServerDownDropsWithoutBlocking) {
  LoggingOptions o = quiet();
  o.syslog.address = "127.0.0.1:1";  // nothing listens there
  o.syslog.transport = "tcp";
  o.syslog.queue_messages = 10;
  Registry r(o);
  auto l = r.get("cql_server");
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i) l->info("message {}", i);
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(1));
  auto s = r.syslog_stats();
  EXPECT_TRUE(s.enabled);
  EXPECT_FALSE(s.connected);
  EXPECT_GE(s.dropped, 90u);
  EXPECT_EQ(s.sent, 0u);
}

}  // namespace
}  // namespace krill::logging
