// nodetool's table commands: tablestats, tablehistograms, proxyhistograms, ring
// (nodetool_ops.h), in Cassandra 4.0's output formats.
#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <map>
#include <ostream>
#include <stdexcept>

#include "tools/nodetool.h"
#include "tools/nodetool_ops.h"

namespace krill::tools {

namespace json = boost::json;
using namespace nodetool_detail;

namespace {

// Cassandra's FBUtilities.prettyPrintMemory: "0.000KiB", "1.500MiB".
std::string pretty_memory(double bytes) {
  char buf[64];
  if (bytes >= 1024.0 * 1024 * 1024)
    std::snprintf(buf, sizeof buf, "%.3fGiB", bytes / (1024.0 * 1024 * 1024));
  else if (bytes >= 1024.0 * 1024)
    std::snprintf(buf, sizeof buf, "%.3fMiB", bytes / (1024.0 * 1024));
  else
    std::snprintf(buf, sizeof buf, "%.3fKiB", bytes / 1024.0);
  return buf;
}

// printf("%<width>.<precision>f") with Java's spelling of NaN and infinity.
std::string fixed(double v, int width, int precision) {
  char buf[64];
  if (std::isnan(v) || std::isinf(v)) {
    std::snprintf(buf, sizeof buf, "%*s", width, std::isnan(v) ? "NaN" : "Infinity");
  } else {
    std::snprintf(buf, sizeof buf, "%*.*f", width, precision, v);
  }
  return buf;
}

std::string pad(const std::string& s, int width, bool left) {
  char buf[256];
  std::snprintf(buf, sizeof buf, left ? "%-*s" : "%*s", width, s.c_str());
  return buf;
}

uint64_t u(const json::object& o, const char* key) { return unsigned_number(o.at(key)); }
double d(const json::object& o, const char* key) { return number(o.at(key)); }

// Values of an estimated histogram ({bucket_offsets, buckets}) at nodetool's percentiles,
// then min and max; NaN when `empty_nan` and the histogram is empty.
std::vector<double> percentiles(const json::value& h, bool empty_nan) {
  const auto& o = h.as_object();
  std::vector<double> offsets, counts;
  for (const auto& v : o.at("bucket_offsets").as_array()) offsets.push_back(number(v));
  for (const auto& v : o.at("buckets").as_array()) counts.push_back(number(v));
  double total = 0;
  for (double c : counts) total += c;
  std::vector<double> out;
  if (total == 0) return std::vector<double>(7, empty_nan ? NAN : 0.0);
  for (double p : {0.5, 0.75, 0.95, 0.98, 0.99}) {
    const double target = std::ceil(total * p);
    double seen = 0, value = NAN;
    for (size_t i = 0; i < counts.size(); ++i) {
      seen += counts[i];
      if (counts[i] > 0 && seen >= target) {
        value = i < offsets.size() ? offsets[i] : INFINITY;
        break;
      }
    }
    out.push_back(value);
  }
  double min = 0, max = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] > 0) {
      min = i == 0 ? 0 : offsets[i - 1] + 1;
      break;
    }
  }
  for (size_t i = counts.size(); i-- > 0;) {
    if (counts[i] > 0) {
      max = i < offsets.size() ? offsets[i] : INFINITY;
      break;
    }
  }
  out.push_back(min);
  out.push_back(max);
  return out;
}

const char* kPercentileNames[] = {"50%", "75%", "95%", "98%", "99%", "Min", "Max"};

// "ks" or "ks.table" (table names of indexes contain a dot too: split at the first one).
std::pair<std::string, std::string> split_filter(const std::string& f) {
  size_t dot = f.find('.');
  if (dot == std::string::npos) return {f, ""};
  return {f.substr(0, dot), f.substr(dot + 1)};
}

std::string levels_text(const json::array& levels) {
  std::string out = "[";
  uint64_t max = 4;
  for (size_t i = 0; i < levels.size(); ++i) {
    if (i == 1) max = 10;
    if (i > 1) max *= 10;
    uint64_t n = unsigned_number(levels[i]);
    out += (i ? ", " : "") + std::to_string(n) + (n > max ? "/" + std::to_string(max) : "");
  }
  return out + "]";
}

void print_table(const json::object& t, bool human, std::ostream& out) {
  auto size = [human](uint64_t v) {
    return human ? stringify_file_size(static_cast<double>(v)) : std::to_string(v);
  };
  const std::string in = "\t\t";
  const auto& rl = t.at("read_latency").as_object();
  const auto& rr = t.at("range_latency").as_object();
  const auto& wl = t.at("write_latency").as_object();
  const auto& ps = t.at("partition_write_bytes").as_object();
  const uint64_t reads = u(rl, "count") + u(rr, "count");
  const double read_micros = d(rl, "mean") * u(rl, "count") + d(rr, "mean") * u(rr, "count");
  const uint64_t writes = u(wl, "count");
  const uint64_t raw = u(t, "raw_bytes"), data = u(t, "data_bytes");
  const uint64_t filter = u(t, "filter_bytes"), index = u(t, "index_bytes"),
                 memtable = u(t, "memtable_bytes");
  out << in << (t.at("is_index").as_bool() ? "Table (index): " : "Table: ") << text(t.at("table")) << "\n";
  out << in << "SSTable count: " << u(t, "sstable_count") << "\n";
  out << in << "Old SSTable count: 0\n";
  if (text(t.at("compaction_style")) == "leveled")
    out << in << "SSTables in each level: " << levels_text(t.at("sstables_per_level").as_array()) << "\n";
  out << in << "Space used (live): " << size(u(t, "live_bytes")) << "\n";
  out << in << "Space used (total): " << size(u(t, "total_bytes")) << "\n";
  out << in << "Space used by snapshots (total): " << size(u(t, "snapshot_bytes")) << "\n";
  out << in << "Off heap memory used (total): " << size(memtable + filter + index) << "\n";
  out << in << "SSTable Compression Ratio: "
      << java_double(raw == 0 ? -1.0 : static_cast<double>(data) / static_cast<double>(raw)) << "\n";
  out << in << "Number of partitions (estimate): " << u(t, "estimated_partitions") << "\n";
  out << in << "Memtable cell count: " << u(t, "memtable_entries") << "\n";
  out << in << "Memtable data size: " << size(memtable) << "\n";
  out << in << "Memtable off heap memory used: " << size(memtable) << "\n";
  out << in << "Memtable switch count: " << u(t, "flushes") << "\n";
  out << in << "Local read count: " << reads << "\n";
  out << in << "Local read latency: " << fixed(reads ? read_micros / reads / 1000.0 : NAN, 1, 3) << " ms\n";
  out << in << "Local write count: " << writes << "\n";
  out << in << "Local write latency: " << fixed(writes ? d(wl, "mean") / 1000.0 : NAN, 1, 3) << " ms\n";
  out << in << "Pending flushes: 0\n";
  out << in << "Percent repaired: 0.0\n";
  out << in << "Bytes repaired: " << pretty_memory(0) << "\n";
  out << in << "Bytes unrepaired: " << pretty_memory(static_cast<double>(u(t, "live_bytes"))) << "\n";
  out << in << "Bytes pending repair: " << pretty_memory(0) << "\n";
  out << in << "Bloom filter false positives: 0\n";
  out << in << "Bloom filter false ratio: 0.00000\n";
  out << in << "Bloom filter space used: " << size(filter) << "\n";
  out << in << "Bloom filter off heap memory used: " << size(filter) << "\n";
  out << in << "Index summary off heap memory used: " << size(index) << "\n";
  out << in << "Compression metadata off heap memory used: 0\n";
  out << in << "Compacted partition minimum bytes: " << static_cast<uint64_t>(d(ps, "min")) << "\n";
  out << in << "Compacted partition maximum bytes: " << static_cast<uint64_t>(d(ps, "max")) << "\n";
  out << in << "Compacted partition mean bytes: " << static_cast<uint64_t>(d(ps, "mean")) << "\n";
  out << in << "Average live cells per slice (last five minutes): NaN\n";
  out << in << "Maximum live cells per slice (last five minutes): 0\n";
  out << in << "Average tombstones per slice (last five minutes): NaN\n";
  out << in << "Maximum tombstones per slice (last five minutes): 0\n";
  out << in << "Dropped Mutations: 0\n";
  out << "\n";
}

int tablestats(const std::vector<std::string>& args, const OpsContext& ctx, std::ostream& out) {
  Args a = parse_args(args, {}, {"-H", "--human-readable", "-i"});
  const bool human = a.flag({"-H", "--human-readable"});
  // keyspace -> tables asked for (empty: all of them), in keyspace order.
  std::map<std::string, std::vector<std::string>> wanted;
  auto all_keyspaces = keyspaces(ctx);
  for (const auto& f : a.positional) {
    auto [ks, table] = split_filter(f);
    if (std::find(all_keyspaces.begin(), all_keyspaces.end(), ks) == all_keyspaces.end())
      throw std::runtime_error("Unknown keyspace: " + ks);
    auto& list = wanted[ks];
    if (!table.empty()) list.push_back(table);
  }
  json::array tables = ctx.call("GET", "/krill/tables").as_array();
  // Group by keyspace (the node lists them sorted), applying the filters.
  std::map<std::string, std::vector<const json::object*>> by_keyspace;
  std::map<std::string, std::vector<std::string>> found;
  for (const auto& v : tables) {
    const auto& t = v.as_object();
    std::string ks = text(t.at("keyspace")), name = text(t.at("table"));
    if (!wanted.empty()) {
      auto it = wanted.find(ks);
      if (it == wanted.end()) continue;
      if (!it->second.empty() && std::find(it->second.begin(), it->second.end(), name) == it->second.end())
        continue;
      found[ks].push_back(name);
    }
    by_keyspace[ks].push_back(&t);
  }
  for (const auto& [ks, list] : wanted) {
    for (const auto& table : list) {
      auto& f = found[ks];
      if (std::find(f.begin(), f.end(), table) == f.end())
        throw std::runtime_error("Unknown table: " + ks + "." + table);
    }
  }
  size_t count = 0;
  for (const auto& [ks, list] : by_keyspace) count += list.size();
  out << "Total number of tables: " << count << "\n";
  out << "----------------\n";
  for (const auto& [ks, list] : by_keyspace) {
    uint64_t reads = 0, writes = 0;
    double read_micros = 0, write_micros = 0;
    for (const auto* t : list) {
      for (const char* k : {"read_latency", "range_latency"}) {
        const auto& h = t->at(k).as_object();
        reads += u(h, "count");
        read_micros += d(h, "mean") * u(h, "count");
      }
      const auto& w = t->at("write_latency").as_object();
      writes += u(w, "count");
      write_micros += d(w, "mean") * u(w, "count");
    }
    out << "Keyspace : " << ks << "\n";
    out << "\tRead Count: " << reads << "\n";
    // Totals in whole microseconds, as Cassandra keeps them.
    read_micros = std::round(read_micros);
    write_micros = std::round(write_micros);
    out << "\tRead Latency: " << java_double(reads ? read_micros / reads / 1000.0 : NAN) << " ms\n";
    out << "\tWrite Count: " << writes << "\n";
    out << "\tWrite Latency: " << java_double(writes ? write_micros / writes / 1000.0 : NAN) << " ms\n";
    out << "\tPending Flushes: 0\n";
    for (const auto* t : list) print_table(*t, human, out);
    out << "----------------\n";
  }
  return 0;
}

int tablehistograms(const std::vector<std::string>& args, const OpsContext& ctx, std::ostream& out) {
  Args a = parse_args(args, {}, {});
  std::string ks, table;
  if (a.positional.size() == 2) {
    ks = a.positional[0];
    table = a.positional[1];
  } else if (a.positional.size() == 1 && a.positional[0].find('.') != std::string::npos) {
    std::tie(ks, table) = split_filter(a.positional[0]);
  } else {
    throw UsageError("tablehistograms requires keyspace and table name arguments");
  }
  require_keyspace(ctx, ks);
  bool exists = false;
  const json::value t_doc = ctx.call("GET", "/krill/tables?keyspace=" + encode(ks));
  for (const auto& t : t_doc.as_array()) {
    exists = exists || text(t.as_object().at("table")) == table;
  }
  if (!exists) throw std::runtime_error("Table [" + table + "] does not exist in keyspace [" + ks + "].");
  const std::string name = encode(ks) + ":" + encode(table);
  auto metric = [&](const std::string& m) {
    return ctx.call("GET", "/column_family/metrics/" + m + "/" + name);
  };
  auto sizes = percentiles(metric("estimated_row_size_histogram"), true);
  auto cells = percentiles(metric("estimated_column_count_histogram"), true);
  auto writes = percentiles(metric("write_latency/estimated_histogram"), false);
  auto reads = percentiles(metric("read_latency/estimated_histogram"), false);
  auto sstables = percentiles(metric("sstables_per_read_histogram"), false);
  if (std::isnan(sizes[0]))
    out << "No SSTables exists, unable to calculate 'Partition Size' and 'Cell Count' percentiles\n";
  out << ks << "/" << table << " histograms\n";
  out << pad("Percentile", 10, true) << pad("SSTables", 10, false) << pad("Write Latency", 18, false)
      << pad("Read Latency", 18, false) << pad("Partition Size", 18, false) << pad("Cell Count", 18, false)
      << "\n";
  out << pad("", 10, true) << pad("", 10, false) << pad("(micros)", 18, false) << pad("(micros)", 18, false)
      << pad("(bytes)", 18, false) << pad("", 18, false) << "\n";
  for (size_t i = 0; i < 7; ++i) {
    out << pad(kPercentileNames[i], 10, true) << fixed(sstables[i], 10, 2) << fixed(writes[i], 18, 2)
        << fixed(reads[i], 18, 2) << fixed(sizes[i], 18, 0) << fixed(cells[i], 18, 0) << "\n";
  }
  out << "\n";
  return 0;
}

int proxyhistograms(const std::vector<std::string>& args, const OpsContext& ctx, std::ostream& out) {
  parse_args(args, {}, {});
  std::vector<std::vector<double>> cols;
  for (const char* op : {"read", "write", "range", "cas_read", "cas_write", "view_write"})
    cols.push_back(percentiles(
        ctx.call("GET", std::string("/storage_proxy/metrics/") + op + "/estimated_histogram"), false));
  out << "proxy histograms\n";
  out << pad("Percentile", 10, true);
  for (const char* h : {"Read Latency", "Write Latency", "Range Latency", "CAS Read Latency",
                        "CAS Write Latency", "View Write Latency"})
    out << pad(h, 19, false);
  out << "\n" << pad("", 10, true);
  for (int i = 0; i < 6; ++i) out << pad("(micros)", 19, false);
  out << "\n";
  for (size_t i = 0; i < 7; ++i) {
    out << pad(kPercentileNames[i], 10, true);
    for (const auto& c : cols) out << fixed(c[i], 19, 2);
    out << "\n";
  }
  out << "\n";
  return 0;
}

int ring(const std::vector<std::string>& args, const OpsContext& ctx, std::ostream& out) {
  Args a = parse_args(args, {}, {"-r", "--resolve-ip"});
  if (a.positional.size() > 1) throw UsageError("Found unexpected parameters: [" + a.positional[1] + "]");
  if (a.positional.size() == 1) require_keyspace(ctx, a.positional[0]);
  std::vector<std::pair<int64_t, std::string>> tokens;
  const json::value te_doc = ctx.call("GET", "/storage_service/tokens_endpoint");
  for (const auto& te : te_doc.as_array()) {
    const auto& o = te.as_object();
    tokens.emplace_back(std::stoll(text(o.at("key"))), text(o.at("value")));
  }
  std::sort(tokens.begin(), tokens.end());
  std::map<std::string, std::string> load;
  const json::value l_doc = ctx.call("GET", "/storage_service/load_map");
  for (const auto& l : l_doc.as_array()) {
    const auto& o = l.as_object();
    load[text(o.at("key"))] = stringify_file_size(number(o.at("value")));
  }
  const std::string dc = text(ctx.call("GET", "/snitch/datacenter"));
  const std::string rack = text(ctx.call("GET", "/snitch/rack"));
  const bool up = ctx.call("GET", "/storage_service/native_transport").as_bool();
  size_t width = 7;
  for (const auto& [t, ep] : tokens) width = std::max(width, ep.size());
  auto line = [&](const std::string& addr, const std::string& r, const std::string& status,
                  const std::string& state, const std::string& l, const std::string& owns,
                  const std::string& token) {
    out << pad(addr, static_cast<int>(width), true) << "  " << pad(r, 12, true) << pad(status, 7, true)
        << pad(state, 8, true) << pad(l, 16, true) << pad(owns, 20, true) << pad(token, 44, true) << "\n";
  };
  out << "\n";
  out << "Datacenter: " << dc << "\n==========\n";
  line("Address", "Rack", "Status", "State", "Load", "Owns", "Token");
  if (tokens.size() > 1)
    line("", "", "", "", "", "", std::to_string(tokens.back().first));
  else
    out << "\n";
  for (const auto& [t, ep] : tokens) {
    line(ep, rack, up ? "Up" : "Down", "Normal", load.count(ep) ? load[ep] : "?", "?", std::to_string(t));
  }
  out << "\n";
  if (tokens.size() > 1) {
    out << "  Warning: \"nodetool ring\" is used to output all the tokens of a node.\n";
    out << "  To view status related info of a node use \"nodetool status\" instead.\n\n";
  }
  out << "\n  Note: Non-system keyspaces don't have the same replication settings, effective ownership "
         "information is meaningless\n";
  return 0;
}

}  // namespace

int run_table_command(const std::string& command, const std::vector<std::string>& args, const OpsContext& ctx,
                      std::ostream& out) {
  if (command == "tablestats" || command == "cfstats") return tablestats(args, ctx, out);
  if (command == "tablehistograms" || command == "cfhistograms") return tablehistograms(args, ctx, out);
  if (command == "proxyhistograms") return proxyhistograms(args, ctx, out);
  if (command == "ring") return ring(args, ctx, out);
  return -1;
}

}  // namespace krill::tools
