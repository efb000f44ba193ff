#include "tools/nodetool.h"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <ostream>
#include <sstream>
#include <stdexcept>

#include "tools/nodetool_logging.h"
#include "tools/nodetool_ops.h"

namespace krill::tools {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;

namespace {

// A connection failure (message in Cassandra's words) or an HTTP error from the node.
struct NodetoolError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One HTTP client: a connection per call (nodetool makes a handful of calls).
class Client {
 public:
  Client(std::string host, uint16_t port) : host_(std::move(host)), port_(port) {}

  json::value get(const std::string& path) { return call(http::verb::get, path); }
  json::value post(const std::string& path) { return call(http::verb::post, path); }
  json::value request(const std::string& method, const std::string& path) {
    return call(method == "POST"     ? http::verb::post
                : method == "DELETE" ? http::verb::delete_
                                     : http::verb::get,
                path);
  }

 private:
  json::value call(http::verb verb, const std::string& path) {
    beast::tcp_stream stream(io_);
    boost::system::error_code ec;
    // IP addresses and "localhost" only: name resolution would pull glibc's NSS into the
    // static binary (getaddrinfo), which a minimal image does not have.
    auto address = asio::ip::make_address(host_ == "localhost" ? "127.0.0.1" : host_, ec);
    if (ec)
      throw NodetoolError("Failed to connect to '" + host_ + ":" + std::to_string(port_) +
                          "' - not an IP address (use an IP address or localhost).");
    stream.expires_after(std::chrono::seconds(10));
    stream.connect(tcp::endpoint(address, port_), ec);
    if (ec)
      throw NodetoolError("Failed to connect to '" + host_ + ":" + std::to_string(port_) + "' - " +
                          ec.message() + ".");
    http::request<http::string_body> req{verb, path, 11};
    req.set(http::field::host, host_);
    req.set(http::field::user_agent, "krill-nodetool");
    req.prepare_payload();
    stream.expires_after(std::chrono::seconds(600));  // flush may take a while
    http::write(stream, req, ec);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    if (!ec) http::read(stream, buffer, res, ec);
    if (ec)
      throw NodetoolError("Error talking to '" + host_ + ":" + std::to_string(port_) + "': " + ec.message());
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    json::value v;
    boost::system::error_code jec;
    v = json::parse(res.body(), jec);
    if (res.result_int() != 200) {
      std::string msg = res.body();
      if (!jec && v.is_object() && v.as_object().contains("message") &&
          v.as_object().at("message").is_string())
        msg = std::string(v.as_object().at("message").as_string());
      throw NodetoolError(path + ": HTTP " + std::to_string(res.result_int()) + ": " + msg);
    }
    if (jec) throw NodetoolError(path + ": not JSON: " + res.body());
    return v;
  }

  asio::io_context io_;
  std::string host_;
  uint16_t port_;
};

std::string str(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  return json::serialize(v);
}

double num(const json::value& v) {
  if (v.is_double()) return v.as_double();
  if (v.is_int64()) return static_cast<double>(v.as_int64());
  if (v.is_uint64()) return static_cast<double>(v.as_uint64());
  return 0;
}

std::string fmt(const char* format, double a, double b = 0) {
  char buf[128];
  std::snprintf(buf, sizeof buf, format, a, b);
  return buf;
}

// Cassandra's `%-23s: %s` info line.
void info_line(std::ostream& out, const std::string& key, const std::string& value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%-23s", key.c_str());
  out << buf << ": " << value << "\n";
}

int version(Client& c, std::ostream& out) {
  out << "ReleaseVersion: " << str(c.get("/storage_service/release_version")) << "\n";
  return 0;
}

int status(Client& c, const NodetoolOptions& o, std::ostream& out) {
  std::string dc = str(c.get("/snitch/datacenter"));
  std::string rack = str(c.get("/snitch/rack"));
  std::string host_id = str(c.get("/storage_service/host_id/local"));
  double load = num(c.get("/storage_service/load"));
  size_t tokens = c.get("/storage_service/tokens").as_array().size();
  bool up = c.get("/storage_service/native_transport").as_bool();
  std::string address = o.host == "localhost" ? "127.0.0.1" : o.host;
  std::string header = "Datacenter: " + dc;
  out << header << "\n" << std::string(header.size(), '=') << "\n";
  out << "Status=Up/Down\n|/ State=Normal/Leaving/Joining/Moving\n";
  const int width = static_cast<int>(std::max<size_t>(address.size(), 7));
  char line[512];
  const char* f = "%-2s  %-*s  %-9s  %-6s  %-5s  %-36s  %s\n";
  std::snprintf(line, sizeof line, f, "--", width, "Address", "Load", "Tokens", "Owns", "Host ID", "Rack");
  out << line;
  std::snprintf(line, sizeof line, f, up ? "UN" : "DN", width, address.c_str(),
                stringify_file_size(load).c_str(), std::to_string(tokens).c_str(), "?", host_id.c_str(),
                rack.c_str());
  out << line << "\n";
  out << "Note: Non-system keyspaces don't have the same replication settings, effective ownership "
         "information is "
         "meaningless\n";
  return 0;
}

int info(Client& c, const NodetoolOptions& o, std::ostream& out) {
  json::value host = c.get("/krill/host");
  auto& h = host.as_object();
  auto& mem = h.at("memory").as_object();
  auto tokens = c.get("/storage_service/tokens").as_array();
  info_line(out, "ID", str(c.get("/storage_service/host_id/local")));
  info_line(out, "Gossip active", "false");
  info_line(out, "Native Transport active",
            c.get("/storage_service/native_transport").as_bool() ? "true" : "false");
  info_line(out, "Load", stringify_file_size(num(c.get("/storage_service/load"))));
  info_line(out, "Generation No", str(c.get("/storage_service/generation_number")));
  info_line(out, "Uptime (seconds)",
            std::to_string(static_cast<int64_t>(num(c.get("/system/uptime_ms")) / 1000)));
  info_line(
      out, "Heap Memory (MB)",
      fmt("%.2f / %.2f", num(mem.at("rss_bytes")) / 1048576.0, num(mem.at("budget_bytes")) / 1048576.0));
  info_line(out, "Off Heap Memory (MB)", "0.00");
  info_line(out, "Data Center", str(c.get("/snitch/datacenter")));
  info_line(out, "Rack", str(c.get("/snitch/rack")));
  info_line(out, "Exceptions", "0");
  // Krill has no key, row or counter caches (RocksDB's block cache is internal).
  const std::string no_cache =
      "entries 0, size 0 bytes, capacity 0 bytes, 0 hits, 0 requests, NaN recent hit rate, 0 save period in "
      "seconds";
  info_line(out, "Key Cache", no_cache);
  info_line(out, "Row Cache", no_cache);
  info_line(out, "Counter Cache", no_cache);
  info_line(out, "Percent Repaired", "100.0%");
  if (o.tokens) {
    for (auto& t : tokens) info_line(out, "Token", str(t));
  } else {
    info_line(out, "Token",
              "(invoke with -T/--tokens to see all " + std::to_string(tokens.size()) + " tokens)");
  }
  return 0;
}

int describecluster(Client& c, const NodetoolOptions& o, std::ostream& out) {
  std::string address = o.host == "localhost" ? "127.0.0.1" : o.host;
  std::string dc = str(c.get("/snitch/datacenter"));
  bool up = c.get("/storage_service/native_transport").as_bool();
  out << "Cluster Information:\n";
  out << "\tName: " << str(c.get("/storage_service/cluster_name")) << "\n";
  out << "\tSnitch: org.apache.cassandra.locator.SimpleSnitch\n";
  out << "\tDynamicEndPointSnitch: enabled\n";
  out << "\tPartitioner: org.apache.cassandra.dht.Murmur3Partitioner\n";
  out << "\tSchema versions:\n";
  out << "\t\t" << str(c.get("/storage_service/schema_version")) << ": [" << address << "]\n\n";
  out << "Stats for all nodes:\n";
  out << "\tLive: " << (up ? 1 : 0)
      << "\n\tJoining: 0\n\tMoving: 0\n\tLeaving: 0\n\tUnreachable: " << (up ? 0 : 1) << "\n\n";
  out << "Data Centers: \n\t" << dc << " #Nodes: 1 #Down: " << (up ? 0 : 1) << "\n\n";
  out << "Database versions:\n\t" << str(c.get("/storage_service/release_version")) << ": [" << address
      << ":7000]\n\n";
  out << "Keyspaces:\n";
  json::value keyspaces = c.get("/storage_service/keyspaces");
  for (auto& ks : keyspaces.as_array()) out << "\t" << str(ks) << "\n";
  return 0;
}

}  // namespace

std::string stringify_file_size(double v) {
  const double kib = 1024, mib = kib * 1024, gib = mib * 1024, tib = gib * 1024;
  if (v >= tib) return fmt("%.2f TiB", v / tib);
  if (v >= gib) return fmt("%.2f GiB", v / gib);
  if (v >= mib) return fmt("%.2f MiB", v / mib);
  if (v >= kib) return fmt("%.2f KiB", v / kib);
  return std::to_string(static_cast<uint64_t>(v)) + " bytes";
}

namespace {

// The commands, as `nodetool help` lists them (Cassandra's layout: name padded, summary).
constexpr std::pair<const char*, const char*> kCommands[] = {
    {"clearsnapshot", "Delete snapshots (one tag with -t, or all) of some or all keyspaces"},
    {"compact", "Run a major compaction of a keyspace or of some of its tables"},
    {"compactionstats", "Show pending and running compactions"},
    {"describecluster", "Show the cluster name, snitch, partitioner and schema versions"},
    {"drain", "Stop serving CQL and flush every table (before a restart)"},
    {"flush", "Write memtables of a keyspace or of some of its tables to disk"},
    {"getcompactionthroughput", "Show the compaction throughput limit in MB/s"},
    {"getlogginglevels", "Show each logger's current level"},
    {"help", "List the commands, or describe one"},
    {"info", "Show this node's uptime, load, memory and caches"},
    {"listsnapshots", "List snapshots with their size on disk and true size"},
    {"proxyhistograms", "Show coordinator read/write/range latency percentiles"},
    {"ring", "Show the token ring"},
    {"setcompactionthroughput", "Change the compaction throughput limit in MB/s (0 = unthrottled)"},
    {"setlogginglevel", "Change a logger's level; with no arguments, go back to the configured levels"},
    {"snapshot", "Take a snapshot of keyspaces or of one table"},
    {"status", "Show the nodes with their state, load, tokens and host id"},
    {"tablehistograms", "Show latency, partition size and cell count percentiles of one table"},
    {"tablestats", "Show statistics of tables"},
    {"version", "Show the release version"},
};

int help(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (!args.empty()) {
    for (const auto& [name, summary] : kCommands) {
      if (args[0] == name) {
        out << "NAME\n        nodetool " << name << " - " << summary << "\n\nSYNOPSIS\n        nodetool "
            << "[(-h <host> | --host <host>)] [(-p <port> | --port <port>)] " << name << " [<args>]\n";
        return 0;
      }
    }
    err << "nodetool: Unknown command: " << args[0] << "\n";
    return 1;
  }
  out << "usage: nodetool [(-h <host> | --host <host>)] [(-p <port> | --port <port>)] <command> [<args>]\n\n"
      << "The most commonly used nodetool commands are:\n";
  for (const auto& [name, summary] : kCommands) {
    std::string padded = name;
    padded.resize(std::max<size_t>(padded.size() + 1, 28), ' ');
    out << "    " << padded << summary << "\n";
  }
  out << "\nSee 'nodetool help <command>' for more information on a specific command.\n\n";
  return 0;
}

}  // namespace

int run_nodetool(const NodetoolOptions& o, std::ostream& out, std::ostream& err) {
  if (o.command == "help") return help(o.args, out, err);
  Client c(o.host, o.port);
  // Output is buffered so that a failure part-way prints only the error.
  std::ostringstream buffer;
  try {
    int rc = -1;
    if (o.command == "version") rc = version(c, buffer);
    if (o.command == "status") rc = status(c, o, buffer);
    if (o.command == "info") rc = info(c, o, buffer);
    if (o.command == "describecluster") rc = describecluster(c, o, buffer);
    // nodetool_tables.cc and nodetool_ops.cc (flush, compact, snapshots, tablestats, ...)
    const OpsContext ops{
        [&c](const std::string& method, const std::string& path) { return c.request(method, path); },
        o.host == "localhost" ? "127.0.0.1" : o.host};
    if (rc < 0) rc = run_table_command(o.command, o.args, ops, buffer);
    if (rc < 0) rc = run_ops_command(o.command, o.args, ops, buffer);
    // nodetool_logging.cc
    if (o.command == "getlogginglevels")
      rc = get_logging_levels([&](const std::string& p) { return c.get(p); }, buffer);
    if (o.command == "setlogginglevel")
      rc = set_logging_level([&](const std::string& p) { return c.post(p); }, o.args, err);
    if (rc >= 0) {
      out << buffer.str();
      return rc;
    }
    err << "nodetool: Found unexpected parameters: [" << o.command
        << "]\nSee 'nodetool help' or 'nodetool help <command>'.\n";
    return 2;
  } catch (const std::exception& e) {
    err << "nodetool: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace krill::tools
