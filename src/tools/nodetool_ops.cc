// nodetool's operations: flush, compact, drain, snapshots, compaction stats and throughput
// (nodetool_ops.h), plus the helpers the table commands share.
#include "tools/nodetool_ops.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <stdexcept>

#include "tools/nodetool.h"

namespace krill::tools {

namespace json = boost::json;

namespace nodetool_detail {

std::string Args::option(std::initializer_list<const char*> names) const {
  for (const auto& [name, value] : options) {
    for (const char* n : names) {
      if (name == n) return value;
    }
  }
  return "";
}

bool Args::flag(std::initializer_list<const char*> names) const {
  for (const char* n : names) {
    if (flags.count(n)) return true;
  }
  return false;
}

Args parse_args(const std::vector<std::string>& args, const std::set<std::string>& value_options,
                const std::set<std::string>& flag_options) {
  Args out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() > 1 && a[0] == '-') {
      std::string name = a, value;
      bool inline_value = false;
      if (size_t eq = a.find('='); eq != std::string::npos && a.rfind("--", 0) == 0) {
        name = a.substr(0, eq);
        value = a.substr(eq + 1);
        inline_value = true;
      }
      if (value_options.count(name)) {
        if (!inline_value) {
          if (i + 1 >= args.size())
            throw UsageError("Required values for option '" + name + "' not provided");
          value = args[++i];
        }
        out.options.emplace_back(name, value);
      } else if (flag_options.count(name) && !inline_value) {
        out.flags.insert(name);
      } else {
        throw UsageError("Found unexpected parameters: [" + a + "]");
      }
    } else {
      out.positional.push_back(a);
    }
  }
  return out;
}

std::string text(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  return json::serialize(v);
}

double number(const json::value& v) {
  if (v.is_double()) return v.as_double();
  if (v.is_int64()) return static_cast<double>(v.as_int64());
  if (v.is_uint64()) return static_cast<double>(v.as_uint64());
  return 0;
}

uint64_t unsigned_number(const json::value& v) {
  if (v.is_uint64()) return v.as_uint64();
  if (v.is_int64()) return v.as_int64() < 0 ? 0 : static_cast<uint64_t>(v.as_int64());
  double d = number(v);
  return d <= 0 ? 0 : static_cast<uint64_t>(d);
}

std::string java_double(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  const double a = std::fabs(v);
  if (a != 0 && (a < 1e-3 || a >= 1e7)) {
    // Java's computerized scientific notation: 1.0E-4, 1.2345E7.
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
    std::string s(buf, end);
    size_t e = s.find('e');
    std::string mantissa = s.substr(0, e), exponent = s.substr(e + 1);
    if (mantissa.find('.') == std::string::npos) mantissa += ".0";
    int ex = std::stoi(exponent);
    return mantissa + "E" + std::to_string(ex);
  }
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  std::string s(buf, end);
  if (s.find('.') == std::string::npos) s += ".0";
  return s;
}

std::vector<std::string> keyspaces(const OpsContext& ctx) {
  std::vector<std::string> out;
  const json::value k_doc = ctx.call("GET", "/storage_service/keyspaces");
  for (const auto& k : k_doc.as_array()) out.push_back(text(k));
  return out;
}

void require_keyspace(const OpsContext& ctx, const std::string& ks) {
  auto all = keyspaces(ctx);
  if (std::find(all.begin(), all.end(), ks) == all.end())
    throw std::runtime_error("Keyspace [" + ks + "] does not exist.");
}

std::string encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

std::string format_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& r : rows) {
    if (r.size() > width.size()) width.resize(r.size(), 0);
    for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  std::string out;
  for (const auto& r : rows) {
    for (size_t i = 0; i < width.size(); ++i) {
      std::string cell = i < r.size() ? r[i] : "";
      cell.resize(width[i], ' ');
      out += cell;
      if (i + 1 < width.size()) out += ' ';
    }
    out += '\n';
  }
  return out;
}

}  // namespace nodetool_detail

namespace {

using namespace nodetool_detail;

// flush / compact [keyspace [tables...]]
int flush_or_compact(const std::string& command, const std::vector<std::string>& args,
                     const OpsContext& ctx) {
  Args a = parse_args(args, {}, {});
  const bool flush = command == "flush";
  if (a.positional.empty()) {
    ctx.call("POST", flush ? "/storage_service/flush" : "/storage_service/compact");
    return 0;
  }
  const std::string& ks = a.positional[0];
  require_keyspace(ctx, ks);
  std::string tables;
  if (a.positional.size() > 1) {
    const json::value known = ctx.call("GET", "/krill/tables?keyspace=" + encode(ks));
    for (size_t i = 1; i < a.positional.size(); ++i) {
      const std::string& t = a.positional[i];
      bool found = false;
      for (const auto& k : known.as_array()) found = found || text(k.as_object().at("table")) == t;
      if (!found) throw std::runtime_error("Unknown keyspace/cf pair (" + ks + "." + t + ")");
      tables += (i > 1 ? "," : "") + t;
    }
  }
  std::string path =
      std::string(flush ? "/storage_service/keyspace_flush/" : "/storage_service/keyspace_compaction/") +
      encode(ks) + (tables.empty() ? "" : "?cf=" + encode(tables));
  ctx.call("POST", path);
  return 0;
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

int snapshot(const std::vector<std::string>& args, const OpsContext& ctx, std::ostream& out) {
  Args a = parse_args(args, {"-t", "--tag", "-cf", "--column-family", "--table"}, {"-sf", "--skip-flush"});
  std::string tag = a.option({"-t", "--tag"});
  std::string table = a.option({"-cf", "--column-family", "--table"});
  if (a.flag({"-sf", "--skip-flush"}))
    throw UsageError("--skip-flush is not supported: a Krill snapshot always flushes first");
  if (!table.empty() && a.positional.size() != 1)
    throw std::runtime_error(
        "When specifying the table for a snapshot, you must specify one and only one keyspace");
  for (const auto& ks : a.positional) require_keyspace(ctx, ks);
  if (tag.empty()) {
    tag = std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count());
  }
  out << "Requested creating snapshot(s) for "
      << (a.positional.empty() ? std::string("[all keyspaces]") : "[" + join(a.positional, ", ") + "]")
      << " with snapshot name [" << tag << "] and options {skipFlush=false}\n";
  std::string path = "/storage_service/snapshots?tag=" + encode(tag);
  if (!a.positional.empty()) path += "&kn=" + encode(join(a.positional, ","));
  if (!table.empty()) path += "&cf=" + encode(table);
  ctx.call("POST", path);
  out << "Snapshot directory: " << tag << "\n";
  return 0;
}

int listsnapshots(const std::vector<std::string>& args, const OpsContext& ctx, std::ostream& out) {
  parse_args(args, {}, {});
  json::value snaps = ctx.call("GET", "/storage_service/snapshots");
  out << "Snapshot Details: \n";
  if (snaps.as_array().empty()) {
    out << "There are no snapshots\n";
    return 0;
  }
  std::vector<std::vector<std::string>> rows = {
      {"Snapshot name", "Keyspace name", "Column family name", "True size", "Size on disk"}};
  for (const auto& s : snaps.as_array()) {
    const auto& o = s.as_object();
    std::string tag = text(o.at("key"));
    for (const auto& t : o.at("value").as_array()) {
      const auto& to = t.as_object();
      rows.push_back({tag, text(to.at("ks")), text(to.at("cf")), stringify_file_size(number(to.at("live"))),
                      stringify_file_size(number(to.at("total")))});
    }
  }
  out << format_table(rows);
  out << "\nTotal TrueDiskSpaceUsed: "
      << stringify_file_size(number(ctx.call("GET", "/storage_service/snapshots/size/true"))) << "\n\n";
  return 0;
}

int clearsnapshot(const std::vector<std::string>& args, const OpsContext& ctx, std::ostream& out) {
  Args a = parse_args(args, {"-t"}, {"--all"});
  std::string tag = a.option({"-t"});
  const bool all = a.flag({"--all"});
  if (tag.empty() && !all) throw std::runtime_error("Specify snapshot name or --all");
  if (!tag.empty() && all) throw std::runtime_error("Specify only one of snapshot name or --all");
  out << "Requested clearing snapshot(s) for "
      << (a.positional.empty() ? std::string("[all keyspaces]") : "[" + join(a.positional, ", ") + "]")
      << (tag.empty() ? std::string(" with [all snapshots]") : " with snapshot name [" + tag + "]") << "\n";
  std::string path = "/storage_service/snapshots?tag=" + encode(tag);
  if (!a.positional.empty()) path += "&kn=" + encode(join(a.positional, ","));
  ctx.call("DELETE", path);
  return 0;
}

int compactionstats(const std::vector<std::string>& args, const OpsContext& ctx, std::ostream& out) {
  Args a = parse_args(args, {}, {"-H", "--human-readable"});
  const bool human = a.flag({"-H", "--human-readable"});
  json::value pending = ctx.call("GET", "/compaction_manager/metrics/pending_tasks_by_table");
  uint64_t total = 0;
  for (const auto& p : pending.as_array()) total += unsigned_number(p.as_object().at("task"));
  out << "pending tasks: " << total << "\n";
  for (const auto& p : pending.as_array()) {
    const auto& o = p.as_object();
    out << "- " << text(o.at("ks")) << "." << text(o.at("cf")) << ": " << unsigned_number(o.at("task"))
        << "\n";
  }
  out << "\n";
  json::value running = ctx.call("GET", "/compaction_manager/compactions");
  if (running.as_array().empty()) return 0;
  std::vector<std::vector<std::string>> rows = {
      {"id", "compaction type", "keyspace", "table", "completed", "total", "unit", "progress"}};
  uint64_t remaining = 0;
  for (const auto& c : running.as_array()) {
    const auto& o = c.as_object();
    uint64_t done = unsigned_number(o.at("completed")), all = unsigned_number(o.at("total"));
    char progress[32] = "n/a";
    if (all != 0) std::snprintf(progress, sizeof progress, "%.2f%%", 100.0 * static_cast<double>(done) / all);
    rows.push_back({text(o.at("id")), text(o.at("task_type")), text(o.at("ks")), text(o.at("cf")),
                    human ? stringify_file_size(static_cast<double>(done)) : std::to_string(done),
                    human ? stringify_file_size(static_cast<double>(all)) : std::to_string(all),
                    text(o.at("unit")), progress});
    if (all > done) remaining += all - done;
  }
  out << format_table(rows);
  uint64_t mb = unsigned_number(ctx.call("GET", "/storage_service/compaction_throughput"));
  std::string time = "n/a";
  if (mb != 0) {
    uint64_t secs = remaining / (mb << 20);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lluh%02llum%02llus", static_cast<unsigned long long>(secs / 3600),
                  static_cast<unsigned long long>(secs % 3600 / 60),
                  static_cast<unsigned long long>(secs % 60));
    time = buf;
  }
  char line[128];
  std::snprintf(line, sizeof line, "%25s%10s\n", "Active compaction remaining time : ", time.c_str());
  out << line;
  return 0;
}

int setcompactionthroughput(const std::vector<std::string>& args, const OpsContext& ctx) {
  Args a = parse_args(args, {}, {});
  if (a.positional.size() != 1) throw UsageError("setcompactionthroughput requires a throughput in MB/s");
  const std::string& v = a.positional[0];
  if (v.empty() || v.size() > 9 ||
      !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }))
    throw UsageError("compaction throughput must be a non-negative whole number of MB/s, got '" + v + "'");
  ctx.call("POST", "/storage_service/compaction_throughput?value=" + v);
  return 0;
}

int getcompactionthroughput(const std::vector<std::string>& args, const OpsContext& ctx, std::ostream& out) {
  parse_args(args, {}, {});
  out << "Current compaction throughput: "
      << unsigned_number(ctx.call("GET", "/storage_service/compaction_throughput")) << " MB/s\n";
  return 0;
}

}  // namespace

int run_ops_command(const std::string& command, const std::vector<std::string>& args, const OpsContext& ctx,
                    std::ostream& out) {
  if (command == "flush" || command == "compact") return flush_or_compact(command, args, ctx);
  if (command == "drain") {
    parse_args(args, {}, {});
    ctx.call("POST", "/storage_service/drain");
    return 0;
  }
  if (command == "snapshot") return snapshot(args, ctx, out);
  if (command == "listsnapshots") return listsnapshots(args, ctx, out);
  if (command == "clearsnapshot") return clearsnapshot(args, ctx, out);
  if (command == "compactionstats") return compactionstats(args, ctx, out);
  if (command == "setcompactionthroughput") return setcompactionthroughput(args, ctx);
  if (command == "getcompactionthroughput") return getcompactionthroughput(args, ctx, out);
  return -1;
}

}  // namespace krill::tools
