// Operations on ScyllaDB's REST paths: snapshots, compaction, flush, drain, compaction
// throughput, the token map, and the compaction manager (api_ops.h).
#include "admin/api_ops.h"

#include <boost/json.hpp>
#include <chrono>

namespace krill::admin {

namespace json = boost::json;

HttpResponse json_reply(const json::value& v, int status) {
  return HttpResponse{status, "application/json", json::serialize(v)};
}

HttpResponse json_fail(int status, const std::string& message) {
  return json_reply(json::object{{"message", message}, {"code", status}}, status);
}

HttpResponse ops_result(const std::string& error) {
  if (error.empty()) return json_reply(json::string(""));
  for (const char* p : {"unknown keyspace", "unknown table", "invalid"}) {
    if (error.rfind(p, 0) == 0) return json_fail(400, error);
  }
  return json_fail(500, error);
}

std::string url_decode(std::string_view s, bool plus_is_space) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else if (s[i] == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::optional<std::string> query_value(const std::string& query, const std::string& name) {
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string::npos) amp = query.size();
    std::string_view part(query.data() + pos, amp - pos);
    size_t eq = part.find('=');
    std::string key = url_decode(part.substr(0, eq), true);
    if (key == name) return eq == std::string_view::npos ? "" : url_decode(part.substr(eq + 1), true);
    pos = amp + 1;
  }
  return std::nullopt;
}

std::vector<std::string> split_list(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t next = s.find(sep, pos);
    if (next == std::string::npos) next = s.size();
    std::string item = s.substr(pos, next - pos);
    while (!item.empty() && item.front() == ' ') item.erase(0, 1);
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (!item.empty()) out.push_back(item);
    pos = next + 1;
  }
  return out;
}

bool path_after(const std::string& path, const std::string& prefix, std::string& rest) {
  if (path.compare(0, prefix.size(), prefix) != 0) return false;
  rest = url_decode(path.substr(prefix.size()));
  return true;
}

namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

json::array snapshots_json(NodeOps& ops, std::string& err) {
  std::vector<SnapshotReport> snaps;
  err = ops.snapshots(snaps);
  json::array out;
  for (const auto& s : snaps) {
    json::array tables;
    for (const auto& t : s.tables) {
      tables.push_back(json::object{
          {"ks", t.keyspace}, {"cf", t.table}, {"total", t.size_on_disk}, {"live", t.true_size}});
    }
    out.push_back(json::object{{"key", s.tag},
                               {"value", std::move(tables)},
                               {"created_ms", s.created_ms},
                               {"total", s.size_on_disk},
                               {"live", s.true_size}});
  }
  return out;
}

std::optional<HttpResponse> snapshot_routes(NodeOps& ops, const HttpRequest& r) {
  if (r.path == "/storage_service/snapshots/size/true" && r.method == "GET") {
    std::vector<SnapshotReport> snaps;
    std::string err = ops.snapshots(snaps);
    if (!err.empty()) return json_fail(500, err);
    uint64_t total = 0;
    for (const auto& s : snaps) total += s.true_size;
    return json_reply(total);
  }
  if (r.path != "/storage_service/snapshots") return std::nullopt;
  if (r.method == "GET") {
    std::string err;
    json::array a = snapshots_json(ops, err);
    if (!err.empty()) return json_fail(500, err);
    return json_reply(a);
  }
  std::string tag = query_value(r.query, "tag").value_or("");
  auto keyspaces = split_list(query_value(r.query, "kn").value_or(""));
  std::string table = query_value(r.query, "cf").value_or("");
  if (r.method == "POST") {
    if (tag.empty()) tag = std::to_string(now_ms());
    if (!table.empty() && keyspaces.size() != 1)
      return json_fail(400, "invalid request: a table (cf) needs exactly one keyspace (kn)");
    return ops_result(ops.snapshot(tag, keyspaces, table));
  }
  if (r.method == "DELETE") return ops_result(ops.clear_snapshot(tag, keyspaces));
  return json_fail(405, "method not allowed");
}

json::array compactions_json(const CompactionReport& c) {
  json::array a;
  for (const auto& j : c.running) {
    a.push_back(json::object{{"id", std::to_string(j.id)},
                             {"ks", j.keyspace},
                             {"cf", j.table},
                             {"completed", j.bytes_done},
                             {"total", j.bytes_total},
                             {"task_type", j.kind == "FLUSH" ? "FLUSH" : "COMPACTION"},
                             {"unit", "bytes"},
                             {"elapsed_ms", j.elapsed_micros / 1000}});
  }
  return a;
}

uint64_t pending_tasks(const CompactionReport& c) {
  uint64_t n = 0;
  for (const auto& p : c.pending) n += p.tasks;
  return n;
}

std::optional<HttpResponse> compaction_manager_routes(NodeOps& ops, const HttpRequest& r) {
  const std::string& p = r.path;
  if (p.rfind("/compaction_manager/", 0) != 0) return std::nullopt;
  if (r.method != "GET") return json_fail(405, "method not allowed");
  CompactionReport c = ops.compactions();
  if (p == "/compaction_manager/compactions") return json_reply(compactions_json(c));
  if (p == "/compaction_manager/metrics/pending_tasks") return json_reply(pending_tasks(c));
  if (p == "/compaction_manager/metrics/pending_tasks_by_table") {
    json::array a;
    for (const auto& t : c.pending)
      a.push_back(json::object{{"ks", t.keyspace}, {"cf", t.table}, {"task", t.tasks}});
    return json_reply(a);
  }
  if (p == "/compaction_manager/metrics/completed_tasks" ||
      p == "/compaction_manager/metrics/total_compactions_completed")
    return json_reply(c.completed);
  if (p == "/compaction_manager/metrics/bytes_compacted") return json_reply(c.bytes_written);
  if (p == "/compaction_manager/compaction_history") {
    json::array a;
    for (const auto& h : c.recent) {
      a.push_back(json::object{{"id", ""},
                               {"ks", h.keyspace},
                               {"cf", h.table},
                               {"compacted_at", h.finished_ms},
                               {"bytes_in", h.bytes_in},
                               {"bytes_out", h.bytes_out},
                               {"reason", h.reason},
                               {"elapsed_ms", h.elapsed_micros / 1000},
                               {"rows_merged", json::array{}}});
    }
    return json_reply(a);
  }
  return json_fail(404, "not found: GET " + p);
}

}  // namespace

std::optional<HttpResponse> handle_ops_routes(const NodeView& view, const HttpRequest& r) {
  const std::string& p = r.path;
  const bool get = r.method == "GET" || r.method == "HEAD";
  const bool post = r.method == "POST";
  if (get && p == "/storage_service/tokens_endpoint") {
    json::array a;
    for (int64_t t : view.tokens)
      a.push_back(json::object{{"key", std::to_string(t)}, {"value", view.listen_address}});
    return json_reply(a);
  }
  if (get && p == "/storage_service/load_map") {
    double load = view.live_data_bytes ? static_cast<double>(view.live_data_bytes()) : 0.0;
    return json_reply(json::array{json::object{{"key", view.listen_address}, {"value", load}}});
  }
  if (!view.ops) return std::nullopt;
  NodeOps& ops = *view.ops;
  if (auto s = snapshot_routes(ops, r)) return s;
  if (auto c = compaction_manager_routes(ops, r)) return c;
  std::string ks;
  if (post && path_after(p, "/storage_service/keyspace_compaction/", ks))
    return ops_result(ops.compact(ks, split_list(query_value(r.query, "cf").value_or(""))));
  if (post && p == "/storage_service/compact") return ops_result(ops.compact("", {}));
  if (post && path_after(p, "/storage_service/keyspace_flush/", ks))
    return ops_result(ops.flush(ks, split_list(query_value(r.query, "cf").value_or(""))));
  if (post && p == "/storage_service/flush") return ops_result(ops.flush("", {}));
  if (post && p == "/storage_service/drain") return ops_result(ops.drain());
  if (get && (p == "/storage_service/operation_mode" || p == "/storage_service/drain"))
    return json_reply(json::string(ops.operation_mode()));
  if (p == "/storage_service/compaction_throughput") {
    if (get) return json_reply(ops.compaction_throughput_mb());
    if (!post) return json_fail(405, "method not allowed");
    auto v = query_value(r.query, "value");
    if (!v || v->empty()) return json_fail(400, "invalid request: missing value (MB/s, 0 = unthrottled)");
    uint64_t mb = 0;
    for (char c : *v) {
      if (c < '0' || c > '9' || mb > (1ull << 40))
        return json_fail(400, "invalid compaction throughput '" + *v + "'");
      mb = mb * 10 + static_cast<uint64_t>(c - '0');
    }
    return ops_result(ops.set_compaction_throughput_mb(mb));
  }
  return std::nullopt;
}

}  // namespace krill::admin
