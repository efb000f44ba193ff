// Command-line options of `krill cql`, spelled as cqlsh spells them:
//   krill cql [host [port]] [-e STATEMENT | -f FILE] [-k KEYSPACE] [-u USER] [-p PASSWORD]
//             [--request-timeout S] [--connect-timeout S] [--no-color | -C] [--tty]
//             [--history-file PATH] [--history-size N]
// Host and port also come from $CQLSH_HOST / $CQLSH_PORT. Pure parsing, no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace krill::tools::shell {

struct ShellOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 9042;
  bool has_execute = false;
  std::string execute;            // -e
  std::string file;               // -f
  std::string keyspace;           // -k
  std::string username;           // -u (accepted; Krill has no authentication yet)
  std::string password;           // -p
  double request_timeout = 10.0;  // seconds
  double connect_timeout = 5.0;   // seconds
  bool no_color = false;
  bool force_color = false;
  bool force_tty = false;
  std::string history_file;  // default: $HOME/.krill_cql_history
  size_t history_size = 1000;
  bool help = false;
  bool version = false;
};

// Parses the arguments after "cql". "" on success, else an error message.
// `env_host`/`env_port` are $CQLSH_HOST/$CQLSH_PORT (null when unset).
std::string parse_shell_options(const std::vector<std::string>& args, const char* env_host,
                                const char* env_port, ShellOptions& out);

std::string shell_usage();

}  // namespace krill::tools::shell
