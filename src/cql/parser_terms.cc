// Terms (literals, bind markers, collections, tuples, casts, function calls), types and
// WITH properties.
#include <memory>
#include <optional>
#include <set>

#include "common/error.h"
#include "cql/parser_internal.h"

namespace krill::cql::internal {

TermPtr make_term(Term::Kind kind, std::string text) {
  auto t = std::make_shared<Term>();
  t->kind = kind;
  t->text = std::move(text);
  return t;
}

std::string maybe_quote(const std::string& name) {
  bool plain = !name.empty() && name[0] >= 'a' && name[0] <= 'z' && !is_reserved_keyword(name);
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) plain = false;
  }
  if (plain) return name;
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

namespace {

// The literal words allowed in term position and their canonical text.
std::optional<Term::Kind> constant_word(std::string_view word, std::string* text) {
  if (iequals(word, "null")) return Term::Kind::kNull;
  if (iequals(word, "true") || iequals(word, "false")) {
    *text = to_lower_ascii(word);
    return Term::Kind::kBoolean;
  }
  if (iequals(word, "nan")) {
    *text = "NaN";
    return Term::Kind::kFloat;
  }
  if (iequals(word, "infinity")) {
    *text = "Infinity";
    return Term::Kind::kFloat;
  }
  return std::nullopt;
}

std::string quote_string(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

}  // namespace

TermPtr Parser::parse_term() {
  const Token& t = peek();
  switch (t.kind) {
    case TokenKind::kString:
      advance();
      return make_term(Term::Kind::kString, t.text);
    case TokenKind::kInteger:
      advance();
      return make_term(Term::Kind::kInteger, t.text);
    case TokenKind::kFloat:
      advance();
      return make_term(Term::Kind::kFloat, t.text);
    case TokenKind::kUuid:
      advance();
      return make_term(Term::Kind::kUuid, t.text);
    case TokenKind::kHex:
      advance();
      return make_term(Term::Kind::kHex, t.text);
    case TokenKind::kDuration:
      advance();
      return make_term(Term::Kind::kDuration, t.text);
    case TokenKind::kMinus:
      return parse_negative();
    case TokenKind::kQMark:
    case TokenKind::kColon:
      return parse_bind_marker();
    case TokenKind::kLBracket:
      return parse_list_literal();
    case TokenKind::kLBrace:
      return parse_brace_literal();
    case TokenKind::kLParen:
      return parse_paren_term();
    case TokenKind::kIdent: {
      std::string text;
      if (auto kind = constant_word(t.text, &text)) {
        advance();
        return make_term(*kind, std::move(text));
      }
      if (at_function_call()) return parse_function_term();
      break;
    }
    case TokenKind::kQuotedIdent:
      if (at_function_call()) return parse_function_term();
      break;
    default:
      break;
  }
  fail_no_viable();
}

TermPtr Parser::parse_negative() {
  expect(TokenKind::kMinus);
  const Token& t = peek();
  switch (t.kind) {
    case TokenKind::kInteger:
      advance();
      return make_term(Term::Kind::kInteger, "-" + t.text);
    case TokenKind::kFloat:
      advance();
      return make_term(Term::Kind::kFloat, "-" + t.text);
    case TokenKind::kDuration:
      advance();
      return make_term(Term::Kind::kDuration, "-" + t.text);
    default:
      if (accept_kw("infinity")) return make_term(Term::Kind::kFloat, "-Infinity");
      fail_no_viable();
  }
}

TermPtr Parser::parse_bind_marker() {
  auto t = std::make_shared<Term>();
  t->kind = Term::Kind::kBindMarker;
  if (!accept(TokenKind::kQMark)) {
    expect(TokenKind::kColon);
    t->bind_name = parse_name("bind marker name");
  }
  t->bind_index = static_cast<int>(bind_names_.size());
  bind_names_.push_back(t->bind_name);
  return t;
}

TermPtr Parser::parse_function_term() {
  DepthGuard guard(*this);
  auto t = std::make_shared<Term>();
  t->kind = Term::Kind::kFunctionCall;
  t->name = parse_function_name();
  expect(TokenKind::kLParen);
  if (!accept(TokenKind::kRParen)) {
    do {
      t->elements.push_back(parse_term());
    } while (accept(TokenKind::kComma));
    expect(TokenKind::kRParen);
  }
  return t;
}

TermPtr Parser::parse_list_literal() {
  DepthGuard guard(*this);
  expect(TokenKind::kLBracket);
  auto t = std::make_shared<Term>();
  t->kind = Term::Kind::kList;
  if (accept(TokenKind::kRBracket)) return t;
  do {
    t->elements.push_back(parse_term());
  } while (accept(TokenKind::kComma));
  expect(TokenKind::kRBracket);
  return t;
}

TermPtr Parser::parse_brace_literal() {
  DepthGuard guard(*this);
  expect(TokenKind::kLBrace);
  auto t = std::make_shared<Term>();
  t->kind = Term::Kind::kMap;
  if (accept(TokenKind::kRBrace)) return t;
  if (at_name() && at(TokenKind::kColon, 1)) {
    // A user-defined type literal: {field: value, ...}. Names are never terms, so a name
    // followed by ':' can only start one.
    t->kind = Term::Kind::kUdt;
    do {
      t->field_names.push_back(parse_name("field name"));
      expect(TokenKind::kColon);
      t->elements.push_back(parse_term());
    } while (accept(TokenKind::kComma));
    expect(TokenKind::kRBrace);
    return t;
  }
  t->elements.push_back(parse_term());
  if (accept(TokenKind::kColon)) {
    t->elements.push_back(parse_term());
    while (accept(TokenKind::kComma)) {
      t->elements.push_back(parse_term());
      expect(TokenKind::kColon);
      t->elements.push_back(parse_term());
    }
  } else {
    t->kind = Term::Kind::kSet;
    while (accept(TokenKind::kComma)) t->elements.push_back(parse_term());
  }
  expect(TokenKind::kRBrace);
  return t;
}

TermPtr Parser::parse_paren_term() {
  DepthGuard guard(*this);
  expect(TokenKind::kLParen);
  // (type) term is a cast. Names are never terms on their own, so try to read a type and
  // fall back to a tuple when that fails; a type contains no bind markers, so rewinding is
  // safe, and it never spans a '(' so the retry costs at most one scan of the type.
  if (at_name() && !at_function_call()) {
    const size_t saved = pos_;
    std::optional<std::string> type;
    try {
      std::string text = parse_type();
      if (at(TokenKind::kRParen) && can_start_term(1)) type = std::move(text);
    } catch (const common::CqlError&) {
    }
    if (type) {
      expect(TokenKind::kRParen);
      auto t = std::make_shared<Term>();
      t->kind = Term::Kind::kCast;
      t->name = std::move(*type);
      t->elements.push_back(parse_term());
      return t;
    }
    pos_ = saved;
  }
  auto t = std::make_shared<Term>();
  t->kind = Term::Kind::kTuple;
  do {
    t->elements.push_back(parse_term());
  } while (accept(TokenKind::kComma));
  expect(TokenKind::kRParen);
  return t;
}

bool Parser::can_start_term(size_t ahead) const {
  switch (peek(ahead).kind) {
    case TokenKind::kString:
    case TokenKind::kInteger:
    case TokenKind::kFloat:
    case TokenKind::kUuid:
    case TokenKind::kHex:
    case TokenKind::kDuration:
    case TokenKind::kMinus:
    case TokenKind::kQMark:
    case TokenKind::kColon:
    case TokenKind::kLBracket:
    case TokenKind::kLBrace:
    case TokenKind::kLParen:
    case TokenKind::kIdent:
    case TokenKind::kQuotedIdent:
      return true;
    default:
      return false;
  }
}

TermPtr Parser::parse_int_value() {
  if (at(TokenKind::kQMark) || at(TokenKind::kColon)) return parse_bind_marker();
  if (at(TokenKind::kInteger)) return make_term(Term::Kind::kInteger, advance().text);
  if (at(TokenKind::kMinus) && at(TokenKind::kInteger, 1)) {
    advance();
    return make_term(Term::Kind::kInteger, "-" + advance().text);
  }
  fail_mismatch("integer or bind marker");
}

// ---- types

std::string Parser::parse_type() {
  const Token& t = peek();
  if (t.kind == TokenKind::kString) {
    advance();
    return quote_string(t.text);
  }
  if (t.kind == TokenKind::kIdent && at(TokenKind::kLt, 1)) {
    const std::string lower = to_lower_ascii(t.text);
    size_t min_params = 1;
    size_t max_params = 1;
    if (lower == "map") {
      min_params = max_params = 2;
    } else if (lower == "tuple") {
      max_params = static_cast<size_t>(-1);
    } else if (lower != "frozen" && lower != "list" && lower != "set" && lower != "vector") {
      fail_at(peek(1),
              "no viable alternative at input '<' (only frozen, list, set, map, tuple and vector take "
              "type parameters)");
    }
    DepthGuard guard(*this);
    advance();
    advance();
    std::string out = lower + "<" + parse_type();
    size_t params = 1;
    if (lower == "vector") {
      expect(TokenKind::kComma);
      if (!at(TokenKind::kInteger)) fail_mismatch("integer");
      out += ", " + advance().text;
    } else {
      while (accept(TokenKind::kComma)) {
        if (++params > max_params) fail_at(tokens_[pos_ - 1], "mismatched input ',' expecting '>'");
        out += ", " + parse_type();
      }
      if (params < min_params) fail_mismatch("','");
    }
    expect(TokenKind::kGt);
    return out + ">";
  }
  if (!at_name()) fail_mismatch("type");
  std::string name = parse_type_name_part();
  if (accept(TokenKind::kDot)) {
    name += '.';
    name += parse_type_name_part();
  }
  return name;
}

std::string Parser::parse_type_name_part() {
  if (!at_name()) fail_mismatch("type name");
  const Token& t = advance();
  return t.kind == TokenKind::kQuotedIdent ? maybe_quote(t.text) : to_lower_ascii(t.text);
}

// ---- properties

void Parser::parse_properties(std::vector<Property>& out, const TableOptions& table) {
  bool order_seen = false;
  std::set<std::string> seen;
  do {
    if (table.clustering_order && at_kw("clustering") && at_kw("order", 1)) {
      if (order_seen) fail_at(peek(), "Multiple definition for CLUSTERING ORDER");
      order_seen = true;
      advance();
      advance();
      expect_kw("by");
      expect(TokenKind::kLParen);
      *table.clustering_order = parse_ordering();
      expect(TokenKind::kRParen);
      continue;
    }
    if (table.compact_storage && at_kw("compact") && at_kw("storage", 1)) {
      advance();
      advance();
      *table.compact_storage = true;
      continue;
    }
    const Token& name_token = peek();
    Property p;
    p.name = parse_name("property name");
    if (!seen.insert(p.name).second) fail_at(name_token, "Multiple definition for property '" + p.name + "'");
    expect(TokenKind::kEq);
    p.value = parse_property_value();
    out.push_back(std::move(p));
  } while (accept_kw("and"));
}

TermPtr Parser::parse_property_value() {
  if (!at(TokenKind::kLBrace)) return parse_constant();
  // A map of constants, e.g. replication = {'class': 'SimpleStrategy', 'replication_factor': 1}.
  DepthGuard guard(*this);
  advance();
  auto m = std::make_shared<Term>();
  m->kind = Term::Kind::kMap;
  if (accept(TokenKind::kRBrace)) return m;
  do {
    m->elements.push_back(parse_constant());
    expect(TokenKind::kColon);
    m->elements.push_back(parse_constant());
  } while (accept(TokenKind::kComma));
  expect(TokenKind::kRBrace);
  return m;
}

TermPtr Parser::parse_constant() {
  // An unreserved word stands for itself as a string.
  if (at(TokenKind::kIdent) && at_name()) return make_term(Term::Kind::kString, advance().text);
  switch (peek().kind) {
    case TokenKind::kString:
    case TokenKind::kInteger:
    case TokenKind::kFloat:
    case TokenKind::kUuid:
    case TokenKind::kHex:
    case TokenKind::kDuration:
    case TokenKind::kMinus:
      return parse_term();
    case TokenKind::kIdent:
      if (at_kw("true") || at_kw("false") || at_kw("nan") || at_kw("infinity")) return parse_term();
      break;
    default:
      break;
  }
  fail_mismatch("a constant");
}

}  // namespace krill::cql::internal
