// SELECT, its selectors, WHERE relations and the IF conditions of UPDATE/DELETE.
#include "common/error.h"
#include "cql/parser_internal.h"

namespace krill::cql::internal {

namespace {

// After SELECT, JSON and DISTINCT are modifiers unless the word is itself the selected
// column: `SELECT json FROM t`, `SELECT distinct, a FROM t`, `SELECT json AS j ...`.
bool is_modifier_followed_by(const Token& next) {
  switch (next.kind) {
    case TokenKind::kComma:
    case TokenKind::kLParen:
    case TokenKind::kDot:
    case TokenKind::kLBracket:
    case TokenKind::kEnd:
      return false;
    case TokenKind::kIdent:
      return !iequals(next.text, "from") && !iequals(next.text, "as");
    default:
      return true;
  }
}

}  // namespace

SelectStatement Parser::parse_select() {
  expect_kw("select");
  SelectStatement s;
  if (at_kw("json") && is_modifier_followed_by(peek(1))) {
    advance();
    s.json = true;
  }
  if (at_kw("distinct") && is_modifier_followed_by(peek(1))) {
    advance();
    s.distinct = true;
  }
  parse_selectors(s.selectors);
  expect_kw("from");
  s.table = parse_qualified_name("table name");
  if (accept_kw("where")) parse_where(s.where);
  if (at_kw("group") && at_kw("by", 1)) {
    advance();
    advance();
    do {
      s.group_by.push_back(parse_name("column name"));
    } while (accept(TokenKind::kComma));
  }
  if (accept_kw("order")) {
    expect_kw("by");
    s.order_by = parse_ordering();
  }
  if (at_kw("per") && at_kw("partition", 1)) {
    advance();
    advance();
    expect_kw("limit");
    s.per_partition_limit = parse_int_value();
  }
  if (accept_kw("limit")) s.limit = parse_int_value();
  if (accept_kw("allow")) {
    expect_kw("filtering");
    s.allow_filtering = true;
  }
  return s;
}

std::vector<std::pair<std::string, bool>> Parser::parse_ordering() {
  std::vector<std::pair<std::string, bool>> out;
  do {
    std::string column = parse_name("column name");
    bool descending = false;
    if (accept_kw("desc")) {
      descending = true;
    } else {
      accept_kw("asc");
    }
    out.emplace_back(std::move(column), descending);
  } while (accept(TokenKind::kComma));
  return out;
}

// ---- selectors

void Parser::parse_selectors(std::vector<Selector>& out) {
  if (accept(TokenKind::kStar)) return;
  do {
    out.push_back(parse_selector());
  } while (accept(TokenKind::kComma));
}

Selector Parser::parse_selector() {
  Selector s = parse_unaliased_selector();
  if (accept_kw("as")) s.alias = parse_name("alias");
  return s;
}

Selector Parser::parse_unaliased_selector() {
  Selector s = parse_selector_base();
  while (at(TokenKind::kDot) && at_name(1)) {
    advance();
    Selector field;
    field.kind = Selector::Kind::kField;
    field.name = parse_name("field name");
    field.args.push_back(std::move(s));
    s = std::move(field);
  }
  return s;
}

Selector Parser::parse_selector_base() {
  Selector s;
  if (at_kw("count") && at(TokenKind::kLParen, 1) && at(TokenKind::kRParen, 3) &&
      (at(TokenKind::kStar, 2) || (at(TokenKind::kInteger, 2) && peek(2).text == "1"))) {
    for (int i = 0; i < 4; ++i) advance();
    s.kind = Selector::Kind::kCountStar;
    s.name = "count";
    return s;
  }
  if (at_kw("cast") && at(TokenKind::kLParen, 1)) {
    DepthGuard guard(*this);
    advance();
    advance();
    s.kind = Selector::Kind::kCast;
    s.args.push_back(parse_unaliased_selector());
    expect_kw("as");
    s.name = parse_type();
    expect(TokenKind::kRParen);
    return s;
  }
  if (at_function_call()) {
    DepthGuard guard(*this);
    s.kind = Selector::Kind::kFunction;
    s.name = parse_function_name();
    expect(TokenKind::kLParen);
    if (!accept(TokenKind::kRParen)) {
      do {
        s.args.push_back(parse_unaliased_selector());
      } while (accept(TokenKind::kComma));
      expect(TokenKind::kRParen);
    }
    return s;
  }
  if (at_name()) {
    s.kind = Selector::Kind::kColumn;
    s.name = parse_name("column name");
    return s;
  }
  s.kind = Selector::Kind::kTerm;
  s.term = parse_term();
  return s;
}

// ---- WHERE

void Parser::parse_where(std::vector<Relation>& out) {
  // Relations past the limit are parsed (to report the full count) but not kept.
  size_t count = 0;
  const size_t limit = limits_.max_where_relations < 0 ? 0 : static_cast<size_t>(limits_.max_where_relations);
  do {
    Relation r = parse_relation();
    if (++count <= limit) out.push_back(std::move(r));
  } while (accept_kw("and"));
  if (count > limit) {
    common::throw_invalid("Too many WHERE relations: " + std::to_string(count) + " (limit " +
                          std::to_string(limit) + ")");
  }
}

Relation::Op Parser::parse_comparison() {
  switch (peek().kind) {
    case TokenKind::kEq:
      advance();
      return Relation::Op::kEq;
    case TokenKind::kNeq:
      advance();
      return Relation::Op::kNeq;
    case TokenKind::kLt:
      advance();
      return Relation::Op::kLt;
    case TokenKind::kLe:
      advance();
      return Relation::Op::kLe;
    case TokenKind::kGt:
      advance();
      return Relation::Op::kGt;
    case TokenKind::kGe:
      advance();
      return Relation::Op::kGe;
    default:
      fail_mismatch("an operator (=, !=, <, <=, >, >=, IN, CONTAINS, LIKE, IS NOT NULL)");
  }
}

void Parser::parse_in_values(TermPtr& value, std::vector<TermPtr>& in_values) {
  if (at(TokenKind::kQMark) || at(TokenKind::kColon)) {
    value = parse_bind_marker();
    return;
  }
  expect(TokenKind::kLParen);
  if (accept(TokenKind::kRParen)) return;
  do {
    in_values.push_back(parse_term());
  } while (accept(TokenKind::kComma));
  expect(TokenKind::kRParen);
}

Relation Parser::parse_relation() {
  Relation r;
  if (at_kw("token") && at(TokenKind::kLParen, 1)) {
    advance();
    advance();
    r.token = true;
    do {
      r.columns.push_back(parse_name("column name"));
    } while (accept(TokenKind::kComma));
    expect(TokenKind::kRParen);
    r.op = parse_comparison();
    r.value = parse_term();
    return r;
  }
  if (accept(TokenKind::kLParen)) {
    r.multi_column = true;
    do {
      r.columns.push_back(parse_name("column name"));
    } while (accept(TokenKind::kComma));
    expect(TokenKind::kRParen);
    if (accept_kw("in")) {
      r.op = Relation::Op::kIn;
      parse_in_values(r.value, r.in_values);
    } else {
      r.op = parse_comparison();
      r.value = parse_term();
    }
    return r;
  }
  r.columns.push_back(parse_name("column name"));
  if (accept(TokenKind::kLBracket)) {
    r.map_key = parse_term();
    expect(TokenKind::kRBracket);
  }
  if (accept_kw("in")) {
    r.op = Relation::Op::kIn;
    parse_in_values(r.value, r.in_values);
  } else if (accept_kw("contains")) {
    r.op = accept_kw("key") ? Relation::Op::kContainsKey : Relation::Op::kContains;
    r.value = parse_term();
  } else if (accept_kw("like")) {
    r.op = Relation::Op::kLike;
    r.value = parse_term();
  } else if (accept_kw("is")) {
    expect_kw("not");
    expect_kw("null");
    r.op = Relation::Op::kIsNotNull;
  } else {
    r.op = parse_comparison();
    r.value = parse_term();
  }
  return r;
}

// ---- IF conditions

void Parser::parse_if_clause(bool& if_exists, std::vector<Condition>& out) {
  // IF EXISTS, unless `exists` is a column compared in a condition.
  if (at_kw("exists") && !at(TokenKind::kEq, 1) && !at(TokenKind::kNeq, 1) && !at(TokenKind::kLt, 1) &&
      !at(TokenKind::kLe, 1) && !at(TokenKind::kGt, 1) && !at(TokenKind::kGe, 1) && !at_kw("in", 1) &&
      !at(TokenKind::kLBracket, 1) && !at(TokenKind::kDot, 1) && !at_kw("contains", 1)) {
    advance();
    if_exists = true;
    return;
  }
  do {
    out.push_back(parse_condition());
  } while (accept_kw("and"));
}

Condition Parser::parse_condition() {
  Condition c;
  c.column = parse_name("column name");
  if (accept(TokenKind::kLBracket)) {
    c.element = parse_term();
    expect(TokenKind::kRBracket);
  } else if (accept(TokenKind::kDot)) {
    c.field = parse_name("field name");
  }
  if (accept_kw("in")) {
    c.op = Relation::Op::kIn;
    parse_in_values(c.value, c.in_values);
  } else if (accept_kw("contains")) {
    c.op = accept_kw("key") ? Relation::Op::kContainsKey : Relation::Op::kContains;
    c.value = parse_term();
  } else {
    c.op = parse_comparison();
    c.value = parse_term();
  }
  return c;
}

}  // namespace krill::cql::internal
