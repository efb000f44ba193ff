// `krill cql`: entry point, statement loop, CQL execution and result display.
#include "tools/shell/shell.h"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "common/error.h"
#include "tools/shell/shell_internal.h"
#include "tools/shell/table.h"

namespace krill::tools::shell {

namespace {

using client::Opcode;

int column_index(const client::RowsResult& rows, const std::string& name) {
  for (size_t i = 0; i < rows.columns.size(); ++i) {
    if (rows.columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::string text_cell(const std::vector<std::optional<common::Bytes>>& row, int index) {
  if (index < 0 || static_cast<size_t>(index) >= row.size() || !row[static_cast<size_t>(index)]) return "";
  return *row[static_cast<size_t>(index)];
}

// Names laid out in columns two blanks apart, wrapped at `width`.
void print_names(std::ostream& out, const std::vector<std::string>& names, size_t width) {
  size_t longest = 1;
  for (const auto& n : names) longest = std::max(longest, display_width(n));
  const size_t per_line = std::max<size_t>(1, width / (longest + 2));
  for (size_t i = 0; i < names.size(); ++i) {
    out << names[i];
    if ((i + 1) % per_line == 0 || i + 1 == names.size()) {
      out << '\n';
    } else {
      out << std::string(longest + 2 - display_width(names[i]), ' ');
    }
  }
}

}  // namespace

Shell::Shell(Session& session, ShellIo io, const ShellOptions& options)
    : session_(session), io_(io), options_(options) {}

std::string Shell::prompt() const { return keyspace_.empty() ? "krill> " : "krill:" + keyspace_ + "> "; }

void Shell::report(const std::string& message) {
  std::ostream& err = *io_.err;
  io_.out->flush();
  if (!source_.empty()) err << source_ << ':' << line_ << ':';
  if (io_.color) err << "\x1b[1;31m";
  err << message;
  if (io_.color) err << "\x1b[0m";
  err << std::endl;
}

void Shell::report_response(const Response& r) {
  if (!r.ok()) {
    const bool timeout = r.failure.rfind("Request timed out", 0) == 0;
    report(std::string(timeout ? "OperationTimedOut: " : "NoHostAvailable: ") + r.failure);
    return;
  }
  if (r.header.opcode != Opcode::kError) {
    report("ProtocolError: unexpected response " + client::describe_response(r.header, r.body));
    return;
  }
  try {
    const client::ErrorInfo e = client::decode_error(r.body);
    char code[16];
    std::snprintf(code, sizeof code, "%04x", static_cast<unsigned>(e.code));
    report(std::string(client::error_class_name(e.code)) + ": Error from server: code=" + code + " [" +
           client::error_summary(e.code) + "] message=\"" + e.message + "\"");
  } catch (const common::CqlError& e) {
    report(std::string("ProtocolError: ") + e.what());
  }
}

bool Shell::ensure_connected() {
  if (session_.connected()) return true;
  const std::string err = session_.connect(keyspace_);
  if (!err.empty()) {
    report("NoHostAvailable: lost the connection and could not reconnect: " + err);
    return false;
  }
  if (io_.interactive) {
    *io_.err << "Reconnected to " << session_.settings().host << ':' << session_.settings().port << std::endl;
  }
  return true;
}

Response Shell::send_query(const std::string& cql, int32_t page_size,
                           const std::optional<common::Bytes>& paging_state) {
  common::Bytes body;
  client::QueryParams params;
  params.consistency = consistency_;
  if (serial_consistency_ != client::Consistency::kSerial) params.serial_consistency = serial_consistency_;
  params.page_size = page_size;
  params.paging_state = paging_state;
  client::append_query(body, cql, params);
  return session_.request(Opcode::kQuery, std::move(body));
}

std::string Shell::describe_node(NodeDescription& out) {
  if (!ensure_connected()) return "not connected";
  const Response r = send_query("SELECT cluster_name, release_version, cql_version FROM system.local", 0, {});
  if (r.is_error()) return r.ok() ? client::describe_response(r.header, r.body) : r.failure;
  try {
    const client::RowsResult rows = client::decode_rows(r.body);
    if (rows.rows.empty()) return "system.local is empty";
    out.cluster_name = text_cell(rows.rows[0], 0);
    out.release_version = text_cell(rows.rows[0], 1);
    out.cql_version = text_cell(rows.rows[0], 2);
  } catch (const common::CqlError& e) {
    return e.what();
  }
  return "";
}

void Shell::print_banner() {
  NodeDescription node;
  describe_node(node);
  std::ostream& out = *io_.out;
  out << "Connected to " << node.cluster_name << " at " << session_.settings().host << ':'
      << session_.settings().port << ".\n";
  out << "[krill cql " << KRILL_VERSION << " | Krill " << KRILL_VERSION << " (Cassandra "
      << node.release_version << ") | CQL spec " << node.cql_version << " | Native protocol v4]\n";
  out << "Use HELP for help." << std::endl;
}

bool Shell::execute(const Statement& statement, const std::string& source) {
  source_ = source;
  line_ = statement.line;
  const std::string word = first_word(statement.text);
  bool handled = false;
  bool ok = run_command(word, statement.text, handled);
  if (!handled) ok = run_cql(statement.text);
  io_.out->flush();
  return ok;
}

bool Shell::run_cql(const std::string& text) {
  if (!ensure_connected()) return false;
  const Response r = send_query(text, paging_ ? page_size_ : 5000, {});
  if (r.is_error()) {
    report_response(r);
    return false;
  }
  try {
    switch (client::result_kind(r.body)) {
      case client::ResultKind::kSetKeyspace:
        keyspace_ = client::decode_set_keyspace(r.body);
        return true;
      case client::ResultKind::kRows:
        return show_rows(text, client::decode_rows(r.body));
      default:
        return true;
    }
  } catch (const common::CqlError& e) {
    report(std::string("ProtocolError: ") + e.what());
    return false;
  }
}

bool Shell::show_rows(const std::string& text, client::RowsResult first) {
  const std::string word = first_word(text);
  const bool describe = (word == "DESCRIBE" || word == "DESC") && column_index(first, "name") >= 0;
  const bool cluster = (word == "DESCRIBE" || word == "DESC") && column_index(first, "partitioner") >= 0;
  const bool interactive_pages = io_.interactive && io_.editor != nullptr && paging_ && !describe && !cluster;
  std::ostream& out = *io_.out;
  std::vector<std::string> headers;
  for (const auto& c : first.columns) headers.push_back(c.name);
  const FormatOptions format;
  client::RowsResult page = std::move(first);
  std::vector<std::vector<Cell>> cells;
  client::RowsResult all;  // DESCRIBE: every row
  all.columns = page.columns;
  long total = 0;
  for (;;) {
    if (describe || cluster) {
      for (auto& row : page.rows) all.rows.push_back(std::move(row));
    } else {
      for (const auto& row : page.rows) {
        std::vector<Cell> line;
        for (size_t c = 0; c < row.size(); ++c) {
          const common::DataType type = c < page.columns.size() ? page.columns[c].type : common::DataType();
          line.push_back(make_cell(type, row[c], format));
        }
        cells.push_back(std::move(line));
      }
    }
    if (interactive_pages && (!cells.empty() || total == 0)) {
      if (expand_) {
        print_vertical(out, headers, cells, total + 1, io_.color);
      } else {
        print_table(out, headers, cells, io_.color);
      }
      total += static_cast<long>(cells.size());
      cells.clear();
    }
    if (!page.paging_state) break;
    if (interactive_pages) {
      out << "---MORE---" << std::flush;
      const int key = io_.editor->read_key();
      out << "\r\x1b[K" << std::flush;
      if (key == 'q' || key == 'Q' || key == 3 || key == 4 || key < 0) break;
    }
    const Response r = send_query(text, paging_ ? page_size_ : 5000, page.paging_state);
    if (r.is_error()) {
      report_response(r);
      return false;
    }
    try {
      page = client::decode_rows(r.body);
    } catch (const common::CqlError& e) {
      report(std::string("ProtocolError: ") + e.what());
      return false;
    }
  }
  if (describe || cluster) {
    show_describe(all);
    return true;
  }
  if (!interactive_pages) {
    if (expand_) {
      print_vertical(out, headers, cells, 1, io_.color);
    } else {
      print_table(out, headers, cells, io_.color);
    }
    total = static_cast<long>(cells.size());
  }
  print_row_count(out, total);
  return true;
}

void Shell::show_describe(const client::RowsResult& rows) {
  std::ostream& out = *io_.out;
  const int stmt = column_index(rows, "create_statement");
  if (stmt >= 0) {
    for (const auto& row : rows.rows) out << '\n' << text_cell(row, stmt) << '\n';
    out << '\n';
    return;
  }
  const int partitioner = column_index(rows, "partitioner");
  if (partitioner >= 0) {
    for (const auto& row : rows.rows) {
      out << "\nCluster: " << text_cell(row, column_index(rows, "cluster"))
          << "\nPartitioner: " << text_cell(row, partitioner)
          << "\nSnitch: " << text_cell(row, column_index(rows, "snitch")) << "\n\n";
    }
    return;
  }
  const int ks = column_index(rows, "keyspace_name");
  const int type = column_index(rows, "type");
  const int name = column_index(rows, "name");
  bool keyspaces_only = true;
  std::map<std::string, std::vector<std::string>> by_keyspace;
  std::vector<std::string> order;
  for (const auto& row : rows.rows) {
    if (text_cell(row, type) != "keyspace") keyspaces_only = false;
    const std::string k = text_cell(row, ks);
    if (!by_keyspace.count(k)) order.push_back(k);
    by_keyspace[k].push_back(text_cell(row, name));
  }
  out << '\n';
  if (keyspaces_only) {
    print_names(out, order, 80);
    out << '\n';
    return;
  }
  for (const auto& k : order) {
    out << "Keyspace " << k << '\n' << std::string(9 + k.size(), '-') << '\n';
    print_names(out, by_keyspace[k], 80);
    out << '\n';
  }
  if (order.empty()) out << "<empty>\n\n";
}

bool Shell::run_script(std::istream& in, const std::string& source) {
  StatementSplitter splitter;
  std::vector<Statement> statements;
  std::string line;
  bool ok = true;
  while (!exit_requested_ && std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    statements.clear();
    splitter.feed_line(line, statements);
    for (const auto& st : statements) {
      if (!execute(st, source)) ok = false;
      if (exit_requested_) break;
    }
  }
  Statement last;
  if (!exit_requested_ && splitter.finish(last) && !execute(last, source)) ok = false;
  return ok;
}

bool Shell::run_interactive() {
  StatementSplitter splitter;
  std::vector<Statement> statements;
  bool ok = true;
  while (!exit_requested_) {
    std::string line;
    const auto result = io_.editor->read_line(splitter.pending() ? "   ... " : prompt(), line);
    if (result == LineEditor::Result::kEof) break;
    if (result == LineEditor::Result::kInterrupted) {
      splitter.reset();
      continue;
    }
    if (io_.history != nullptr) io_.history->add(line);
    statements.clear();
    splitter.feed_line(line, statements);
    for (const auto& st : statements) {
      if (!execute(st, "")) ok = false;
      if (exit_requested_) break;
    }
  }
  return ok;
}

int run(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  ShellOptions options;
  if (auto err = parse_shell_options(args, std::getenv("CQLSH_HOST"), std::getenv("CQLSH_PORT"), options);
      !err.empty()) {
    std::cerr << "krill cql: " << err << "\n\n" << shell_usage();
    return 1;
  }
  if (options.help) {
    std::cout << shell_usage();
    return 0;
  }
  if (options.version) {
    std::cout << "krill cql " << KRILL_VERSION << "\n";
    return 0;
  }
  std::signal(SIGPIPE, SIG_IGN);
  const bool script = options.has_execute || !options.file.empty();
  const bool interactive = !script && (options.force_tty || isatty(STDIN_FILENO));
  const bool terminal = interactive && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);

  SessionSettings settings;
  settings.host = options.host;
  settings.port = options.port;
  settings.connect_timeout = std::chrono::milliseconds(static_cast<long>(options.connect_timeout * 1000));
  settings.request_timeout = std::chrono::milliseconds(static_cast<long>(options.request_timeout * 1000));
  Session session(settings);
  if (const std::string err = session.connect(); !err.empty()) {
    std::cerr << "Connection error: Unable to connect to " << options.host << ':' << options.port << ": "
              << err << "\n";
    return 1;
  }

  std::string history_path = options.history_file;
  if (history_path.empty()) {
    const char* home = std::getenv("HOME");
    if (home != nullptr && *home != '\0') history_path = std::string(home) + "/.krill_cql_history";
  }
  if (history_path == "-") history_path.clear();
  History history(history_path, options.history_size);
  LineEditor editor(STDIN_FILENO, STDOUT_FILENO, history);

  ShellIo io;
  io.out = &std::cout;
  io.err = &std::cerr;
  io.interactive = interactive;
  io.color = options.force_color || (!options.no_color && terminal);
  if (terminal) {
    io.editor = &editor;
    io.history = &history;
  }
  Shell shell(session, io, options);
  if (!options.keyspace.empty()) {
    Statement use{"USE " + options.keyspace, 0};
    if (!shell.execute(use, script || !interactive ? "<stdin>" : "")) return 2;
  }
  bool ok = true;
  if (options.has_execute) {
    std::istringstream in(options.execute);
    ok = shell.run_script(in, "<stdin>");
  } else if (!options.file.empty()) {
    std::ifstream in(options.file);
    if (!in) {
      std::cerr << "Can't open '" << options.file << "': " << std::strerror(errno) << "\n";
      return 1;
    }
    ok = shell.run_script(in, options.file);
  } else if (terminal) {
    history.load();
    shell.print_banner();
    ok = shell.run_interactive();
    history.save();
  } else {
    ok = shell.run_script(std::cin, interactive ? "" : "<stdin>");
  }
  std::cout.flush();
  return ok || terminal ? 0 : 2;
}

}  // namespace krill::tools::shell
