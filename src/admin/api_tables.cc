// Table figures on ScyllaDB's REST paths (/column_family/metrics/<metric>/<ks>:<cf>,
// /storage_proxy/metrics/...), Krill's one-call summaries (/krill/tables, /krill/memory) and
// the Prometheus families for tables and compactions (api_ops.h).
#include <boost/json.hpp>
#include <cmath>
#include <map>

#include "admin/api_ops.h"

namespace krill::admin {

namespace json = boost::json;

namespace {

template <size_t N>
json::object estimated_json(const EstimatedHistogram<N>& h) {
  json::array offsets, buckets;
  for (uint64_t o : EstimatedHistogram<N>::kOffsets) offsets.push_back(o);
  for (uint64_t c : h.counts()) buckets.push_back(c);
  return json::object{{"bucket_offsets", std::move(offsets)}, {"buckets", std::move(buckets)}};
}

double finite(double v) { return std::isfinite(v) ? v : 0.0; }

template <size_t N>
json::object summary_json(const EstimatedHistogram<N>& h) {
  HistogramSummary s = summarize(h);
  return json::object{{"count", s.count},
                      {"mean", finite(s.mean)},
                      {"min", finite(s.min)},
                      {"max", finite(s.max)},
                      {"p50", finite(s.percentile(0.5))},
                      {"p75", finite(s.percentile(0.75))},
                      {"p95", finite(s.percentile(0.95))},
                      {"p98", finite(s.percentile(0.98))},
                      {"p99", finite(s.percentile(0.99))}};
}

// ScyllaDB's moving-average histogram shape (no decaying sample or rates here).
template <size_t N>
json::object moving_average_json(const EstimatedHistogram<N>& h) {
  HistogramSummary s = summarize(h);
  json::object hist{{"count", s.count},       {"sum", h.sum()},         {"min", finite(s.min)},
                    {"max", finite(s.max)},   {"mean", finite(s.mean)}, {"variance", 0.0},
                    {"sample", json::array{}}};
  json::object meter{{"count", s.count}, {"mean_rate", 0.0}, {"rates", json::array{0.0, 0.0, 0.0}}};
  return json::object{{"hist", std::move(hist)}, {"meter", std::move(meter)}};
}

const TableMetrics* table_metrics(const NodeView& view, const std::string& id) {
  return view.metrics != nullptr ? view.metrics->tables.find(id) : nullptr;
}

json::object table_json(const NodeView& view, const TableReport& t) {
  json::array levels;
  for (uint64_t n : t.sstables_per_level) levels.push_back(n);
  json::object o{{"keyspace", t.keyspace},
                 {"table", t.table},
                 {"id", t.id},
                 {"is_index", t.is_index},
                 {"compaction_style", t.compaction_style},
                 {"sstable_count", t.sstable_count},
                 {"sstables_per_level", std::move(levels)},
                 {"live_bytes", t.live_bytes},
                 {"total_bytes", t.total_bytes},
                 {"snapshot_bytes", t.snapshot_bytes},
                 {"memtable_bytes", t.memtable_bytes},
                 {"memtable_entries", t.memtable_entries},
                 {"estimated_partitions", t.estimated_partitions},
                 {"flushes", t.flushes},
                 {"pending_compaction_bytes", t.pending_compaction_bytes},
                 {"compaction_pending", t.compaction_pending},
                 {"raw_bytes", t.raw_bytes},
                 {"data_bytes", t.data_bytes},
                 {"filter_bytes", t.filter_bytes},
                 {"index_bytes", t.index_bytes}};
  static const LatencyHistogram kEmptyLatency;
  static const SizeHistogram kEmptySize;
  static const CountHistogram kEmptyCount;
  const TableMetrics* m = table_metrics(view, t.id);
  o["read_latency"] = summary_json(m ? m->read_latency : kEmptyLatency);
  o["range_latency"] = summary_json(m ? m->range_latency : kEmptyLatency);
  o["write_latency"] = summary_json(m ? m->write_latency : kEmptyLatency);
  o["partition_write_bytes"] = summary_json(m ? m->partition_write_bytes : kEmptySize);
  o["partition_write_cells"] = summary_json(m ? m->partition_write_cells : kEmptyCount);
  return o;
}

// "ks:cf" -> (ks, cf); false when malformed.
bool split_table_name(const std::string& name, std::string& ks, std::string& cf) {
  size_t colon = name.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == name.size()) return false;
  ks = name.substr(0, colon);
  cf = name.substr(colon + 1);
  return true;
}

// One /column_family/metrics/<metric>/<ks>:<cf> value, or nullopt for an unknown metric.
std::optional<json::value> table_metric(const NodeView& view, const std::string& metric,
                                        const TableReport& t) {
  static const LatencyHistogram kEmptyLatency;
  static const SizeHistogram kEmptySize;
  static const CountHistogram kEmptyCount;
  static const CountHistogram kEmptySstables;
  const TableMetrics* m = table_metrics(view, t.id);
  const LatencyHistogram& read = m ? m->read_latency : kEmptyLatency;
  const LatencyHistogram& write = m ? m->write_latency : kEmptyLatency;
  const LatencyHistogram& range = m ? m->range_latency : kEmptyLatency;
  const SizeHistogram& sizes = m ? m->partition_write_bytes : kEmptySize;
  const CountHistogram& cells = m ? m->partition_write_cells : kEmptyCount;
  const std::map<std::string, uint64_t> counts = {
      {"live_ss_table_count", t.sstable_count},
      {"live_disk_space_used", t.live_bytes},
      {"total_disk_space_used", t.total_bytes},
      {"snapshots_size", t.snapshot_bytes},
      {"memtable_live_data_size", t.memtable_bytes},
      {"all_memtables_live_data_size", t.memtable_bytes},
      {"memtable_off_heap_size", t.memtable_bytes},
      {"memtable_columns_count", t.memtable_entries},
      {"memtable_switch_count", t.flushes},
      {"estimated_row_count", t.estimated_partitions},
      {"pending_flushes", 0},
      {"pending_compactions", t.compaction_pending ? 1 : 0},
      {"bloom_filter_disk_space_used", t.filter_bytes},
      {"bloom_filter_off_heap_memory_used", t.filter_bytes},
      {"index_summary_off_heap_memory_used", t.index_bytes},
      {"compression_metadata_off_heap_memory_used", 0},
      {"bloom_filter_false_positives", 0},
      {"read", summarize(read).count + summarize(range).count},
      {"write", summarize(write).count},
      {"read_latency", read.sum() + range.sum()},
      {"write_latency", write.sum()},
  };
  if (auto it = counts.find(metric); it != counts.end()) return json::value(it->second);
  HistogramSummary size_summary = summarize(sizes);
  if (metric == "min_row_size") return json::value(finite(size_summary.min));
  if (metric == "max_row_size") return json::value(finite(size_summary.max));
  if (metric == "mean_row_size") return json::value(finite(size_summary.mean));
  if (metric == "compression_ratio")
    return json::value(t.raw_bytes == 0 ? -1.0 : static_cast<double>(t.data_bytes) / t.raw_bytes);
  if (metric == "recent_bloom_filter_false_ratio" || metric == "bloom_filter_false_ratio")
    return json::value(0.0);
  if (metric == "estimated_row_size_histogram") return json::value(estimated_json(sizes));
  if (metric == "estimated_column_count_histogram") return json::value(estimated_json(cells));
  if (metric == "sstables_per_read_histogram") return json::value(estimated_json(kEmptySstables));
  if (metric == "read_latency/moving_average_histogram") return json::value(moving_average_json(read));
  if (metric == "write_latency/moving_average_histogram") return json::value(moving_average_json(write));
  if (metric == "range_latency/moving_average_histogram") return json::value(moving_average_json(range));
  if (metric == "read_latency/estimated_histogram") return json::value(estimated_json(read));
  if (metric == "write_latency/estimated_histogram") return json::value(estimated_json(write));
  if (metric == "range_latency/estimated_histogram") return json::value(estimated_json(range));
  return std::nullopt;
}

std::optional<HttpResponse> column_family_routes(const NodeView& view, const HttpRequest& r) {
  std::string rest;
  const bool metrics_path = path_after(r.path, "/column_family/metrics/", rest);
  std::string per_level, keys;
  const bool level_path =
      !metrics_path && path_after(r.path, "/column_family/sstables/per_level/", per_level);
  const bool keys_path =
      !metrics_path && !level_path && path_after(r.path, "/column_family/estimate_keys/", keys);
  if (!metrics_path && !level_path && !keys_path) return std::nullopt;
  if (r.method != "GET" && r.method != "HEAD") return json_fail(405, "method not allowed");
  std::string metric, name = level_path ? per_level : keys_path ? keys : "";
  if (metrics_path) {
    size_t slash = rest.rfind('/');
    if (slash == std::string::npos)
      return json_fail(404, "not found: missing <keyspace>:<table> in " + r.path);
    metric = rest.substr(0, slash);
    name = rest.substr(slash + 1);
  }
  std::string ks, cf;
  if (!split_table_name(name, ks, cf))
    return json_fail(400, "invalid table name '" + name + "': use <keyspace>:<table>");
  std::vector<TableReport> tables;
  std::string err = view.ops->tables(ks, cf, tables);
  if (!err.empty()) return ops_result(err);
  if (tables.empty()) return json_fail(400, "unknown table " + ks + "." + cf);
  const TableReport& t = tables.front();
  if (level_path) {
    json::array a;
    for (uint64_t n : t.sstables_per_level) a.push_back(n);
    return json_reply(a);
  }
  if (keys_path) return json_reply(t.estimated_partitions);
  auto v = table_metric(view, metric, t);
  if (!v) return json_fail(404, "not found: unknown metric '" + metric + "'");
  return json_reply(*v);
}

std::optional<HttpResponse> proxy_routes(const NodeView& view, const HttpRequest& r) {
  std::string rest;
  if (!path_after(r.path, "/storage_proxy/metrics/", rest)) return std::nullopt;
  if (view.metrics == nullptr) return json_fail(503, "metrics disabled");
  const ProxyMetrics& p = view.metrics->proxy;
  size_t slash = rest.find('/');
  std::string op = rest.substr(0, slash), kind = slash == std::string::npos ? "" : rest.substr(slash + 1);
  while (!kind.empty() && kind.back() == '/') kind.pop_back();
  const std::map<std::string, const LatencyHistogram*> ops = {
      {"read", &p.read},         {"write", &p.write},         {"range", &p.range},
      {"cas_read", &p.cas_read}, {"cas_write", &p.cas_write}, {"view_write", &p.view_write}};
  auto it = ops.find(op);
  if (it == ops.end()) return json_fail(404, "not found: " + r.path);
  if (kind == "estimated_histogram") return json_reply(estimated_json(*it->second));
  if (kind == "moving_average_histogram") return json_reply(moving_average_json(*it->second));
  if (kind == "summary") return json_reply(summary_json(*it->second));
  return json_fail(404, "not found: " + r.path);
}

json::object memory_json(const MemoryReport& m) {
  return json::object{{"budget_bytes", m.budget},
                      {"rss_bytes", m.rss},
                      {"block_cache_capacity_bytes", m.block_cache_capacity},
                      {"block_cache_usage_bytes", m.block_cache_usage},
                      {"block_cache_budget_bytes", m.block_cache_budget},
                      {"memtable_bytes", m.memtable_bytes},
                      {"memtable_budget_bytes", m.memtable_budget},
                      {"table_readers_bytes", m.table_readers_bytes},
                      {"request_bytes", m.request_bytes},
                      {"request_budget_bytes", m.request_budget}};
}

}  // namespace

json::array tables_json(const NodeView& view, const std::vector<TableReport>& tables) {
  json::array a;
  for (const auto& t : tables) a.push_back(table_json(view, t));
  return a;
}

json::object memory_report_json(const MemoryReport& m) { return memory_json(m); }

std::optional<HttpResponse> handle_table_routes(const NodeView& view, const HttpRequest& r) {
  if (auto p = proxy_routes(view, r)) return p;
  if (!view.ops) return std::nullopt;
  if (auto c = column_family_routes(view, r)) return c;
  if (r.path == "/krill/tables" && r.method == "GET") {
    std::vector<TableReport> tables;
    std::string err = view.ops->tables(query_value(r.query, "keyspace").value_or(""),
                                       query_value(r.query, "table").value_or(""), tables);
    if (!err.empty()) return ops_result(err);
    return json_reply(tables_json(view, tables));
  }
  if (r.path == "/krill/memory" && r.method == "GET") return json_reply(memory_json(view.ops->memory()));
  return std::nullopt;
}

std::string render_ops_prometheus(const NodeView& view) {
  if (!view.ops) return "";
  std::string out;
  auto label = [](const std::string& v) {
    std::string e;
    for (char c : v) {
      if (c == '\\' || c == '"') e.push_back('\\');
      if (c == '\n') {
        e += "\\n";
        continue;
      }
      e.push_back(c);
    }
    return e;
  };
  std::vector<TableReport> tables;
  if (view.ops->tables("", "", tables).empty()) {
    struct Family {
      const char* name;
      const char* type;
      const char* help;
      uint64_t (*get)(const TableReport&, const TableMetrics*);
    };
    static const Family kFamilies[] = {
        {"scylla_column_family_live_disk_space", "gauge", "Live SSTable bytes of the table.",
         [](const TableReport& t, const TableMetrics*) { return t.live_bytes; }},
        {"scylla_column_family_live_sstable", "gauge", "Live SSTables of the table.",
         [](const TableReport& t, const TableMetrics*) { return t.sstable_count; }},
        {"scylla_column_family_memtable_bytes", "gauge", "Memtable bytes of the table.",
         [](const TableReport& t, const TableMetrics*) { return t.memtable_bytes; }},
        {"scylla_column_family_reads", "counter", "Local reads (single partition and range) of the table.",
         [](const TableReport&, const TableMetrics* m) {
           return m ? summarize(m->read_latency).count + summarize(m->range_latency).count : 0;
         }},
        {"scylla_column_family_writes", "counter", "Local writes to the table.",
         [](const TableReport&, const TableMetrics* m) { return m ? summarize(m->write_latency).count : 0; }},
    };
    for (const auto& f : kFamilies) {
      out += std::string("# HELP ") + f.name + " " + f.help + "\n# TYPE " + f.name + " " + f.type + "\n";
      for (const auto& t : tables) {
        out += std::string(f.name) + "{ks=\"" + label(t.keyspace) + "\",cf=\"" + label(t.table) + "\"} " +
               std::to_string(f.get(t, table_metrics(view, t.id))) + "\n";
      }
    }
  }
  CompactionReport c = view.ops->compactions();
  uint64_t running = 0;
  for (const auto& j : c.running) running += j.kind == "COMPACTION" ? 1 : 0;
  uint64_t pending = 0;
  for (const auto& p : c.pending) pending += p.tasks;
  auto gauge = [&out](const char* name, const char* type, const char* help, uint64_t v) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " +
           std::to_string(v) + "\n";
  };
  gauge("scylla_compaction_manager_compactions", "gauge", "Compactions running.", running);
  gauge("scylla_compaction_manager_pending_compactions", "gauge", "Estimated compactions pending.", pending);
  gauge("scylla_compaction_manager_completed_compactions", "counter", "Compactions completed since start.",
        c.completed);
  gauge("krill_compaction_throughput_mb_per_second", "gauge",
        "Compaction and flush write limit in MB/s (0 = unthrottled).", view.ops->compaction_throughput_mb());
  MemoryReport m = view.ops->memory();
  gauge("krill_memory_block_cache_usage_bytes", "gauge", "Block cache usage, memtable reservations included.",
        m.block_cache_usage);
  gauge("krill_memory_memtable_bytes", "gauge", "Memtable memory.", m.memtable_bytes);
  gauge("krill_memory_request_bytes", "gauge", "CQL request memory in flight.", m.request_bytes);
  return out;
}

}  // namespace krill::admin
