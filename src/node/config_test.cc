#include "node/config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace krill::node {
namespace {

TEST(ConfigTest, ParsesSizes) {
  uint64_t v = 0;
  EXPECT_TRUE(parse_size("512M", v));
  EXPECT_EQ(v, 512ull << 20);
  EXPECT_TRUE(parse_size("2G", v));
  EXPECT_EQ(v, 2ull << 30);
  EXPECT_TRUE(parse_size("64MiB", v));
  EXPECT_EQ(v, 64ull << 20);
  EXPECT_TRUE(parse_size("1024", v));
  EXPECT_EQ(v, 1024u);
  EXPECT_FALSE(parse_size("", v));
  EXPECT_FALSE(parse_size("12X", v));
  EXPECT_FALSE(parse_size("M", v));
}

TEST(ConfigTest, YamlUsesCassandraKeyNames) {
  std::string path = ::testing::TempDir() + "/krill_config_test.yaml";
  {
    std::ofstream f(path);
    f << "cluster_name: 'Prod'\nnative_transport_port: 9999\nnative_transport_max_frame_size_in_mb: 4\n"
         "data_file_directories:\n  - /var/lib/krill\nnum_tokens: 8\ncompaction_throughput_mb_per_sec: 16\n";
  }
  Config c;
  EXPECT_EQ(apply_yaml_file(c, path), "");
  EXPECT_EQ(c.cluster_name, "Prod");
  EXPECT_EQ(c.native_port, 9999);
  EXPECT_EQ(c.max_frame_bytes, 4ull << 20);
  EXPECT_EQ(c.data_dir, "/var/lib/krill");
  EXPECT_EQ(c.num_tokens, 8);
  EXPECT_EQ(c.compaction_throughput_mb_per_sec, 16u);
  std::remove(path.c_str());
}

TEST(ConfigTest, DurabilityKeys) {
  std::string path = ::testing::TempDir() + "/krill_config_dur.yaml";
  auto load = [&](const std::string& text, Config& c) {
    std::ofstream(path) << text;
    return apply_yaml_file(c, path);
  };
  Config c;
  EXPECT_EQ(load("commitlog_sync: group\ncommitlog_sync_period: 2s\ncommitlog_sync_group_window_in_ms: 5\n"
                 "auto_snapshot: false\nnative_transport_max_request_data_in_flight: 1M\n",
                 c),
            "");
  EXPECT_EQ(c.commitlog_sync, "group");
  EXPECT_EQ(c.commitlog_sync_period_ms, 2000);
  EXPECT_EQ(c.commitlog_sync_group_window_ms, 5);
  EXPECT_FALSE(c.auto_snapshot);
  EXPECT_EQ(c.request_memory_bytes, 1ull << 20);
  Config d;
  EXPECT_EQ(load("commitlog_sync_period_in_ms: 250\n", d), "");
  EXPECT_EQ(d.commitlog_sync_period_ms, 250);
  EXPECT_NE(load("commitlog_sync: sometimes\n", d), "");
  EXPECT_NE(load("commitlog_sync_period: 10h\n", d), "");
  std::remove(path.c_str());
}

TEST(ConfigTest, BadYamlIsAnError) {
  Config c;
  EXPECT_NE(apply_yaml_file(c, "/nonexistent/krill.yaml"), "");
}

TEST(ConfigTest, EnvironmentOverridesFile) {
  Config c;
  c.cluster_name = "from-file";
  std::string a = "KRILL_CLUSTER_NAME=from-env", b = "KRILL_NATIVE_PORT=9100", d = "CASSANDRA_DC=dc2";
  char* env[] = {a.data(), b.data(), d.data(), nullptr};
  EXPECT_EQ(apply_environment(c, env), "");
  EXPECT_EQ(c.cluster_name, "from-env");
  EXPECT_EQ(c.native_port, 9100);
  EXPECT_EQ(c.data_center, "dc2");
  std::string bad = "KRILL_NATIVE_PORT=abc";
  char* env2[] = {bad.data(), nullptr};
  EXPECT_NE(apply_environment(c, env2), "");
}

}  // namespace
}  // namespace krill::node
