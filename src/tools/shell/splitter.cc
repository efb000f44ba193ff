// Statement splitting (see splitter.h).
#include "tools/shell/splitter.h"

#include <array>
#include <cctype>

namespace krill::tools::shell {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool blank(std::string_view s) { return trim(s).empty(); }

}  // namespace

std::string first_word(std::string_view text) {
  text = trim(text);
  std::string word;
  for (char c : text) {
    if (!std::isalpha(static_cast<unsigned char>(c)) && c != '_' && c != '?') break;
    word.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return word;
}

bool is_shell_command(std::string_view word) {
  static constexpr std::array<std::string_view, 16> kCommands{
      "HELP",    "?",      "EXIT",   "QUIT",   "CLEAR", "CLS",      "CONSISTENCY", "SERIAL",
      "TRACING", "PAGING", "EXPAND", "SOURCE", "SHOW",  "DESCRIBE", "DESC",        "COPY"};
  for (std::string_view c : kCommands) {
    if (c == word) return true;
  }
  return false;
}

void StatementSplitter::emit(std::vector<Statement>& out) {
  std::string_view text = trim(buffer_);
  if (!text.empty()) out.push_back(Statement{std::string(text), start_line_});
  buffer_.clear();
  start_line_ = 0;
}

void StatementSplitter::feed_line(std::string_view line, std::vector<Statement>& out) {
  ++line_;
  if (!buffer_.empty() || state_ != State::kNormal) buffer_.push_back('\n');
  const size_t n = line.size();
  for (size_t i = 0; i < n; ++i) {
    const char c = line[i];
    const char next = i + 1 < n ? line[i + 1] : '\0';
    switch (state_) {
      case State::kNormal:
        if ((c == '-' && next == '-') || (c == '/' && next == '/')) {
          i = n;  // a line comment: the rest of the line is dropped
          continue;
        }
        if (c == '/' && next == '*') {
          state_ = State::kBlockComment;
          ++i;
          buffer_.push_back(' ');
          continue;
        }
        if (c == ';') {
          emit(out);
          continue;
        }
        if (start_line_ == 0 && !std::isspace(static_cast<unsigned char>(c))) start_line_ = line_;
        if (c == '\'') state_ = State::kSingle;
        if (c == '"') state_ = State::kDouble;
        if (c == '$' && next == '$') {
          state_ = State::kDollar;
          buffer_.push_back(c);
          ++i;
        }
        buffer_.push_back(c);
        break;
      case State::kSingle:
      case State::kDouble: {
        const char quote = state_ == State::kSingle ? '\'' : '"';
        buffer_.push_back(c);
        if (c == quote) {
          if (next == quote) {  // a doubled quote stays inside
            buffer_.push_back(next);
            ++i;
          } else {
            state_ = State::kNormal;
          }
        }
        break;
      }
      case State::kDollar:
        buffer_.push_back(c);
        if (c == '$' && next == '$') {
          buffer_.push_back(next);
          ++i;
          state_ = State::kNormal;
        }
        break;
      case State::kBlockComment:
        if (c == '*' && next == '/') {
          state_ = State::kNormal;
          ++i;
        }
        break;
    }
  }
  // Shell commands end with their line.
  if (state_ == State::kNormal && start_line_ == line_ && is_shell_command(first_word(buffer_))) emit(out);
  if (state_ == State::kNormal && blank(buffer_)) {
    buffer_.clear();
    start_line_ = 0;
  }
}

bool StatementSplitter::pending() const { return state_ != State::kNormal || !blank(buffer_); }

bool StatementSplitter::finish(Statement& out) {
  std::vector<Statement> done;
  const bool in_comment = state_ == State::kBlockComment;
  state_ = State::kNormal;
  if (!in_comment || !blank(buffer_)) emit(done);
  buffer_.clear();
  start_line_ = 0;
  if (done.empty()) return false;
  out = std::move(done.front());
  return true;
}

void StatementSplitter::reset() {
  buffer_.clear();
  state_ = State::kNormal;
  start_line_ = 0;
}

}  // namespace krill::tools::shell
