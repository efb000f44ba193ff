// The shell's own commands: HELP, EXIT/QUIT, CLEAR, CONSISTENCY, SERIAL CONSISTENCY,
// TRACING, PAGING, EXPAND, SOURCE, SHOW (and COPY, dispatched to copy_*.cc).
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <ostream>

#include "tools/shell/shell_internal.h"

namespace krill::tools::shell {

namespace {

constexpr int kMaxSourceDepth = 16;

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

struct HelpTopic {
  const char* name;
  const char* text;
};

constexpr HelpTopic kTopics[] = {
    {"CONSISTENCY",
     "CONSISTENCY [level]\n  Shows or sets the consistency level of the statements that follow: ANY, ONE, "
     "TWO, "
     "THREE,\n  QUORUM, ALL, LOCAL_QUORUM, EACH_QUORUM, SERIAL, LOCAL_SERIAL, LOCAL_ONE (default ONE)."},
    {"SERIAL",
     "SERIAL CONSISTENCY [SERIAL | LOCAL_SERIAL]\n  Shows or sets the serial consistency level of "
     "conditional "
     "updates."},
    {"PAGING",
     "PAGING [ON | OFF | N]\n  Shows or sets paging: with paging on, results are fetched N rows at a time "
     "(default "
     "100) and,\n  on a terminal, ---MORE--- waits for a key between pages (q stops)."},
    {"EXPAND",
     "EXPAND [ON | OFF]\n  Vertical output: one 'column | value' line per column, rows headed '@ Row n'."},
    {"TRACING", "TRACING [ON | OFF]\n  Request tracing is not supported by Krill yet; TRACING ON says so."},
    {"SOURCE", "SOURCE 'file'\n  Runs the statements of a file; errors name the file and line."},
    {"SHOW", "SHOW VERSION | SHOW HOST\n  The versions of the shell and the node, or the node connected to."},
    {"DESCRIBE",
     "DESCRIBE KEYSPACES | KEYSPACE [ks] | TABLES | TABLE [ks.]t | TYPES | TYPE t | SCHEMA | CLUSTER | "
     "<name>\n"
     "  Prints the CQL that re-creates the schema element (answered by the node)."},
    {"COPY",
     "COPY [ks.]table [(col, ...)] FROM 'file.csv' | STDIN [WITH option = value [AND ...]]\n"
     "COPY [ks.]table [(col, ...)] TO 'file.csv' | STDOUT [WITH option = value [AND ...]]\n"
     "  Both: HEADER (false), DELIMITER (,), QUOTE (\"), ESCAPE (none), NULL (empty), MAXROWS (-1),\n"
     "        MAXREQUESTS (FROM 32 batches in flight), MAXATTEMPTS (5), REPORTFREQUENCY (0.25 s),\n        "
     "MAXRECORDSIZE (bytes per CSV record, 64 MiB)\n"
     "  FROM: CHUNKSIZE (5000), MAXBATCHSIZE (20 rows per unlogged batch), SKIPROWS (0),\n"
     "        MAXPARSEERRORS (-1 = no limit), MAXINSERTERRORS (1000), INGESTRATE (0 = no limit), TTL\n"
     "  TO:   PAGESIZE (1000), FLOATPRECISION / DOUBLEPRECISION (default: exact)"},
    {"USE", "USE keyspace;\n  Makes the keyspace the default; the prompt shows it."},
    {"EXIT", "EXIT | QUIT\n  Leaves the shell (so does Ctrl-D on an empty line)."},
    {"CLEAR", "CLEAR | CLS\n  Clears the screen."},
};

}  // namespace

std::vector<std::string> command_args(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == ';') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

bool Shell::run_command(const std::string& word, const std::string& text, bool& handled) {
  handled = true;
  const std::vector<std::string> args = command_args(text);
  std::ostream& out = *io_.out;
  if (word == "HELP" || word == "?") {
    cmd_help(args);
    return true;
  }
  if (word == "EXIT" || word == "QUIT") {
    exit_requested_ = true;
    return true;
  }
  if (word == "CLEAR" || word == "CLS") {
    out << "\x1b[2J\x1b[H" << std::flush;
    return true;
  }
  if (word == "CONSISTENCY") return cmd_consistency({args.begin() + 1, args.end()}, false);
  if (word == "SERIAL") {
    if (args.size() < 2 || upper(args[1]) != "CONSISTENCY") {
      report("Improper SERIAL command: expected SERIAL CONSISTENCY [SERIAL | LOCAL_SERIAL]");
      return false;
    }
    return cmd_consistency({args.begin() + 2, args.end()}, true);
  }
  if (word == "TRACING") {
    if (args.size() >= 2 && upper(args[1]) == "ON") {
      out << "Tracing is not supported by Krill yet; TRACING stays OFF.\n";
      return true;
    }
    return cmd_on_off(args, "Tracing", tracing_);
  }
  if (word == "EXPAND") return cmd_on_off(args, "Expanded output", expand_);
  if (word == "PAGING") return cmd_paging(args);
  if (word == "SOURCE") return cmd_source(text);
  if (word == "SHOW") return cmd_show(args);
  if (word == "COPY") return cmd_copy(text);
  handled = false;
  return true;
}

bool Shell::cmd_consistency(const std::vector<std::string>& args, bool serial) {
  std::ostream& out = *io_.out;
  const char* what = serial ? "serial consistency level" : "consistency level";
  if (args.empty()) {
    std::string s = std::string("Current ") + what + " is " +
                    client::consistency_name(serial ? serial_consistency_ : consistency_) + ".";
    out << s << '\n';
    return true;
  }
  client::Consistency level;
  const std::string name = upper(args[0]);
  if (args.size() > 1 || !client::parse_consistency(name, level)) {
    report(std::string("Improper ") + (serial ? "SERIAL CONSISTENCY" : "CONSISTENCY") +
           " command: unknown level '" + args[0] + "' (" +
           (serial ? "SERIAL, LOCAL_SERIAL"
                   : "ANY, ONE, TWO, THREE, QUORUM, ALL, LOCAL_QUORUM, EACH_QUORUM, SERIAL, LOCAL_SERIAL, "
                     "LOCAL_ONE") +
           ")");
    return false;
  }
  if (serial && level != client::Consistency::kSerial && level != client::Consistency::kLocalSerial) {
    report("Improper SERIAL CONSISTENCY command: the serial level is SERIAL or LOCAL_SERIAL, not " + name);
    return false;
  }
  (serial ? serial_consistency_ : consistency_) = level;
  out << (serial ? "Serial consistency" : "Consistency") << " level set to " << name << ".\n";
  return true;
}

bool Shell::cmd_on_off(const std::vector<std::string>& args, const char* name, bool& flag) {
  std::ostream& out = *io_.out;
  const std::string word = upper(args.at(0));
  if (args.size() == 1) {
    out << name << " is currently " << (flag ? "enabled" : "disabled") << ". Use " << word
        << (flag ? " OFF to disable." : " ON to enable.") << '\n';
    return true;
  }
  const std::string v = upper(args[1]);
  if (args.size() > 2 || (v != "ON" && v != "OFF")) {
    report("Improper " + word + " command: expected " + word + " [ON | OFF]");
    return false;
  }
  flag = v == "ON";
  out << (flag ? "Now " : "Disabled ") << name << (flag ? " is enabled" : ".") << '\n';
  return true;
}

bool Shell::cmd_paging(const std::vector<std::string>& args) {
  std::ostream& out = *io_.out;
  if (args.size() == 1) {
    out << "Query paging is currently "
        << (paging_ ? "enabled. Use PAGING OFF to disable" : "disabled. Use PAGING ON to enable")
        << "\nPage size: " << page_size_ << '\n';
    return true;
  }
  const std::string v = upper(args[1]);
  int32_t size = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), size);
  const bool number = ec == std::errc() && p == v.data() + v.size();
  if (args.size() > 2 || (v != "ON" && v != "OFF" && !number) || (number && size <= 0)) {
    report("Improper PAGING command: expected PAGING [ON | OFF | <page size > 0>]");
    return false;
  }
  if (v == "OFF") {
    paging_ = false;
    out << "Disabled Query paging.\n";
    return true;
  }
  paging_ = true;
  if (number) page_size_ = size;
  out << "Now Query paging is enabled\nPage size: " << page_size_ << '\n';
  return true;
}

bool Shell::cmd_source(const std::string& text) {
  std::string arg = text.substr(std::min(text.size(), size_t{6}));  // after SOURCE
  while (!arg.empty() && (std::isspace(static_cast<unsigned char>(arg.back())) || arg.back() == ';'))
    arg.pop_back();
  while (!arg.empty() && std::isspace(static_cast<unsigned char>(arg.front()))) arg.erase(0, 1);
  if (arg.size() >= 2 && (arg.front() == '\'' || arg.front() == '"') && arg.back() == arg.front()) {
    arg = arg.substr(1, arg.size() - 2);
  }
  if (arg.empty()) {
    report("Improper SOURCE command: expected SOURCE 'file'");
    return false;
  }
  if (arg[0] == '~') {
    const char* home = std::getenv("HOME");
    if (home != nullptr) arg = home + arg.substr(1);
  }
  if (source_depth_ >= kMaxSourceDepth) {
    report("SOURCE nested more than " + std::to_string(kMaxSourceDepth) + " deep");
    return false;
  }
  std::ifstream in(arg);
  if (!in) {
    report("Could not open '" + arg + "'");
    return false;
  }
  const std::string saved_source = source_;
  const int saved_line = line_;
  ++source_depth_;
  const bool ok = run_script(in, arg);
  --source_depth_;
  source_ = saved_source;
  line_ = saved_line;
  return ok;
}

bool Shell::cmd_show(const std::vector<std::string>& args) {
  const std::string what = args.size() >= 2 ? upper(args[1]) : "";
  NodeDescription node;
  if (what == "VERSION" || what == "HOST") {
    if (const std::string err = describe_node(node); !err.empty()) {
      report("Could not read system.local: " + err);
      return false;
    }
  }
  std::ostream& out = *io_.out;
  if (what == "VERSION") {
    out << "[krill cql " << KRILL_VERSION << " | Krill " << KRILL_VERSION << " (Cassandra "
        << node.release_version << ") | CQL spec " << node.cql_version << " | Native protocol v4]\n";
    return true;
  }
  if (what == "HOST") {
    out << "Connected to " << node.cluster_name << " at " << session_.settings().host << ':'
        << session_.settings().port << ".\n";
    return true;
  }
  if (what == "SESSION") {
    report("SHOW SESSION: tracing is not supported by Krill yet");
    return false;
  }
  report("Improper SHOW command: expected SHOW VERSION or SHOW HOST");
  return false;
}

void Shell::cmd_help(const std::vector<std::string>& args) {
  std::ostream& out = *io_.out;
  if (args.size() >= 2) {
    const std::string topic = upper(args[1]);
    for (const HelpTopic& t : kTopics) {
      if (topic == t.name || (topic == "DESC" && std::string(t.name) == "DESCRIBE") ||
          (topic == "QUIT" && std::string(t.name) == "EXIT") ||
          (topic == "CLS" && std::string(t.name) == "CLEAR")) {
        out << '\n' << t.text << "\n\n";
        return;
      }
    }
    out << "\nNo help for '" << args[1]
        << "'. CQL statements (SELECT, INSERT, CREATE TABLE, ...) follow Cassandra 4.0; see "
           "docs/shell.md.\n\n";
    return;
  }
  out << "\nShell commands (no ';' needed):\n"
         "  CONSISTENCY  SERIAL CONSISTENCY  PAGING  EXPAND  TRACING  SOURCE  SHOW  DESCRIBE  COPY\n"
         "  CLEAR  EXIT  QUIT  HELP <topic>\n\n"
         "CQL statements end with ';' and may span lines:\n"
         "  SELECT  INSERT  UPDATE  DELETE  BATCH  USE  CREATE  ALTER  DROP  TRUNCATE  ...\n\n"
         "Keys: Up/Down history, Ctrl-C clears the statement, Ctrl-D on an empty line exits.\n\n";
}

}  // namespace krill::tools::shell
