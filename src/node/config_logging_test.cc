#include "node/config_logging.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "node/config.h"

namespace krill::node {
namespace {

std::string write_yaml(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(ConfigLogging, YamlKeys) {
  Config c;
  auto path = write_yaml("krill_logging.yaml",
                         "default_log_level: warn\n"
                         "logger_log_level: {storage: debug, cql_server: trace}\n"
                         "log_ring_lines: 50\n"
                         "syslog:\n"
                         "  address: 127.0.0.1:1514\n"
                         "  transport: tcp\n"
                         "  facility: daemon\n"
                         "  app_name: db\n"
                         "  queue_messages: 7\n");
  ASSERT_EQ(apply_yaml_file(c, path), "");
  EXPECT_EQ(c.logging.default_level, "warn");
  EXPECT_EQ(c.logging.logger_levels.at("storage"), "debug");
  EXPECT_EQ(c.logging.logger_levels.at("cql_server"), "trace");
  EXPECT_EQ(c.logging.ring_lines, 50u);
  EXPECT_EQ(c.logging.syslog.address, "127.0.0.1:1514");
  EXPECT_EQ(c.logging.syslog.transport, "tcp");
  EXPECT_EQ(c.logging.syslog.facility, "daemon");
  EXPECT_EQ(c.logging.syslog.app_name, "db");
  EXPECT_EQ(c.logging.syslog.queue_messages, 7u);
}

TEST(ConfigLogging, BadYamlIsNamed) {
  Config c;
  auto path = write_yaml("krill_logging_bad.yaml", "logger_log_level: [storage]\n");
  EXPECT_NE(apply_yaml_file(c, path).find("logger_log_level"), std::string::npos);
  path = write_yaml("krill_logging_bad2.yaml", "syslog: 127.0.0.1\n");
  EXPECT_NE(apply_yaml_file(c, path).find("syslog"), std::string::npos);
}

TEST(ConfigLogging, Environment) {
  Config c;
  std::vector<std::string> env{"KRILL_DEFAULT_LOG_LEVEL=debug",
                               "KRILL_LOGGER_LOG_LEVEL=storage=trace:http=warn",
                               "KRILL_SYSLOG_ADDRESS=10.0.0.1", "KRILL_SYSLOG_TRANSPORT=tcp"};
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  ASSERT_EQ(apply_environment(c, envp.data()), "");
  EXPECT_EQ(c.logging.default_level, "debug");
  EXPECT_EQ(c.logging.logger_levels.at("storage"), "trace");
  EXPECT_EQ(c.logging.logger_levels.at("http"), "warn");
  EXPECT_EQ(c.logging.syslog.address, "10.0.0.1");
  EXPECT_EQ(c.logging.syslog.transport, "tcp");
  std::string bad = "KRILL_LOGGER_LOG_LEVEL=storage";
  char* bad_env[] = {bad.data(), nullptr};
  EXPECT_NE(apply_environment(c, bad_env), "");
}

TEST(ConfigLogging, LoggerLevelSpecs) {
  std::map<std::string, std::string> m;
  EXPECT_EQ(parse_logger_levels("a=debug,b=info:c=warn", m), "");
  EXPECT_EQ(m.size(), 3u);
  EXPECT_EQ(m["c"], "warn");
  EXPECT_NE(parse_logger_levels("=debug", m), "");
  EXPECT_NE(parse_logger_levels("a=", m), "");
  EXPECT_NE(parse_logger_levels("a", m), "");
}

}  // namespace
}  // namespace krill::node
