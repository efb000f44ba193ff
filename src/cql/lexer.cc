#include "cql/lexer.h"

#include <algorithm>
#include <iterator>

#include "common/error.h"

namespace krill::cql {
namespace {

// Keywords that cannot be used as unquoted names (CQL reference, appendix A), plus the
// literal words true/false that Cassandra's lexer turns into boolean tokens. "entries" and
// "full" are deliberately left out: they are only keywords inside CREATE INDEX targets and
// DESCRIBE FULL SCHEMA, where the parser recognises them by position.
constexpr std::string_view kReservedKeywords[] = {
    "add",      "allow",    "alter",        "and",    "apply",  "asc",     "authorize",   "batch",
    "begin",    "by",       "columnfamily", "create", "delete", "desc",    "describe",    "drop",
    "execute",  "false",    "from",         "grant",  "if",     "in",      "index",       "infinity",
    "insert",   "into",     "keyspace",     "limit",  "modify", "nan",     "norecursive", "not",
    "null",     "of",       "on",           "or",     "order",  "primary", "rename",      "replace",
    "revoke",   "schema",   "select",       "set",    "table",  "to",      "token",       "true",
    "truncate", "unlogged", "update",       "use",    "using",  "view",    "where",       "with"};
static_assert(std::is_sorted(std::begin(kReservedKeywords), std::end(kReservedKeywords)));

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_ident_char(char c) { return is_letter(c) || is_digit(c) || c == '_'; }
char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

class Lexer {
 public:
  explicit Lexer(std::string_view in) : in_(in) {}

  std::vector<Token> run() {
    std::vector<Token> out;
    for (;;) {
      skip_space_and_comments();
      if (pos_ >= in_.size()) {
        mark_start();
        out.push_back(make(TokenKind::kEnd, pos_, ""));
        out.back().length = 0;
        return out;
      }
      out.push_back(next_token());
    }
  }

 private:
  char at(size_t i) const { return i < in_.size() ? in_[i] : '\0'; }

  // Advances over [pos_, end), keeping line/column bookkeeping for newlines.
  void advance_to(size_t end) {
    for (; pos_ < end; ++pos_) {
      if (in_[pos_] == '\n') {
        ++line_;
        line_start_ = pos_ + 1;
      }
    }
  }

  Token make(TokenKind kind, size_t start, std::string text) const {
    Token t;
    t.kind = kind;
    t.text = std::move(text);
    t.offset = start;
    t.length = pos_ - start;
    t.line = tok_line_;
    t.column = tok_column_;
    return t;
  }

  [[noreturn]] void fail(const std::string& what) const {
    common::throw_syntax("line " + std::to_string(tok_line_) + ":" + std::to_string(tok_column_) + " " +
                         what);
  }

  void skip_space_and_comments() {
    while (pos_ < in_.size()) {
      char c = in_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        advance_to(pos_ + 1);
      } else if ((c == '-' && at(pos_ + 1) == '-') || (c == '/' && at(pos_ + 1) == '/')) {
        size_t end = in_.find('\n', pos_);
        advance_to(end == std::string_view::npos ? in_.size() : end);
      } else if (c == '/' && at(pos_ + 1) == '*') {
        mark_start();
        size_t end = in_.find("*/", pos_ + 2);
        if (end == std::string_view::npos) fail("unterminated comment");
        advance_to(end + 2);
      } else {
        return;
      }
    }
  }

  void mark_start() {
    tok_line_ = line_;
    tok_column_ = static_cast<int>(pos_ - line_start_);
  }

  Token next_token() {
    mark_start();
    const size_t start = pos_;
    const char c = in_[pos_];
    if (is_hex(c)) {
      if (size_t n = match_uuid(start)) {
        advance_to(start + n);
        return make(TokenKind::kUuid, start, std::string(in_.substr(start, n)));
      }
    }
    if (is_digit(c)) return number(start);
    if (is_letter(c)) {
      if (upper(c) == 'P') {
        if (size_t n = match_iso_duration(start)) {
          advance_to(start + n);
          return make(TokenKind::kDuration, start, std::string(in_.substr(start, n)));
        }
      }
      size_t end = start;
      while (end < in_.size() && is_ident_char(in_[end])) ++end;
      advance_to(end);
      return make(TokenKind::kIdent, start, std::string(in_.substr(start, end - start)));
    }
    if (c == '\'') return quoted(start, '\'', TokenKind::kString, "string literal");
    if (c == '"') return quoted(start, '"', TokenKind::kQuotedIdent, "quoted identifier");
    if (c == '$' && at(start + 1) == '$') {
      size_t end = in_.find("$$", start + 2);
      if (end == std::string_view::npos) fail("unterminated $$ string literal");
      advance_to(end + 2);
      return make(TokenKind::kString, start, std::string(in_.substr(start + 2, end - start - 2)));
    }
    return punctuation(start);
  }

  Token punctuation(size_t start) {
    struct Sym {
      std::string_view text;
      TokenKind kind;
    };
    // Two-character symbols first.
    static constexpr Sym kSymbols[] = {
        {"!=", TokenKind::kNeq},      {"<=", TokenKind::kLe},      {">=", TokenKind::kGe},
        {"+=", TokenKind::kPlusEq},   {"-=", TokenKind::kMinusEq}, {"(", TokenKind::kLParen},
        {")", TokenKind::kRParen},    {"[", TokenKind::kLBracket}, {"]", TokenKind::kRBracket},
        {"{", TokenKind::kLBrace},    {"}", TokenKind::kRBrace},   {",", TokenKind::kComma},
        {";", TokenKind::kSemicolon}, {".", TokenKind::kDot},      {"*", TokenKind::kStar},
        {"=", TokenKind::kEq},        {"<", TokenKind::kLt},       {">", TokenKind::kGt},
        {"+", TokenKind::kPlus},      {"-", TokenKind::kMinus},    {"?", TokenKind::kQMark},
        {":", TokenKind::kColon},     {"/", TokenKind::kSlash},    {"%", TokenKind::kPercent},
    };
    for (const Sym& s : kSymbols) {
      if (in_.substr(start, s.text.size()) == s.text) {
        advance_to(start + s.text.size());
        return make(s.kind, start, std::string(s.text));
      }
    }
    unsigned char uc = static_cast<unsigned char>(in_[start]);
    std::string shown = (uc >= 0x20 && uc < 0x7f) ? std::string(1, in_[start]) : "\\x" + hex_byte(uc);
    fail("token recognition error at: '" + shown + "'");
  }

  static std::string hex_byte(unsigned char b) {
    static constexpr char kDigits[] = "0123456789abcdef";
    return {kDigits[b >> 4], kDigits[b & 15]};
  }

  // 'text' or "name": the closing quote doubled is an escaped quote.
  Token quoted(size_t start, char q, TokenKind kind, const char* what) {
    std::string text;
    size_t i = start + 1;
    for (;;) {
      size_t end = in_.find(q, i);
      if (end == std::string_view::npos) fail(std::string("unterminated ") + what);
      text.append(in_.substr(i, end - i));
      if (at(end + 1) == q) {
        text.push_back(q);
        i = end + 2;
        continue;
      }
      advance_to(end + 1);
      break;
    }
    if (kind == TokenKind::kQuotedIdent && text.empty()) fail("empty quoted identifier \"\"");
    return make(kind, start, std::move(text));
  }

  // Length of an 8-4-4-4-12 hex uuid at `i` not followed by a name character, or 0.
  size_t match_uuid(size_t i) const {
    static constexpr int kGroups[] = {8, 4, 4, 4, 12};
    size_t p = i;
    for (int g = 0; g < 5; ++g) {
      if (g > 0) {
        if (at(p) != '-') return 0;
        ++p;
      }
      for (int k = 0; k < kGroups[g]; ++k, ++p) {
        if (!is_hex(at(p))) return 0;
      }
    }
    return is_ident_char(at(p)) ? 0 : p - i;
  }

  // Digits at `p`; returns the position after them.
  size_t digits(size_t p) const {
    while (is_digit(at(p))) ++p;
    return p;
  }

  // ISO 8601 duration at `i` (which holds 'P'): P[nY][nM][nD][T[nH][nM][nS]], PnW, or
  // Pyyyy-mm-ddThh:mm:ss. Returns its length, or 0 when the word is not one.
  size_t match_iso_duration(size_t i) const {
    // Alternative format.
    {
      size_t p = i + 1;
      auto fixed = [&](int n) {
        for (int k = 0; k < n; ++k, ++p) {
          if (!is_digit(at(p))) return false;
        }
        return true;
      };
      if (fixed(4) && at(p++) == '-' && fixed(2) && at(p++) == '-' && fixed(2) && upper(at(p++)) == 'T' &&
          fixed(2) && at(p++) == ':' && fixed(2) && at(p++) == ':' && fixed(2) && !is_ident_char(at(p))) {
        return p - i;
      }
    }
    size_t p = i + 1;
    bool any = false;
    auto component = [&](char unit) {
      size_t e = digits(p);
      if (e > p && upper(at(e)) == unit) {
        p = e + 1;
        any = true;
        return true;
      }
      return false;
    };
    if (component('W')) return is_ident_char(at(p)) ? 0 : p - i;
    component('Y');
    component('M');
    component('D');
    if (upper(at(p)) == 'T') {
      ++p;
      bool time = component('H');
      time = component('M') || time;
      time = component('S') || time;
      if (!time) return 0;
    }
    if (!any || is_ident_char(at(p))) return 0;
    return p - i;
  }

  // Length of a unit of a "1h30m" style duration at `p`, or 0.
  size_t duration_unit(size_t p) const {
    // Micro sign (U+00B5) and Greek small mu (U+03BC), UTF-8 encoded, followed by s.
    if ((in_.substr(p, 2) == "\xC2\xB5" || in_.substr(p, 2) == "\xCE\xBC") && upper(at(p + 2)) == 'S') {
      return 3;
    }
    char a = upper(at(p));
    char b = upper(at(p + 1));
    if (!is_letter(at(p + 2)) && ((a == 'M' && b == 'O') || (a == 'M' && b == 'S') ||
                                  (a == 'U' && b == 'S') || (a == 'N' && b == 'S'))) {
      return 2;
    }
    if (!is_letter(at(p + 1)) && (a == 'Y' || a == 'W' || a == 'D' || a == 'H' || a == 'M' || a == 'S')) {
      return 1;
    }
    return 0;
  }

  // Length of a (digits unit)+ duration at `i`, or 0.
  size_t match_unit_duration(size_t i) const {
    size_t p = i;
    bool any = false;
    for (;;) {
      size_t e = digits(p);
      if (e == p) break;
      size_t u = duration_unit(e);
      if (u == 0) return 0;
      p = e + u;
      any = true;
    }
    if (!any || is_ident_char(at(p))) return 0;
    return p - i;
  }

  Token number(size_t start) {
    if (in_[start] == '0' && upper(at(start + 1)) == 'X') {
      size_t end = start + 2;
      while (is_hex(at(end))) ++end;
      advance_to(end);
      return make(TokenKind::kHex, start, std::string(in_.substr(start + 2, end - start - 2)));
    }
    size_t end = digits(start);
    if (is_letter(at(end)) || static_cast<unsigned char>(at(end)) >= 0x80) {
      if (size_t n = match_unit_duration(start)) {
        advance_to(start + n);
        return make(TokenKind::kDuration, start, std::string(in_.substr(start, n)));
      }
    }
    bool is_float = false;
    if (at(end) == '.') {
      is_float = true;
      end = digits(end + 1);
    }
    if (upper(at(end)) == 'E') {
      size_t p = end + 1;
      if (at(p) == '+' || at(p) == '-') ++p;
      if (is_digit(at(p))) {
        is_float = true;
        end = digits(p);
      }
    }
    advance_to(end);
    return make(is_float ? TokenKind::kFloat : TokenKind::kInteger, start,
                std::string(in_.substr(start, end - start)));
  }

  std::string_view in_;
  size_t pos_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
  int tok_line_ = 1;
  int tok_column_ = 0;
};

}  // namespace

std::vector<Token> tokenize(std::string_view input) { return Lexer(input).run(); }

std::string_view token_kind_name(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEnd:
      return "<EOF>";
    case TokenKind::kIdent:
      return "identifier";
    case TokenKind::kQuotedIdent:
      return "quoted identifier";
    case TokenKind::kString:
      return "string";
    case TokenKind::kInteger:
      return "integer";
    case TokenKind::kFloat:
      return "float";
    case TokenKind::kUuid:
      return "uuid";
    case TokenKind::kHex:
      return "blob";
    case TokenKind::kDuration:
      return "duration";
    case TokenKind::kLParen:
      return "'('";
    case TokenKind::kRParen:
      return "')'";
    case TokenKind::kLBracket:
      return "'['";
    case TokenKind::kRBracket:
      return "']'";
    case TokenKind::kLBrace:
      return "'{'";
    case TokenKind::kRBrace:
      return "'}'";
    case TokenKind::kComma:
      return "','";
    case TokenKind::kSemicolon:
      return "';'";
    case TokenKind::kDot:
      return "'.'";
    case TokenKind::kStar:
      return "'*'";
    case TokenKind::kEq:
      return "'='";
    case TokenKind::kNeq:
      return "'!='";
    case TokenKind::kLt:
      return "'<'";
    case TokenKind::kLe:
      return "'<='";
    case TokenKind::kGt:
      return "'>'";
    case TokenKind::kGe:
      return "'>='";
    case TokenKind::kPlus:
      return "'+'";
    case TokenKind::kMinus:
      return "'-'";
    case TokenKind::kPlusEq:
      return "'+='";
    case TokenKind::kMinusEq:
      return "'-='";
    case TokenKind::kQMark:
      return "'?'";
    case TokenKind::kColon:
      return "':'";
    case TokenKind::kSlash:
      return "'/'";
    case TokenKind::kPercent:
      return "'%'";
  }
  return "token";
}

std::string to_lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string to_upper_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = upper(c);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool is_reserved_keyword(std::string_view word) {
  if (word.size() > 16) return false;
  std::string lower = to_lower_ascii(word);
  return std::binary_search(std::begin(kReservedKeywords), std::end(kReservedKeywords),
                            std::string_view(lower));
}

}  // namespace krill::cql
