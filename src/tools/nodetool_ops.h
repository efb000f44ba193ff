// Internal to tools/: nodetool's table and operations commands over the HTTP API
// (src/admin/api_ops.h), in Cassandra 4.0's output formats.
//
//   nodetool_tables.cc  tablestats [-H] [ks[.table]...], tablehistograms ks table | ks.table,
//                       proxyhistograms, ring
//   nodetool_ops.cc     flush [ks [tables...]], compact [ks [tables...]], drain,
//                       snapshot [-t tag] [-cf table] [ks...], listsnapshots,
//                       clearsnapshot [-t tag | --all] [ks...], compactionstats [-H],
//                       setcompactionthroughput N, getcompactionthroughput
// Each run_* returns -1 when `command` is not one of its commands, else the exit code.
// Failures throw std::runtime_error with the message nodetool prints after "nodetool: ".
#pragma once

#include <boost/json/value.hpp>
#include <functional>
#include <iosfwd>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace krill::tools {

// One HTTP call: method ("GET", "POST", "DELETE") and path with query; returns the JSON
// body, throws on a connection failure or an HTTP error.
using HttpJson = std::function<boost::json::value(const std::string& method, const std::string& path)>;

struct OpsContext {
  HttpJson call;
  std::string address;  // the node's address as nodetool names it (ring)
};

int run_table_command(const std::string& command, const std::vector<std::string>& args, const OpsContext& ctx,
                      std::ostream& out);
int run_ops_command(const std::string& command, const std::vector<std::string>& args, const OpsContext& ctx,
                    std::ostream& out);

namespace nodetool_detail {

// A usage mistake: nodetool prints it and exits 2.
struct UsageError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// A command's arguments split into positionals, options with a value and flags. Unknown
// options are usage errors.
struct Args {
  std::vector<std::string> positional;
  std::vector<std::pair<std::string, std::string>> options;  // (name as given, value)
  std::set<std::string> flags;
  // The value of the first option named one of `names`, or "".
  std::string option(std::initializer_list<const char*> names) const;
  bool flag(std::initializer_list<const char*> names) const;
};
Args parse_args(const std::vector<std::string>& args, const std::set<std::string>& value_options,
                const std::set<std::string>& flag_options);

std::string text(const boost::json::value& v);
double number(const boost::json::value& v);
uint64_t unsigned_number(const boost::json::value& v);
// Java's Double.toString for the values nodetool prints that way ("NaN", "0.25", "1.0E-4").
std::string java_double(double v);
// The keyspaces the node has; throws "Keyspace [x] does not exist." when `ks` is not one.
std::vector<std::string> keyspaces(const OpsContext& ctx);
void require_keyspace(const OpsContext& ctx, const std::string& ks);
// Percent-encodes a path segment or query value.
std::string encode(const std::string& s);
// Cassandra's TableBuilder: left-aligned columns separated by one space.
std::string format_table(const std::vector<std::vector<std::string>>& rows);

}  // namespace nodetool_detail

}  // namespace krill::tools
