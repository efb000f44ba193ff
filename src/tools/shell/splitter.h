// Splits shell input into statements, one line at a time.
//
// A CQL statement ends at a ';' that is outside a 'string', a "quoted identifier", a
// $$dollar string$$ and a comment (-- or // to the end of the line, /* block */). Shell
// commands that cqlsh runs without a ';' (HELP, EXIT, QUIT, CLEAR, CLS, CONSISTENCY,
// SERIAL, TRACING, PAGING, EXPAND, SOURCE, SHOW, DESCRIBE/DESC, COPY) also end at the end
// of their first line. Pure logic, no I/O; not thread-safe (one splitter per input).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace krill::tools::shell {

struct Statement {
  std::string text;  // without comments and the terminating ';', blanks trimmed at both ends
  int line = 0;      // 1-based input line where the statement starts
};

class StatementSplitter {
 public:
  // Feeds one input line (without its newline) and appends every statement it completes.
  void feed_line(std::string_view line, std::vector<Statement>& out);
  // True when a statement has started but not ended (the shell shows the continuation prompt).
  bool pending() const;
  // The unfinished statement at the end of the input, if any (scripts whose last statement
  // lacks its ';' still run it, as cqlsh does).
  bool finish(Statement& out);
  // Drops the unfinished statement (Ctrl-C).
  void reset();
  int line_number() const { return line_; }

 private:
  enum class State { kNormal, kSingle, kDouble, kDollar, kBlockComment };
  void emit(std::vector<Statement>& out);

  std::string buffer_;
  State state_ = State::kNormal;
  int line_ = 0;
  int start_line_ = 0;
};

// The first word of a statement, upper-cased ("SELECT", "COPY"); "" when there is none.
std::string first_word(std::string_view text);

// True when `word` (upper case) names a shell command that needs no ';'.
bool is_shell_command(std::string_view word);

}  // namespace krill::tools::shell
