#include "admin/api.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <sys/socket.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "admin/api_load.h"
#include "admin/api_logging.h"
#include "admin/api_ops.h"

namespace krill::admin {

namespace json = boost::json;

namespace {

HttpResponse json_response(const json::value& v, int status = 200) {
  return HttpResponse{status, "application/json", json::serialize(v)};
}

HttpResponse text(int status, std::string body) {
  return HttpResponse{status, "text/plain; charset=utf-8", std::move(body)};
}

HttpResponse json_error(int status, const std::string& message) {
  return json_response(json::object{{"message", message}, {"code", status}}, status);
}

double uptime_seconds(const Metrics* m) {
  if (m == nullptr) return 0;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - m->started).count();
}

// MemTotal and MemAvailable from /proc/meminfo, in bytes (0 when absent).
std::pair<uint64_t, uint64_t> read_meminfo() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  uint64_t value = 0;
  std::string unit;
  uint64_t total = 0, available = 0;
  while (in >> key >> value >> unit) {
    if (key == "MemTotal:") total = value * 1024;
    if (key == "MemAvailable:") available = value * 1024;
  }
  return {total, available};
}

json::array network_interfaces() {
  json::array out;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
    if (a->ifa_addr == nullptr) continue;
    int family = a->ifa_addr->sa_family;
    if (family != AF_INET && family != AF_INET6) continue;
    char host[NI_MAXHOST];
    socklen_t len = family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
    if (getnameinfo(a->ifa_addr, len, host, sizeof host, nullptr, 0, NI_NUMERICHOST) != 0) continue;
    out.push_back(json::object{{"name", a->ifa_name},
                               {"family", family == AF_INET ? "inet" : "inet6"},
                               {"address", host},
                               {"up", (a->ifa_flags & IFF_UP) != 0},
                               {"loopback", (a->ifa_flags & IFF_LOOPBACK) != 0}});
  }
  freeifaddrs(list);
  return out;
}

// "/storage_service/keyspace_flush/ks" -> "ks" for prefix "/storage_service/keyspace_flush/".
bool strip_prefix(const std::string& path, const std::string& prefix, std::string& rest) {
  if (path.compare(0, prefix.size(), prefix) != 0) return false;
  rest = path.substr(prefix.size());
  return true;
}

}  // namespace

AdminApi::AdminApi(NodeView view) : view_(std::move(view)) {}

bool AdminApi::runs_inline(const HttpRequest& r) {
  return r.path == "/healthz" || r.path == "/readyz" || is_dashboard_asset(r);
}

HttpResponse AdminApi::host_info() const {
  auto [total, available] = read_meminfo();
  json::object disk;
  std::error_code ec;
  auto space = std::filesystem::space(view_.data_dir, ec);
  if (!ec) {
    disk = json::object{{"path", view_.data_dir},
                        {"capacity_bytes", space.capacity},
                        {"free_bytes", space.free},
                        {"available_bytes", space.available}};
  } else {
    disk = json::object{{"path", view_.data_dir}, {"error", ec.message()}};
  }
  json::object o{
      {"host_id", view_.host_id},
      {"krill_version", view_.krill_version},
      {"cpus", std::thread::hardware_concurrency()},
      {"smp", view_.smp},
      {"uptime_ms", static_cast<int64_t>(uptime_seconds(view_.metrics) * 1000)},
      {"memory", json::object{{"budget_bytes", view_.memory_budget_bytes},
                              {"rss_bytes", read_rss_bytes()},
                              {"total_bytes", total},
                              {"available_bytes", available}}},
      {"disk", disk},
      {"network_interfaces", network_interfaces()},
      {"logging", logging_host_info(view_)},  // recent lines and syslog counters: api_logging.cc
  };
  return json_response(o);
}

HttpResponse AdminApi::handle(const HttpRequest& r) const {
  const std::string& p = r.path;
  const bool get = r.method == "GET" || r.method == "HEAD";
  const bool post = r.method == "POST";
  if (p == "/healthz") return text(200, "ok\n");
  if (auto load = handle_load_routes(view_, r)) return *load;  // /krill/load*: api_load.cc
  if (auto ops = handle_ops_routes(view_, r)) return *ops;     // snapshots, compaction...: api_ops.cc
  if (auto t = handle_table_routes(view_, r)) return *t;       // column_family, storage_proxy: api_tables.cc
  if (auto d = handle_dashboard_routes(view_, r)) return *d;   // /, /ui/*, /krill/dashboard: dashboard.cc
  if (auto l = handle_logging_routes(view_, r)) return *l;     // /system/logger, /krill/log: api_logging.cc
  if (p == "/readyz") {
    bool ready = view_.ready && view_.ready();
    return ready ? text(200, "ready\n") : text(503, "not ready\n");
  }
  if (p == "/metrics" && get) {
    ProcessSample s;
    s.memory_budget_bytes = view_.memory_budget_bytes;
    s.rss_bytes = read_rss_bytes();
    s.live_data_bytes = view_.live_data_bytes ? view_.live_data_bytes() : 0;
    s.ready = view_.ready && view_.ready();
    if (view_.metrics == nullptr) return text(503, "metrics disabled\n");
    return HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8",
                        render_prometheus(*view_.metrics, s) + render_ops_prometheus(view_)};
  }
  if (get) {
    if (p == "/storage_service/cluster_name") return json_response(json::string(view_.cluster_name));
    if (p == "/storage_service/host_id/local" || p == "/storage_service/hostid/local")
      return json_response(json::string(view_.host_id));
    if (p == "/storage_service/release_version") return json_response(json::string(view_.release_version));
    if (p == "/storage_service/scylla_release_version" || p == "/krill/version")
      return json_response(json::string(view_.krill_version));
    if (p == "/storage_service/keyspaces") {
      json::array a;
      if (view_.keyspaces)
        for (auto& k : view_.keyspaces()) a.push_back(json::string(k));
      return json_response(a);
    }
    if (p == "/storage_service/tokens" || p == "/storage_service/tokens/" + view_.listen_address) {
      json::array a;
      for (int64_t t : view_.tokens) a.push_back(json::string(std::to_string(t)));
      return json_response(a);
    }
    if (p == "/storage_service/load")
      return json_response(static_cast<double>(view_.live_data_bytes ? view_.live_data_bytes() : 0));
    if (p == "/storage_service/native_transport") return json_response(view_.ready && view_.ready());
    if (p == "/storage_service/schema_version")
      return json_response(json::string(view_.schema_version ? view_.schema_version() : ""));
    if (p == "/storage_service/generation_number") return json_response(view_.gossip_generation);
    if (p == "/system/uptime_ms")
      return json_response(static_cast<int64_t>(uptime_seconds(view_.metrics) * 1000));
    if (p == "/snitch/datacenter") return json_response(json::string(view_.data_center));
    if (p == "/snitch/rack") return json_response(json::string(view_.rack));
    if (p == "/column_family" || p == "/column_family/") {
      json::array a;
      if (view_.tables)
        for (auto& [ks, cf] : view_.tables())
          a.push_back(json::object{{"ks", ks}, {"cf", cf}, {"type", "ColumnFamilies"}});
      return json_response(a);
    }
    if (p == "/krill/host") return host_info();
  }
  std::string ks;
  if (post && (strip_prefix(p, "/storage_service/keyspace_flush/", ks) || p == "/storage_service/flush")) {
    if (!view_.flush) return json_error(503, "flush unavailable");
    std::string err = view_.flush(ks);
    if (err.rfind("unknown keyspace", 0) == 0) return json_error(400, err);
    if (!err.empty()) return json_error(500, err);
    return json_response(json::string(""));
  }
  if (post && p == "/storage_service/drain") {
    // Krill drains on SIGTERM; over HTTP it only flushes every table and reports.
    std::string err = view_.flush ? view_.flush("") : "flush unavailable";
    if (!err.empty()) return json_error(500, err);
    return json_response(json::string("flushed; send SIGTERM to drain and stop the node"));
  }
  if (p == "/healthz" || p == "/readyz" || p == "/metrics" || p.rfind("/storage_service/", 0) == 0 ||
      p.rfind("/column_family", 0) == 0 || p.rfind("/system/", 0) == 0 || p.rfind("/krill/", 0) == 0) {
    if (!get && !post) return json_error(405, "method not allowed");
  }
  return json_error(404, "not found: " + r.method + " " + p);
}

}  // namespace krill::admin
