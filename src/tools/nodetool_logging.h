// Internal to tools/: nodetool's logging commands over the HTTP API's logger routes
// (src/admin/api_logging.h), in Cassandra's output format.
//
//   getlogginglevels                  "\n%-50s%10s\n" header ("Logger Name", "Log Level"),
//                                     then "%-50s%10s\n" rows: ROOT (the default level),
//                                     then every logger, levels upper-case
//   setlogginglevel <logger> <level>  one logger; ROOT (any case) sets every logger
//   setlogginglevel <logger>          that logger back to its configured level
//   setlogginglevel                   every logger back to the configured levels
#pragma once

#include <boost/json/value.hpp>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace krill::tools {

// Performs one HTTP call (GET or POST) and returns the JSON body; throws on failure.
using JsonCall = std::function<boost::json::value(const std::string& path)>;

int get_logging_levels(const JsonCall& get, std::ostream& out);
// Returns 0, or 2 (usage) with a message on `err`.
int set_logging_level(const JsonCall& post, const std::vector<std::string>& args, std::ostream& err);

}  // namespace krill::tools
