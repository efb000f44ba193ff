// The web dashboard: embedded assets at / and /ui/<name>, and the one JSON document the page
// polls every second, /krill/dashboard (api_ops.h). Rates and percentiles are computed by
// the page from successive counter and histogram snapshots, so the server keeps no state.
#include <boost/json.hpp>
#include <chrono>
#include <string_view>

#include "admin/api_ops.h"
#include "admin/dashboard_assets.h"

namespace krill::admin {

namespace json = boost::json;

namespace {

const DashboardAsset* find_asset(std::string_view name) {
  for (size_t i = 0; i < kDashboardAssetCount; ++i) {
    if (name == kDashboardAssets[i].name) return &kDashboardAssets[i];
  }
  return nullptr;
}

// The asset a path names: "/" and "/ui/" serve index.html.
const DashboardAsset* asset_for(const std::string& path) {
  if (path == "/" || path == "/ui" || path == "/ui/" || path == "/index.html")
    return find_asset("index.html");
  if (path.rfind("/ui/", 0) == 0) return find_asset(std::string_view(path).substr(4));
  return nullptr;
}

template <size_t N>
json::array counts_json(const EstimatedHistogram<N>& h) {
  json::array a;
  for (uint64_t c : h.counts()) a.push_back(c);
  return a;
}

json::object node_json(const NodeView& v) {
  const bool ready = v.ready && v.ready();
  return json::object{{"cluster_name", v.cluster_name},
                      {"host_id", v.host_id},
                      {"krill_version", v.krill_version},
                      {"release_version", v.release_version},
                      {"address", v.listen_address},
                      {"native_port", v.native_port},
                      {"data_center", v.data_center},
                      {"rack", v.rack},
                      {"data_dir", v.data_dir},
                      {"smp", v.smp},
                      {"tokens", v.tokens.size()},
                      {"ready", ready},
                      {"mode", v.ops ? v.ops->operation_mode() : std::string(ready ? "NORMAL" : "STARTING")},
                      {"load_bytes", v.live_data_bytes ? v.live_data_bytes() : 0}};
}

json::object counters_json(const Metrics& m) {
  uint64_t errors = 0;
  for (const auto& e : m.errors) errors += e.value();
  return json::object{{"requests", m.requests_served.value()},
                      {"reads", m.reads.value()},
                      {"inserts", m.inserts.value()},
                      {"updates", m.updates.value()},
                      {"deletes", m.deletes.value()},
                      {"batches", m.batches.value()},
                      {"errors", errors},
                      {"connections", m.current_connections.value()},
                      {"http_requests", m.http_requests.value()}};
}

json::object compactions_summary(NodeOps& ops) {
  CompactionReport c = ops.compactions();
  json::array running, recent;
  for (const auto& j : c.running) {
    running.push_back(json::object{{"keyspace", j.keyspace},
                                   {"table", j.table},
                                   {"kind", j.kind},
                                   {"bytes_done", j.bytes_done},
                                   {"bytes_total", j.bytes_total},
                                   {"elapsed_ms", j.elapsed_micros / 1000}});
  }
  for (const auto& h : c.recent) {
    recent.push_back(json::object{{"keyspace", h.keyspace},
                                  {"table", h.table},
                                  {"reason", h.reason},
                                  {"finished_ms", h.finished_ms},
                                  {"bytes_in", h.bytes_in},
                                  {"bytes_out", h.bytes_out},
                                  {"elapsed_ms", h.elapsed_micros / 1000}});
  }
  uint64_t pending = 0;
  for (const auto& p : c.pending) pending += p.tasks;
  return json::object{{"running", std::move(running)}, {"recent", std::move(recent)},
                      {"pending_tasks", pending},      {"pending_bytes", c.pending_bytes},
                      {"completed", c.completed},      {"bytes_written", c.bytes_written},
                      {"flushes", c.flushes}};
}

HttpResponse dashboard_json(const NodeView& v) {
  const auto now = std::chrono::system_clock::now();
  json::object o;
  o["time_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  o["node"] = node_json(v);
  if (v.metrics != nullptr) {
    const Metrics& m = *v.metrics;
    o["uptime_ms"] =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - m.started)
            .count();
    o["counters"] = counters_json(m);
    json::array offsets;
    for (uint64_t off : LatencyHistogram::kOffsets) offsets.push_back(off);
    o["latency"] = json::object{{"unit", "microseconds"},
                                {"offsets", std::move(offsets)},
                                {"read", counts_json(m.proxy.read)},
                                {"range", counts_json(m.proxy.range)},
                                {"write", counts_json(m.proxy.write)}};
  }
  if (v.ops) {
    std::vector<TableReport> tables;
    std::string err = v.ops->tables("", "", tables);
    o["tables"] = tables_json(v, tables);
    if (!err.empty()) o["tables_error"] = err;
    o["compactions"] = compactions_summary(*v.ops);
    o["memory"] = memory_report_json(v.ops->memory());
    o["settings"] = json::object{{"compaction_throughput_mb", v.ops->compaction_throughput_mb()}};
  }
  return json_reply(o);
}

}  // namespace

bool is_dashboard_asset(const HttpRequest& r) {
  return (r.method == "GET" || r.method == "HEAD") && asset_for(r.path) != nullptr;
}

std::optional<HttpResponse> handle_dashboard_routes(const NodeView& view, const HttpRequest& r) {
  const bool get = r.method == "GET" || r.method == "HEAD";
  if (r.path == "/krill/dashboard") {
    if (!get) return json_fail(405, "method not allowed");
    return dashboard_json(view);
  }
  if (!get) return std::nullopt;
  if (const DashboardAsset* a = asset_for(r.path)) {
    return HttpResponse{200, a->content_type, std::string(reinterpret_cast<const char*>(a->data), a->size)};
  }
  if (r.path.rfind("/ui/", 0) == 0) return json_fail(404, "not found: " + r.path);
  return std::nullopt;
}

}  // namespace krill::admin
