// The shell's state machine, shared by shell.cc (statement loop, CQL, results),
// commands.cc (CONSISTENCY, PAGING, SOURCE, ...), copy_from.cc and copy_to.cc.
// Internal to krill_tools_shell; the public entry point is shell.h.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "tools/client/results.h"
#include "tools/shell/copy.h"
#include "tools/shell/line_editor.h"
#include "tools/shell/options.h"
#include "tools/shell/session.h"
#include "tools/shell/splitter.h"

namespace krill::tools::shell {

// Where output goes and how it looks.
struct ShellIo {
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
  bool interactive = false;  // prompts, ---MORE--- paging, progress lines
  bool color = false;
  LineEditor* editor = nullptr;  // set when interactive on a terminal
  History* history = nullptr;    // lines typed interactively are added here
};

// What system.local says about the node (SHOW VERSION / SHOW HOST / the banner).
struct NodeDescription {
  std::string cluster_name;
  std::string release_version;
  std::string cql_version;
};

// A column of a table as system_schema.columns describes it.
struct TableColumn {
  std::string name;
  std::string kind;  // partition_key, clustering, regular, static
  int position = 0;
  std::string type;  // CQL spelling
};

class Shell {
 public:
  Shell(Session& session, ShellIo io, const ShellOptions& options);

  // Runs one statement read from `source` ("" when typed interactively). False on failure.
  bool execute(const Statement& statement, const std::string& source);
  // Runs every statement of `in` (SOURCE, -f, piped stdin). False when any failed.
  bool run_script(std::istream& in, const std::string& source);
  // The interactive loop on the line editor. False when any statement failed.
  bool run_interactive();

  bool exit_requested() const { return exit_requested_; }
  std::string prompt() const;
  void print_banner();

 private:
  // Errors: printed to err, prefixed with "<source>:<line>:" outside interactive typing.
  void report(const std::string& message);
  void report_response(const Response& response);
  bool ensure_connected();
  Response send_query(const std::string& cql, int32_t page_size,
                      const std::optional<common::Bytes>& paging_state);

  bool run_cql(const std::string& text);
  bool show_rows(const std::string& text, client::RowsResult first);
  void show_describe(const client::RowsResult& rows);
  // "" or the error.
  std::string describe_node(NodeDescription& out);

  // commands.cc
  bool run_command(const std::string& word, const std::string& text, bool& handled);
  bool cmd_consistency(const std::vector<std::string>& args, bool serial);
  bool cmd_on_off(const std::vector<std::string>& args, const char* name, bool& flag);
  bool cmd_paging(const std::vector<std::string>& args);
  bool cmd_source(const std::string& text);
  bool cmd_show(const std::vector<std::string>& args);
  void cmd_help(const std::vector<std::string>& args);

  // copy_from.cc / copy_to.cc
  bool cmd_copy(const std::string& text);
  bool copy_from(const CopyStatement& st, const CopyOptions& options,
                 const std::vector<TableColumn>& columns);
  bool copy_to(const CopyStatement& st, const CopyOptions& options, const std::vector<TableColumn>& columns);
  // Reads a table's columns (SELECT * order); "" or the error.
  std::string table_columns(const std::string& keyspace, const std::string& table,
                            std::vector<TableColumn>& out);

  Session& session_;
  ShellIo io_;
  const ShellOptions& options_;
  client::Consistency consistency_ = client::Consistency::kOne;
  client::Consistency serial_consistency_ = client::Consistency::kSerial;
  bool paging_ = true;
  int32_t page_size_ = 100;
  bool expand_ = false;
  bool tracing_ = false;
  std::string keyspace_;
  bool exit_requested_ = false;
  int source_depth_ = 0;
  // Where the running statement came from, for error prefixes.
  std::string source_;
  int line_ = 0;
};

// Splits a shell command's arguments on blanks (a trailing ';' removed).
std::vector<std::string> command_args(const std::string& text);

}  // namespace krill::tools::shell
