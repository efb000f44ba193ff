// COPY statement and option parsing (see copy.h).
#include "tools/shell/copy.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <set>

namespace krill::tools::shell {

namespace {

struct Token {
  enum Kind { kWord, kQuotedName, kString, kPunct, kEnd } kind = kEnd;
  std::string text;
};

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Splits the statement into tokens; "" or an error.
std::string tokenize(std::string_view s, std::vector<Token>& out) {
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '\'' || c == '"') {
      Token t{c == '\'' ? Token::kString : Token::kQuotedName, ""};
      ++i;
      for (;;) {
        if (i >= s.size()) return std::string("unterminated ") + (c == '\'' ? "string" : "quoted name");
        if (s[i] == c) {
          if (i + 1 < s.size() && s[i + 1] == c) {
            t.text.push_back(c);
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        t.text.push_back(s[i++]);
      }
      out.push_back(std::move(t));
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '+') {
      const bool number = !std::isalpha(static_cast<unsigned char>(c)) && c != '_';
      Token t{Token::kWord, ""};
      while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_' ||
                              (number && (s[i] == '.' || s[i] == '-' || s[i] == '+')))) {
        t.text.push_back(s[i++]);
      }
      if (t.text.empty()) t.text.push_back(s[i++]);
      out.push_back(std::move(t));
    } else if (c == '(' || c == ')' || c == ',' || c == '.' || c == '=' || c == ';') {
      out.push_back(Token{Token::kPunct, std::string(1, c)});
      ++i;
    } else {
      return std::string("unexpected character '") + c + "'";
    }
  }
  out.push_back(Token{Token::kEnd, ""});
  return "";
}

bool parse_long(const std::string& s, long& out) {
  char* end = nullptr;
  const long v = std::strtol(s.c_str(), &end, 10);
  if (s.empty() || end != s.c_str() + s.size()) return false;
  out = v;
  return true;
}

bool parse_bool(const std::string& s, bool& out) {
  const std::string u = upper(s);
  if (u == "TRUE" || u == "YES" || u == "1") {
    out = true;
  } else if (u == "FALSE" || u == "NO" || u == "0") {
    out = false;
  } else {
    return false;
  }
  return true;
}

}  // namespace

std::string parse_copy(std::string_view text, CopyStatement& out) {
  std::vector<Token> tokens;
  if (auto err = tokenize(text, tokens); !err.empty()) return "Improper COPY command: " + err;
  size_t i = 0;
  auto word = [&](const char* w) { return tokens[i].kind == Token::kWord && upper(tokens[i].text) == w; };
  auto punct = [&](const char* p) { return tokens[i].kind == Token::kPunct && tokens[i].text == p; };
  auto name = [&](std::string& dest) {
    if (tokens[i].kind == Token::kWord) {
      dest = lower(tokens[i++].text);
      return true;
    }
    if (tokens[i].kind == Token::kQuotedName) {
      dest = tokens[i++].text;
      return true;
    }
    return false;
  };
  const char* usage =
      "Improper COPY command: expected COPY [keyspace.]table [(column, ...)] FROM|TO 'file' [WITH option = "
      "value "
      "[AND ...]]";
  if (!word("COPY")) return usage;
  ++i;
  if (!name(out.table)) return usage;
  if (punct(".")) {
    ++i;
    out.keyspace = out.table;
    if (!name(out.table)) return usage;
  }
  if (punct("(")) {
    ++i;
    for (;;) {
      std::string column;
      if (!name(column)) return "Improper COPY command: expected a column name";
      out.columns.push_back(column);
      if (punct(",")) {
        ++i;
        continue;
      }
      if (punct(")")) {
        ++i;
        break;
      }
      return "Improper COPY command: expected ',' or ')' in the column list";
    }
  }
  if (word("FROM")) {
    out.from = true;
  } else if (word("TO")) {
    out.from = false;
  } else {
    return usage;
  }
  ++i;
  if (tokens[i].kind == Token::kString) {
    out.path = tokens[i++].text;
    if (out.path.empty()) return "Improper COPY command: empty file name";
  } else if (word("STDIN") || word("STDOUT")) {
    const bool in = word("STDIN");
    if (in != out.from)
      return out.from ? "COPY FROM reads STDIN, not STDOUT" : "COPY TO writes STDOUT, not STDIN";
    out.stdio = true;
    ++i;
  } else {
    return "Improper COPY command: expected a quoted file name, STDIN or STDOUT";
  }
  if (word("WITH")) {
    ++i;
    for (;;) {
      if (tokens[i].kind != Token::kWord) return "Improper COPY command: expected an option name";
      std::string key = upper(tokens[i++].text);
      if (!punct("=")) return "Improper COPY command: expected '=' after " + key;
      ++i;
      if (tokens[i].kind != Token::kWord && tokens[i].kind != Token::kString) {
        return "Improper COPY command: expected a value for " + key;
      }
      out.options.emplace_back(key, tokens[i++].text);
      if (!word("AND")) break;
      ++i;
    }
  }
  while (punct(";")) ++i;
  if (tokens[i].kind != Token::kEnd) return "Improper COPY command: unexpected '" + tokens[i].text + "'";
  return "";
}

std::string parse_copy_options(const CopyStatement& statement, CopyOptions& out) {
  static const std::set<std::string> kCommon = {
      "DELIMITER",   "QUOTE",    "ESCAPE",  "HEADER",          "NULL",        "NULLVAL",
      "MAXATTEMPTS", "ENCODING", "MAXROWS", "REPORTFREQUENCY", "MAXREQUESTS", "MAXRECORDSIZE"};
  static const std::set<std::string> kFrom = {"CHUNKSIZE",  "MAXBATCHSIZE",   "MINBATCHSIZE",
                                              "SKIPROWS",   "MAXPARSEERRORS", "MAXINSERTERRORS",
                                              "INGESTRATE", "NUMPROCESSES",   "TTL"};
  static const std::set<std::string> kTo = {"PAGESIZE", "PAGETIMEOUT", "FLOATPRECISION", "DOUBLEPRECISION",
                                            "NUMPROCESSES"};
  const auto& allowed = statement.from ? kFrom : kTo;
  std::string unknown;
  for (const auto& [key, value] : statement.options) {
    if (kCommon.count(key) == 0 && allowed.count(key) == 0) unknown += (unknown.empty() ? "" : ", ") + key;
  }
  if (!unknown.empty())
    return std::string("Unrecognized COPY ") + (statement.from ? "FROM" : "TO") + " options: " + unknown;
  out.max_requests = statement.from ? 32 : 1;
  for (const auto& [key, value] : statement.options) {
    auto single_char = [&](char& dest) -> std::string {
      if (value.size() != 1) return key + " must be a single character, got '" + value + "'";
      dest = value[0];
      return "";
    };
    auto number = [&](long& dest, long min) -> std::string {
      long v = 0;
      if (!parse_long(value, v) || v < min) {
        return key + " must be an integer" +
               (min == -1 ? " (-1 for no limit)" : " >= " + std::to_string(min)) + ", got '" + value + "'";
      }
      dest = v;
      return "";
    };
    std::string err;
    if (key == "DELIMITER") {
      err = single_char(out.dialect.delimiter);
    } else if (key == "QUOTE") {
      err = single_char(out.dialect.quote);
    } else if (key == "ESCAPE") {
      err = single_char(out.dialect.escape);
    } else if (key == "HEADER") {
      if (!parse_bool(value, out.header)) err = "HEADER must be true or false, got '" + value + "'";
    } else if (key == "NULL" || key == "NULLVAL") {
      out.null_text = value;
    } else if (key == "ENCODING") {
      const std::string u = upper(value);
      if (u != "UTF8" && u != "UTF-8") err = "only ENCODING = 'utf8' is supported";
    } else if (key == "CHUNKSIZE") {
      err = number(out.chunk_size, 1);
    } else if (key == "MAXBATCHSIZE") {
      err = number(out.max_batch_size, 1);
      if (err.empty() && out.max_batch_size > 65535) err = "MAXBATCHSIZE must be at most 65535";
    } else if (key == "MAXROWS") {
      err = number(out.max_rows, -1);
    } else if (key == "SKIPROWS") {
      err = number(out.skip_rows, 0);
    } else if (key == "MAXREQUESTS") {
      err = number(out.max_requests, 1);
      if (err.empty() && out.max_requests > 1000) err = "MAXREQUESTS must be at most 1000";
    } else if (key == "MAXRECORDSIZE") {
      long v = 0;
      err = number(v, 1);
      out.dialect.max_record_bytes = static_cast<size_t>(v);
    } else if (key == "PAGESIZE") {
      err = number(out.page_size, 1);
    } else if (key == "MAXPARSEERRORS") {
      err = number(out.max_parse_errors, -1);
    } else if (key == "MAXINSERTERRORS") {
      err = number(out.max_insert_errors, -1);
    } else if (key == "MAXATTEMPTS") {
      err = number(out.max_attempts, 1);
    } else if (key == "INGESTRATE") {
      err = number(out.ingest_rate, 0);
    } else if (key == "TTL") {
      err = number(out.ttl, -1);
    } else if (key == "REPORTFREQUENCY") {
      char* end = nullptr;
      const double v = std::strtod(value.c_str(), &end);
      if (value.empty() || end != value.c_str() + value.size() || !(v > 0)) {
        err = "REPORTFREQUENCY must be a number of seconds > 0";
      } else {
        out.report_frequency = v;
      }
    } else if (key == "FLOATPRECISION" || key == "DOUBLEPRECISION") {
      long v = 0;
      err = number(v, 1);
      if (err.empty() && v > 17) err = key + " must be at most 17";
      (key == "FLOATPRECISION" ? out.float_precision : out.double_precision) = static_cast<int>(v);
    }
    // MINBATCHSIZE, NUMPROCESSES, PAGETIMEOUT are accepted and have no effect.
    if (!err.empty()) return err;
  }
  if (out.dialect.delimiter == out.dialect.quote) return "DELIMITER and QUOTE must differ";
  if (out.dialect.delimiter == '\n' || out.dialect.delimiter == '\r')
    return "DELIMITER cannot be a line break";
  return "";
}

}  // namespace krill::tools::shell
