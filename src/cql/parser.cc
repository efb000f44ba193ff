// Public parser API, token helpers, error reporting, names and split_statements.
#include "cql/parser.h"

#include "common/error.h"
#include "cql/parser_internal.h"

namespace krill::cql {
namespace internal {

Parser::DepthGuard::DepthGuard(Parser& p) : p_(p) {
  if (++p_.depth_ > p_.limits_.max_nesting) {
    --p_.depth_;
    p_.fail_at(p_.peek(), "nesting too deep (limit " + std::to_string(p_.limits_.max_nesting) + ")");
  }
}

Parser::DepthGuard::~DepthGuard() { --p_.depth_; }

Parser::Parser(std::string_view input, const ParserLimits& limits)
    : input_(input), tokens_(tokenize(input)), limits_(limits) {}

ParsedStatement Parser::parse_single() {
  ParsedStatement out;
  out.statement = parse_statement_body();
  while (accept(TokenKind::kSemicolon)) {
  }
  if (!at(TokenKind::kEnd)) fail_at(peek(), "extraneous input " + token_display(peek()) + " expecting <EOF>");
  out.bind_count = static_cast<int>(bind_names_.size());
  out.bind_names = std::move(bind_names_);
  return out;
}

Statement Parser::parse_statement_body() {
  if (at_kw("select")) return parse_select();
  if (at_kw("insert")) return parse_insert();
  if (at_kw("update")) return parse_update();
  if (at_kw("delete")) return parse_delete();
  if (at_kw("begin")) return parse_batch();
  if (at_kw("use")) return parse_use();
  if (at_kw("create")) return parse_create();
  if (at_kw("alter")) return parse_alter();
  if (at_kw("drop")) return parse_drop();
  if (at_kw("truncate")) return parse_truncate();
  if (at_kw("describe") || at_kw("desc")) return parse_describe();
  fail_no_viable();
}

// ---- tokens and errors

const Token& Parser::peek(size_t ahead) const {
  size_t i = pos_ + ahead;
  return i < tokens_.size() ? tokens_[i] : tokens_.back();
}

const Token& Parser::advance() {
  const Token& t = tokens_[pos_];
  if (pos_ + 1 < tokens_.size()) ++pos_;
  return t;
}

bool Parser::at_kw(std::string_view keyword, size_t ahead) const {
  const Token& t = peek(ahead);
  return t.kind == TokenKind::kIdent && iequals(t.text, keyword);
}

bool Parser::accept(TokenKind kind) {
  if (!at(kind)) return false;
  advance();
  return true;
}

bool Parser::accept_kw(std::string_view keyword) {
  if (!at_kw(keyword)) return false;
  advance();
  return true;
}

void Parser::expect(TokenKind kind) {
  if (!accept(kind)) fail_mismatch(token_kind_name(kind));
}

void Parser::expect_kw(std::string_view keyword) {
  if (!accept_kw(keyword)) fail_mismatch(to_upper_ascii(keyword));
}

std::string Parser::token_display(const Token& t) const {
  if (t.kind == TokenKind::kEnd) return "'<EOF>'";
  constexpr size_t kMaxShown = 60;
  std::string_view raw = input_.substr(t.offset, t.length);
  std::string out = "'";
  out.append(raw.substr(0, kMaxShown));
  if (raw.size() > kMaxShown) out += "...";
  out += '\'';
  return out;
}

void Parser::fail_at(const Token& t, const std::string& message) const {
  common::throw_syntax("line " + std::to_string(t.line) + ":" + std::to_string(t.column) + " " + message);
}

void Parser::fail_mismatch(std::string_view expected) const {
  fail_at(peek(), "mismatched input " + token_display(peek()) + " expecting " + std::string(expected));
}

void Parser::fail_no_viable() const {
  fail_at(peek(), "no viable alternative at input " + token_display(peek()));
}

// ---- names

bool Parser::at_name(size_t ahead) const {
  const Token& t = peek(ahead);
  return t.kind == TokenKind::kQuotedIdent || (t.kind == TokenKind::kIdent && !is_reserved_keyword(t.text));
}

std::string Parser::parse_name(std::string_view what) {
  if (!at_name()) fail_mismatch(what);
  const Token& t = advance();
  return t.kind == TokenKind::kQuotedIdent ? t.text : to_lower_ascii(t.text);
}

QualifiedName Parser::parse_qualified_name(std::string_view what) {
  QualifiedName q;
  q.name = parse_name(what);
  if (accept(TokenKind::kDot)) {
    q.keyspace = std::move(q.name);
    q.name = parse_name(what);
  }
  return q;
}

namespace {
// Reserved words that may still name a function.
bool is_function_keyword(const Token& t) { return t.kind == TokenKind::kIdent && iequals(t.text, "token"); }
}  // namespace

bool Parser::at_function_call(size_t ahead) const {
  if (!at_name(ahead) && !is_function_keyword(peek(ahead))) return false;
  if (at(TokenKind::kLParen, ahead + 1)) return true;
  return at(TokenKind::kDot, ahead + 1) && (at_name(ahead + 2) || is_function_keyword(peek(ahead + 2))) &&
         at(TokenKind::kLParen, ahead + 3);
}

std::string Parser::parse_function_name() {
  auto part = [this]() {
    if (is_function_keyword(peek())) return to_lower_ascii(advance().text);
    return parse_name("function name");
  };
  std::string name = part();
  if (accept(TokenKind::kDot)) {
    name += '.';
    name += part();
  }
  return name;
}

bool Parser::parse_if_not_exists() {
  if (!accept_kw("if")) return false;
  expect_kw("not");
  expect_kw("exists");
  return true;
}

bool Parser::parse_if_exists() {
  if (!accept_kw("if")) return false;
  expect_kw("exists");
  return true;
}

}  // namespace internal

ParsedStatement parse_statement(std::string_view cql, const ParserLimits& limits) {
  internal::Parser parser(cql, limits);
  return parser.parse_single();
}

namespace {

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Scans a script statement by statement. A statement that starts with BEGIN is a batch:
// its inner ';'s do not end it, only a ';' right after APPLY BATCH does.
class Splitter {
 public:
  explicit Splitter(std::string_view s) : s_(s) {}

  std::vector<std::string> run() {
    while (i_ < s_.size()) step();
    flush(s_.size());
    return std::move(out_);
  }

 private:
  void step() {
    const char c = s_[i_];
    const char next = i_ + 1 < s_.size() ? s_[i_ + 1] : '\0';
    if (is_space(c)) {
      ++i_;
    } else if ((c == '-' && next == '-') || (c == '/' && next == '/')) {
      size_t end = s_.find('\n', i_);
      i_ = end == std::string_view::npos ? s_.size() : end + 1;
    } else if (c == '/' && next == '*') {
      size_t end = s_.find("*/", i_ + 2);
      i_ = end == std::string_view::npos ? s_.size() : end + 2;
    } else if (c == '\'' || c == '"') {
      skip_quoted(c);
      note_token("");
    } else if (c == '$' && next == '$') {
      size_t end = s_.find("$$", i_ + 2);
      i_ = end == std::string_view::npos ? s_.size() : end + 2;
      note_token("");
    } else if (c == ';') {
      if (!in_batch_ || (iequals(prev_, "apply") && iequals(last_, "batch"))) {
        flush(i_);
        start_ = i_ + 1;
      } else {
        note_token(";");
      }
      ++i_;
    } else if (is_word_char(c)) {
      size_t end = i_;
      while (end < s_.size() && is_word_char(s_[end])) ++end;
      std::string_view word = s_.substr(i_, end - i_);
      if (!has_content_) in_batch_ = iequals(word, "begin");
      note_token(word);
      i_ = end;
    } else {
      note_token(std::string_view(&s_[i_], 1));
      ++i_;
    }
  }

  void skip_quoted(char q) {
    size_t p = i_ + 1;
    for (;;) {
      size_t end = s_.find(q, p);
      if (end == std::string_view::npos) {
        i_ = s_.size();
        return;
      }
      if (end + 1 < s_.size() && s_[end + 1] == q) {
        p = end + 2;
        continue;
      }
      i_ = end + 1;
      return;
    }
  }

  void note_token(std::string_view text) {
    has_content_ = true;
    prev_ = last_;
    last_ = text;
  }

  void flush(size_t end) {
    if (has_content_) {
      size_t b = start_;
      size_t e = end;
      while (b < e && is_space(s_[b])) ++b;
      while (e > b && is_space(s_[e - 1])) --e;
      out_.emplace_back(s_.substr(b, e - b));
    }
    has_content_ = false;
    in_batch_ = false;
    prev_ = last_ = {};
  }

  std::string_view s_;
  size_t i_ = 0;
  size_t start_ = 0;
  bool has_content_ = false;
  bool in_batch_ = false;
  std::string_view prev_, last_;
  std::vector<std::string> out_;
};

}  // namespace

std::vector<std::string> split_statements(std::string_view script) { return Splitter(script).run(); }

}  // namespace krill::cql
