// `krill cql` option parsing (see options.h).
#include "tools/shell/options.h"

#include <charconv>
#include <cstdlib>

namespace krill::tools::shell {

namespace {

bool parse_port(const std::string& s, uint16_t& out) {
  unsigned v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v == 0 || v > 65535) return false;
  out = static_cast<uint16_t>(v);
  return true;
}

bool parse_seconds(const std::string& s, double& out) {
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !(v > 0) || v > 86400 * 7) return false;
  out = v;
  return true;
}

}  // namespace

std::string parse_shell_options(const std::vector<std::string>& args, const char* env_host,
                                const char* env_port, ShellOptions& out) {
  if (env_host != nullptr && *env_host != '\0') out.host = env_host;
  if (env_port != nullptr && *env_port != '\0' && !parse_port(env_port, out.port)) {
    return std::string("bad CQLSH_PORT '") + env_port + "'";
  }
  std::vector<std::string> positional;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    std::string value;
    bool inline_value = false;
    if (a.rfind("--", 0) == 0) {
      const size_t eq = a.find('=');
      if (eq != std::string::npos) {
        value = a.substr(eq + 1);
        a = a.substr(0, eq);
        inline_value = true;
      }
    }
    auto take = [&](std::string& dest) -> std::string {
      if (inline_value) {
        dest = value;
        return "";
      }
      if (i + 1 >= args.size()) return "option " + a + " needs a value";
      dest = args[++i];
      return "";
    };
    std::string err;
    if (a == "-h" || a == "--help") {
      out.help = true;
    } else if (a == "--version") {
      out.version = true;
    } else if (a == "-e" || a == "--execute") {
      err = take(out.execute);
      out.has_execute = true;
    } else if (a == "-f" || a == "--file") {
      err = take(out.file);
    } else if (a == "-k" || a == "--keyspace") {
      err = take(out.keyspace);
    } else if (a == "-u" || a == "--username") {
      err = take(out.username);
    } else if (a == "-p" || a == "--password") {
      err = take(out.password);
    } else if (a == "--request-timeout" || a == "--connect-timeout") {
      std::string v;
      err = take(v);
      double& dest = a == "--request-timeout" ? out.request_timeout : out.connect_timeout;
      if (err.empty() && !parse_seconds(v, dest)) err = "bad " + a + " '" + v + "' (seconds, > 0)";
    } else if (a == "--no-color") {
      out.no_color = true;
    } else if (a == "-C" || a == "--color") {
      out.force_color = true;
    } else if (a == "-t" || a == "--tty") {
      out.force_tty = true;
    } else if (a == "--history-file") {
      err = take(out.history_file);
    } else if (a == "--history-size") {
      std::string v;
      err = take(v);
      unsigned long n = 0;
      auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (err.empty() && (ec != std::errc() || p != v.data() + v.size() || n == 0 || n > 1000000)) {
        err = "bad --history-size '" + v + "' (1..1000000)";
      }
      out.history_size = n;
    } else if (a == "--protocol-version") {
      std::string v;
      err = take(v);
      if (err.empty() && v != "4") err = "only native protocol version 4 is supported (got " + v + ")";
    } else if (a == "--cqlversion" || a == "--encoding") {
      std::string ignored;
      err = take(ignored);
    } else if (a == "--debug" || a == "--no-file-io" || a == "--disable-history") {
      if (a == "--disable-history") out.history_file = "-";
    } else if (a == "--ssl") {
      err = "--ssl: Krill has no TLS yet";
    } else if (!a.empty() && a[0] == '-') {
      err = "unknown option " + a;
    } else {
      positional.push_back(a);
    }
    if (!err.empty()) return err;
  }
  if (positional.size() > 2) return "too many arguments (expected [host [port]])";
  if (!positional.empty()) out.host = positional[0];
  if (positional.size() == 2 && !parse_port(positional[1], out.port))
    return "bad port '" + positional[1] + "'";
  if (out.has_execute && !out.file.empty()) return "-e and -f cannot be used together";
  if (out.no_color && out.force_color) return "--no-color and --color cannot be used together";
  return "";
}

std::string shell_usage() {
  return R"(Usage: krill cql [options] [host [port]]

An interactive CQL shell in the spirit of cqlsh (default 127.0.0.1 9042, or $CQLSH_HOST
and $CQLSH_PORT). Statements end with ';'. Type HELP inside the shell for its commands.

Options:
  -e, --execute STATEMENT   run the statement(s) and exit
  -f, --file FILE           run the statements of FILE and exit
  -k, --keyspace KEYSPACE   start in this keyspace
  -u, --username USER       accepted for cqlsh compatibility (no authentication yet)
  -p, --password PASSWORD   accepted for cqlsh compatibility
  --request-timeout SECS    per-request timeout (default 10)
  --connect-timeout SECS    connection timeout (default 5)
  --no-color                never use colours;  -C, --color: always
  -t, --tty                 behave as on a terminal even when stdin is not one
  --history-file PATH       history file (default ~/.krill_cql_history); --disable-history
  --history-size N          history entries kept (default 1000)
  -h, --help                this help;  --version: the version

In script mode (-e, -f, or stdin not a terminal) no prompt is shown, errors go to
stderr as <file>:<line>:<error>, and the exit status is 2 when a statement failed
(1 when the node cannot be reached).
)";
}

}  // namespace krill::tools::shell
