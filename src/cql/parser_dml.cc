// INSERT, UPDATE, DELETE and BATCH.
#include "common/error.h"
#include "cql/parser_internal.h"

namespace krill::cql::internal {

InsertStatement Parser::parse_insert() {
  expect_kw("insert");
  expect_kw("into");
  InsertStatement s;
  s.table = parse_qualified_name("table name");
  if (accept_kw("json")) {
    if (at(TokenKind::kString)) {
      s.json = make_term(Term::Kind::kString, advance().text);
    } else if (at(TokenKind::kQMark) || at(TokenKind::kColon)) {
      s.json = parse_bind_marker();
    } else {
      fail_mismatch("string or bind marker");
    }
    if (accept_kw("default")) {
      if (accept_kw("unset")) {
        s.json_default_unset = true;
      } else if (!accept_kw("null")) {
        fail_mismatch("NULL or UNSET");
      }
    }
  } else {
    expect(TokenKind::kLParen);
    do {
      s.columns.push_back(parse_name("column name"));
    } while (accept(TokenKind::kComma));
    expect(TokenKind::kRParen);
    expect_kw("values");
    expect(TokenKind::kLParen);
    do {
      s.values.push_back(parse_term());
    } while (accept(TokenKind::kComma));
    expect(TokenKind::kRParen);
    if (s.columns.size() != s.values.size()) {
      common::throw_invalid("Unmatched column names/values: " + std::to_string(s.columns.size()) +
                            " columns, " + std::to_string(s.values.size()) + " values");
    }
  }
  // Cassandra's grammar puts IF NOT EXISTS before USING; accept either order.
  bool seen_if = false;
  bool seen_using = false;
  for (;;) {
    if (!seen_if && at_kw("if")) {
      seen_if = true;
      s.if_not_exists = parse_if_not_exists();
    } else if (!seen_using && accept_kw("using")) {
      seen_using = true;
      parse_using(s.using_clause);
    } else {
      break;
    }
  }
  return s;
}

void Parser::parse_using(UsingClause& out) {
  do {
    if (accept_kw("ttl")) {
      out.ttl = parse_int_value();
    } else if (accept_kw("timestamp")) {
      out.timestamp = parse_int_value();
    } else {
      fail_mismatch("TTL or TIMESTAMP");
    }
  } while (accept_kw("and"));
}

UpdateStatement Parser::parse_update() {
  expect_kw("update");
  UpdateStatement s;
  s.table = parse_qualified_name("table name");
  if (accept_kw("using")) parse_using(s.using_clause);
  expect_kw("set");
  do {
    s.assignments.push_back(parse_assignment());
  } while (accept(TokenKind::kComma));
  expect_kw("where");
  parse_where(s.where);
  if (accept_kw("if")) parse_if_clause(s.if_exists, s.conditions);
  return s;
}

Assignment Parser::parse_assignment() {
  Assignment a;
  a.column = parse_name("column name");
  if (accept(TokenKind::kLBracket)) {
    a.op = Assignment::Op::kSetElement;
    a.key = parse_term();
    expect(TokenKind::kRBracket);
    expect(TokenKind::kEq);
    a.value = parse_term();
    return a;
  }
  if (accept(TokenKind::kDot)) {
    a.op = Assignment::Op::kSetField;
    a.field = parse_name("field name");
    expect(TokenKind::kEq);
    a.value = parse_term();
    return a;
  }
  if (accept(TokenKind::kPlusEq)) {
    a.op = Assignment::Op::kAdd;
    a.value = parse_term();
    return a;
  }
  if (accept(TokenKind::kMinusEq)) {
    a.op = Assignment::Op::kSubtract;
    a.value = parse_term();
    return a;
  }
  expect(TokenKind::kEq);
  auto require_same_column = [&](const std::string& other) {
    if (other != a.column) {
      common::throw_invalid(
          "Only expressions of the form X = X + <value> or X = <value> + X are supported (got '" + other +
          "' in the assignment of '" + a.column + "')");
    }
  };
  // c = c + v, c = c - v: a name is never a term, so a name here is the column itself.
  if (at_name() && !at_function_call() && (at(TokenKind::kPlus, 1) || at(TokenKind::kMinus, 1))) {
    require_same_column(parse_name("column name"));
    a.op = advance().kind == TokenKind::kPlus ? Assignment::Op::kAdd : Assignment::Op::kSubtract;
    a.value = parse_term();
    return a;
  }
  a.op = Assignment::Op::kSet;
  a.value = parse_term();
  // c = v + c (list prepend).
  if (at(TokenKind::kPlus) && at_name(1)) {
    advance();
    require_same_column(parse_name("column name"));
    a.op = Assignment::Op::kPrepend;
  }
  return a;
}

DeleteStatement Parser::parse_delete() {
  expect_kw("delete");
  DeleteStatement s;
  if (!at_kw("from")) {
    do {
      s.targets.push_back(parse_delete_target());
    } while (accept(TokenKind::kComma));
  }
  expect_kw("from");
  s.table = parse_qualified_name("table name");
  if (accept_kw("using")) {
    expect_kw("timestamp");
    s.using_clause.timestamp = parse_int_value();
  }
  expect_kw("where");
  parse_where(s.where);
  if (accept_kw("if")) parse_if_clause(s.if_exists, s.conditions);
  return s;
}

DeleteTarget Parser::parse_delete_target() {
  DeleteTarget t;
  t.column = parse_name("column name");
  if (accept(TokenKind::kLBracket)) {
    t.element = parse_term();
    expect(TokenKind::kRBracket);
  } else if (accept(TokenKind::kDot)) {
    t.field = parse_name("field name");
  }
  return t;
}

BatchStatement Parser::parse_batch() {
  expect_kw("begin");
  BatchStatement b;
  if (accept_kw("unlogged")) {
    b.type = BatchStatement::Type::kUnlogged;
  } else if (accept_kw("counter")) {
    b.type = BatchStatement::Type::kCounter;
  }
  expect_kw("batch");
  if (accept_kw("using")) parse_using(b.using_clause);
  // Statements past the limit are parsed (to report the full count) but not kept.
  const size_t limit =
      limits_.max_batch_statements < 0 ? 0 : static_cast<size_t>(limits_.max_batch_statements);
  size_t count = 0;
  for (;;) {
    while (accept(TokenKind::kSemicolon)) {
    }
    if (at_kw("apply")) break;
    ModificationStatement child = parse_batch_child();
    if (++count <= limit) b.statements.push_back(std::move(child));
  }
  expect_kw("apply");
  expect_kw("batch");
  if (count > limit) {
    common::throw_invalid("Too many statements in batch: " + std::to_string(count) + " (limit " +
                          std::to_string(limit) + ")");
  }
  return b;
}

ModificationStatement Parser::parse_batch_child() {
  if (at_kw("insert")) return parse_insert();
  if (at_kw("update")) return parse_update();
  if (at_kw("delete")) return parse_delete();
  fail_mismatch("INSERT, UPDATE, DELETE or APPLY BATCH");
}

}  // namespace krill::cql::internal
