// `krill nodetool`: Cassandra's nodetool for the commands an operator needs most, talking
// to the node's admin HTTP API (not JMX). Output follows Cassandra 4.0's formats.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace krill::tools {

struct NodetoolOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8000;  // the node's --http-port
  std::string command;   // version | status | info | describecluster | flush
  std::vector<std::string> args;
  bool tokens = false;  // info -T: print every token
};

// Runs one command; output to `out`, errors to `err`. Returns the process exit code
// (0 ok, 1 failure, 2 usage).
int run_nodetool(const NodetoolOptions& options, std::ostream& out, std::ostream& err);

// Cassandra's FileUtils.stringifyFileSize: "512 bytes", "70.56 KiB", "1.5 GiB" (2 decimals).
std::string stringify_file_size(double bytes);

}  // namespace krill::tools
