#include "node/config.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <exception>

#include "node/config_logging.h"

namespace krill::node {

bool parse_size(const std::string& text, uint64_t& out) {
  if (text.empty()) return false;
  size_t i = 0;
  uint64_t n = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    if (n > (UINT64_MAX - 9) / 10) return false;
    n = n * 10 + static_cast<uint64_t>(text[i] - '0');
    ++i;
  }
  if (i == 0) return false;
  std::string unit = text.substr(i);
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  uint64_t mult = 1;
  if (unit.empty() || unit == "B") {
    mult = 1;
  } else if (unit == "K" || unit == "KB" || unit == "KIB") {
    mult = 1ull << 10;
  } else if (unit == "M" || unit == "MB" || unit == "MIB") {
    mult = 1ull << 20;
  } else if (unit == "G" || unit == "GB" || unit == "GIB") {
    mult = 1ull << 30;
  } else if (unit == "T" || unit == "TB" || unit == "TIB") {
    mult = 1ull << 40;
  } else {
    return false;
  }
  out = n * mult;
  return true;
}

std::string apply_yaml_file(Config& c, const std::string& path) {
  try {
    YAML::Node y = YAML::LoadFile(path);
    if (!y.IsMap()) return path + ": expected a YAML mapping";
    auto str = [&](const char* key, std::string& out) {
      if (y[key]) out = y[key].as<std::string>();
    };
    auto size_mb = [&](const char* key, uint64_t& out) {
      if (y[key]) out = y[key].as<uint64_t>() << 20;
    };
    str("cluster_name", c.cluster_name);
    str("listen_address", c.listen_address);
    str("rpc_address", c.listen_address);
    str("commitlog_sync", c.commitlog_sync);
    if (c.commitlog_sync != "periodic" && c.commitlog_sync != "batch" && c.commitlog_sync != "group")
      return path + ": bad commitlog_sync '" + c.commitlog_sync + "' (periodic, batch or group)";
    // Durations: "10000ms", "10s" or a plain number of milliseconds (the _in_ms keys).
    auto millis = [&](const char* key, int& out) -> bool {
      if (!y[key]) return true;
      std::string v = y[key].as<std::string>();
      size_t i = 0;
      while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) ++i;
      if (i == 0 || i > 9) return false;
      long n = std::stol(v.substr(0, i));
      std::string unit = v.substr(i);
      if (unit == "s") {
        n *= 1000;
      } else if (!unit.empty() && unit != "ms") {
        return false;
      }
      out = static_cast<int>(n);
      return true;
    };
    for (const char* key : {"commitlog_sync_period", "commitlog_sync_period_in_ms"}) {
      if (!millis(key, c.commitlog_sync_period_ms) || c.commitlog_sync_period_ms <= 0)
        return path + ": bad " + key;
    }
    for (const char* key : {"commitlog_sync_group_window", "commitlog_sync_group_window_in_ms"}) {
      if (!millis(key, c.commitlog_sync_group_window_ms)) return path + ": bad " + key;
    }
    if (y["auto_snapshot"]) c.auto_snapshot = y["auto_snapshot"].as<bool>();
    if (y["compaction_throughput_mb_per_sec"]) {
      c.compaction_throughput_mb_per_sec = y["compaction_throughput_mb_per_sec"].as<uint64_t>();
    }
    if (y["request_memory_fraction"]) {
      c.request_memory_fraction = y["request_memory_fraction"].as<double>();
      if (!(c.request_memory_fraction > 0 && c.request_memory_fraction <= 1))
        return path + ": bad request_memory_fraction (0 < f <= 1)";
    }
    if (y["native_transport_max_request_data_in_flight"] &&
        !parse_size(y["native_transport_max_request_data_in_flight"].as<std::string>(),
                    c.request_memory_bytes))
      return path + ": bad native_transport_max_request_data_in_flight";
    if (y["native_transport_port"]) c.native_port = y["native_transport_port"].as<uint16_t>();
    if (y["http_port"]) c.http_port = y["http_port"].as<uint16_t>();
    str("http_address", c.http_address);
    if (y["data_file_directories"]) {
      auto d = y["data_file_directories"];
      if (d.IsSequence() && d.size() > 0) c.data_dir = d[0].as<std::string>();
    }
    str("data_dir", c.data_dir);
    size_mb("native_transport_max_frame_size_in_mb", c.max_frame_bytes);
    if (y["native_transport_max_frame_size"]) {
      if (!parse_size(y["native_transport_max_frame_size"].as<std::string>(), c.max_frame_bytes)) {
        return path + ": bad native_transport_max_frame_size";
      }
    }
    if (y["native_transport_max_concurrent_connections"]) {
      auto v = y["native_transport_max_concurrent_connections"].as<int64_t>();
      if (v > 0) c.max_connections = static_cast<uint64_t>(v);
    }
    if (y["native_transport_max_threads"]) c.request_threads = y["native_transport_max_threads"].as<int>();
    if (y["max_requests_per_connection"])
      c.max_requests_per_connection = y["max_requests_per_connection"].as<uint64_t>();
    if (y["max_requests_per_node"]) c.max_requests_per_node = y["max_requests_per_node"].as<uint64_t>();
    if (y["native_transport_requests_per_task"])
      c.requests_per_task = y["native_transport_requests_per_task"].as<uint64_t>();
    if (y["native_transport_inline_execution"])
      c.inline_execution = y["native_transport_inline_execution"].as<bool>();
    if (y["num_tokens"]) c.num_tokens = y["num_tokens"].as<int>();
    if (y["smp"]) c.smp = y["smp"].as<int>();
    if (y["memory"] && !parse_size(y["memory"].as<std::string>(), c.memory_bytes))
      return path + ": bad memory";
    str("dc", c.data_center);
    str("rack", c.rack);
    if (auto err = apply_logging_yaml(y, c.logging); !err.empty()) return path + ": " + err;
  } catch (const std::exception& e) {
    return "cannot load " + path + ": " + e.what();
  }
  return "";
}

std::string apply_environment(Config& c, char** envp) {
  for (char** e = envp; e != nullptr && *e != nullptr; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq == std::string::npos) continue;
    std::string k = kv.substr(0, eq), v = kv.substr(eq + 1);
    if (auto err = apply_logging_env(k, v, c.logging); !err.empty()) return err;
    try {
      if (k == "KRILL_DATA_DIR")
        c.data_dir = v;
      else if (k == "KRILL_LISTEN_ADDRESS" || k == "CASSANDRA_LISTEN_ADDRESS" || k == "CASSANDRA_RPC_ADDRESS")
        c.listen_address = v;
      else if (k == "KRILL_NATIVE_PORT")
        c.native_port = static_cast<uint16_t>(std::stoi(v));
      else if (k == "KRILL_HTTP_PORT")
        c.http_port = static_cast<uint16_t>(std::stoi(v));
      else if (k == "KRILL_HTTP_ADDRESS")
        c.http_address = v;
      else if (k == "KRILL_SMP")
        c.smp = std::stoi(v);
      else if (k == "KRILL_MEMORY") {
        if (!parse_size(v, c.memory_bytes)) return "bad KRILL_MEMORY '" + v + "'";
      } else if (k == "KRILL_CLUSTER_NAME" || k == "CASSANDRA_CLUSTER_NAME")
        c.cluster_name = v;
      else if (k == "CASSANDRA_DC")
        c.data_center = v;
      else if (k == "CASSANDRA_RACK")
        c.rack = v;
      else if (k == "CASSANDRA_NUM_TOKENS")
        c.num_tokens = std::stoi(v);
    } catch (const std::exception&) {
      return "bad value for " + k + ": '" + v + "'";
    }
  }
  return "";
}

std::vector<std::string> describe(const Config& c) {
  return {
      "cluster_name: " + c.cluster_name,
      "data_dir: " + c.data_dir,
      "listen_address: " + c.listen_address,
      "native_transport_port: " + std::to_string(c.native_port),
      "http_port: " + std::to_string(c.http_port),
      "http_address: " + c.http_address,
      "smp: " + std::to_string(c.smp),
      "memory: " + std::to_string(c.memory_bytes >> 20) + "MiB",
      "native_transport_max_frame_size: " + std::to_string(c.max_frame_bytes >> 20) + "MiB",
      "native_transport_max_concurrent_connections: " + std::to_string(c.max_connections),
      "native_transport_max_threads: " + std::to_string(c.request_threads),
      "max_requests_per_connection: " + std::to_string(c.max_requests_per_connection),
      "max_requests_per_node: " + std::to_string(c.max_requests_per_node),
      "native_transport_requests_per_task: " + std::to_string(c.requests_per_task),
      std::string("native_transport_inline_execution: ") + (c.inline_execution ? "true" : "false"),
      "commitlog_sync: " + c.commitlog_sync + " (period " + std::to_string(c.commitlog_sync_period_ms) +
          "ms, group window " + std::to_string(c.commitlog_sync_group_window_ms) + "ms)",
      std::string("auto_snapshot: ") + (c.auto_snapshot ? "true" : "false"),
      "compaction_throughput_mb_per_sec: " + std::to_string(c.compaction_throughput_mb_per_sec),
      "num_tokens: " + std::to_string(c.num_tokens),
      "dc: " + c.data_center + ", rack: " + c.rack,
  };
}

}  // namespace krill::node
