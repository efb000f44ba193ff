// Tests for the CQL lexer and parser: tokens, terms, SELECT/INSERT/UPDATE/DELETE, errors,
// limits and split_statements. Schema statements are in parser_ddl_test.cc.
#include "cql/parser.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "common/error.h"
#include "cql/lexer.h"

namespace krill::cql {
namespace {

using common::CqlError;
using common::ErrorCode;

template <typename T>
T parse_as(std::string_view cql) {
  ParsedStatement p = parse_statement(cql);
  if (!std::holds_alternative<T>(p.statement)) {
    ADD_FAILURE() << "wrong statement kind for: " << cql;
    return T{};
  }
  return std::get<T>(p.statement);
}

// The message of the error parsing `cql` throws, "" when it parses.
std::string error_of(std::string_view cql, const ParserLimits& limits = {}) {
  try {
    parse_statement(cql, limits);
  } catch (const CqlError& e) {
    return e.what();
  }
  return "";
}

ErrorCode code_of(std::string_view cql, const ParserLimits& limits = {}) {
  try {
    parse_statement(cql, limits);
  } catch (const CqlError& e) {
    return e.code();
  }
  return ErrorCode::kServerError;
}

// The value of the first relation of a SELECT's WHERE.
TermPtr where_value(std::string_view cql) { return parse_as<SelectStatement>(cql).where.at(0).value; }

// ---- lexer

TEST(LexerTest, TokenKindsAndPositions) {
  auto t = tokenize("SELECT a,\n  \"B\"\"c\" FROM t -- x\n/* y */ WHERE k >= 1.5e3");
  ASSERT_EQ(t.size(), 11u);
  EXPECT_EQ(t[0].kind, TokenKind::kIdent);
  EXPECT_EQ(t[2].kind, TokenKind::kComma);
  EXPECT_EQ(t[3].kind, TokenKind::kQuotedIdent);
  EXPECT_EQ(t[3].text, "B\"c");
  EXPECT_EQ(t[3].line, 2);
  EXPECT_EQ(t[3].column, 2);
  EXPECT_EQ(t[6].text, "WHERE");
  EXPECT_EQ(t[6].line, 3);
  EXPECT_EQ(t[6].column, 8);
  EXPECT_EQ(t[8].kind, TokenKind::kGe);
  EXPECT_EQ(t[9].kind, TokenKind::kFloat);
  EXPECT_EQ(t[10].kind, TokenKind::kEnd);
}

TEST(LexerTest, Literals) {
  auto t = tokenize(
      "'it''s' $$a'b$c$$ 0xCAFE 0x 42 1. 2E-3 1h30m 12mo3us 5µs P1Y2M3DT4H PT5S P2W "
      "P0001-02-03T04:05:06 123e4567-e89b-12d3-a456-426614174000 += -= != <= ? :n");
  std::vector<TokenKind> kinds;
  for (const auto& tok : t) kinds.push_back(tok.kind);
  std::vector<TokenKind> expected = {
      TokenKind::kString,   TokenKind::kString,   TokenKind::kHex,      TokenKind::kHex,
      TokenKind::kInteger,  TokenKind::kFloat,    TokenKind::kFloat,    TokenKind::kDuration,
      TokenKind::kDuration, TokenKind::kDuration, TokenKind::kDuration, TokenKind::kDuration,
      TokenKind::kDuration, TokenKind::kDuration, TokenKind::kUuid,     TokenKind::kPlusEq,
      TokenKind::kMinusEq,  TokenKind::kNeq,      TokenKind::kLe,       TokenKind::kQMark,
      TokenKind::kColon,    TokenKind::kIdent,    TokenKind::kEnd};
  EXPECT_EQ(kinds, expected);
  EXPECT_EQ(t[0].text, "it's");
  EXPECT_EQ(t[1].text, "a'b$c");
  EXPECT_EQ(t[2].text, "CAFE");
  EXPECT_EQ(t[3].text, "");
}

TEST(LexerTest, WordsThatLookLikeOtherTokens) {
  // A word is a duration only when the whole word is one; uuids need all five groups.
  auto t = tokenize("p1 pt deadbeef cafe1234-0000 1abc");
  EXPECT_EQ(t[0].kind, TokenKind::kIdent);
  EXPECT_EQ(t[1].kind, TokenKind::kIdent);
  EXPECT_EQ(t[2].kind, TokenKind::kIdent);
  EXPECT_EQ(t[3].kind, TokenKind::kIdent);
  EXPECT_EQ(t[4].kind, TokenKind::kMinus);
  EXPECT_EQ(t[6].kind, TokenKind::kInteger);
  EXPECT_EQ(t[7].kind, TokenKind::kIdent);
}

TEST(LexerTest, Errors) {
  EXPECT_EQ(error_of("SELECT 'abc"), "line 1:7 unterminated string literal");
  EXPECT_EQ(error_of("SELECT \"abc"), "line 1:7 unterminated quoted identifier");
  EXPECT_EQ(error_of("SELECT $$abc"), "line 1:7 unterminated $$ string literal");
  EXPECT_EQ(error_of("SELECT /* abc"), "line 1:7 unterminated comment");
  EXPECT_EQ(error_of("SELECT # FROM t"), "line 1:7 token recognition error at: '#'");
  EXPECT_EQ(error_of("SELECT \"\" FROM t"), "line 1:7 empty quoted identifier \"\"");
  EXPECT_EQ(code_of("SELECT 'x"), ErrorCode::kSyntaxError);
}

// ---- driver queries

TEST(ParserTest, DriverSystemQueries) {
  auto s = parse_as<SelectStatement>("SELECT * FROM system.peers_v2");
  EXPECT_EQ(s.table.keyspace, "system");
  EXPECT_EQ(s.table.name, "peers_v2");
  EXPECT_TRUE(s.selectors.empty());

  s = parse_as<SelectStatement>("SELECT * FROM system.local WHERE key='local'");
  ASSERT_EQ(s.where.size(), 1u);
  EXPECT_EQ(s.where[0].columns, std::vector<std::string>{"key"});
  EXPECT_EQ(s.where[0].op, Relation::Op::kEq);
  EXPECT_EQ(s.where[0].value->kind, Term::Kind::kString);
  EXPECT_EQ(s.where[0].value->text, "local");

  s = parse_as<SelectStatement>("SELECT schema_version FROM system.local WHERE key='local'");
  ASSERT_EQ(s.selectors.size(), 1u);
  EXPECT_EQ(s.selectors[0].kind, Selector::Kind::kColumn);
  EXPECT_EQ(s.selectors[0].name, "schema_version");

  s = parse_as<SelectStatement>(
      "SELECT * FROM system_schema.tables WHERE keyspace_name = 'ks' AND table_name = 't'");
  ASSERT_EQ(s.where.size(), 2u);
  EXPECT_EQ(s.where[1].columns[0], "table_name");
  EXPECT_EQ(s.where[1].value->text, "t");

  s = parse_as<SelectStatement>(
      "SELECT * FROM system_schema.functions WHERE keyspace_name = 'ks' AND function_name = 'f' AND "
      "argument_types = ['int', 'text']");
  ASSERT_EQ(s.where.size(), 3u);
  ASSERT_EQ(s.where[2].value->kind, Term::Kind::kList);
  ASSERT_EQ(s.where[2].value->elements.size(), 2u);
  EXPECT_EQ(s.where[2].value->elements[1]->text, "text");

  ParsedStatement p = parse_statement(
      "SELECT durable_writes, replication\n\t\tFROM system_schema.keyspaces\n\t\tWHERE keyspace_name = ?");
  s = std::get<SelectStatement>(p.statement);
  EXPECT_EQ(s.selectors.size(), 2u);
  EXPECT_EQ(s.table.keyspace, "system_schema");
  EXPECT_EQ(p.bind_count, 1);
  EXPECT_EQ(p.bind_names, std::vector<std::string>{""});

  s = parse_as<SelectStatement>("SELECT keyspace_name, type, name FROM system_schema.types");
  ASSERT_EQ(s.selectors.size(), 3u);
  EXPECT_EQ(s.selectors[1].name, "type");

  EXPECT_EQ(parse_as<UseStatement>("USE \"MyKs\"").keyspace, "MyKs");
  EXPECT_EQ(parse_as<UseStatement>("use MyKs;").keyspace, "myks");
}

TEST(ParserTest, UnreservedKeywordsAsNames) {
  auto s = parse_as<SelectStatement>(
      "SELECT key, type, kind, position, options, flags, comment, compaction, values, count, ttl, writetime, "
      "json, filtering, user, role, custom, date, time, timestamp, text, keys, entries, full FROM t");
  EXPECT_EQ(s.selectors.size(), 24u);
  for (const auto& sel : s.selectors) EXPECT_EQ(sel.kind, Selector::Kind::kColumn) << sel.name;
  EXPECT_EQ(s.selectors.back().name, "full");

  EXPECT_NE(error_of("SELECT from FROM t"), "");
  EXPECT_NE(error_of("SELECT * FROM select"), "");
  auto q = parse_as<SelectStatement>("SELECT \"select\", \"From\" FROM \"where\"");
  EXPECT_EQ(q.selectors[0].name, "select");
  EXPECT_EQ(q.selectors[1].name, "From");
  EXPECT_EQ(q.table.name, "where");
}

TEST(ParserTest, IdentifierCase) {
  auto s =
      parse_as<SelectStatement>("SeLeCt MyCol, \"MyCol\", \"a\"\"b\" FrOm MyKs.\"MyTable\" wHeRe Id = 1");
  EXPECT_EQ(s.selectors[0].name, "mycol");
  EXPECT_EQ(s.selectors[1].name, "MyCol");
  EXPECT_EQ(s.selectors[2].name, "a\"b");
  EXPECT_EQ(s.table.keyspace, "myks");
  EXPECT_EQ(s.table.name, "MyTable");
  EXPECT_EQ(s.where[0].columns[0], "id");
}

// ---- terms

TEST(ParserTest, LiteralTerms) {
  EXPECT_EQ(where_value("SELECT * FROM t WHERE a = 'it''s'")->text, "it's");
  EXPECT_EQ(where_value("SELECT * FROM t WHERE a = $$it's; $$")->text, "it's; ");
  EXPECT_EQ(where_value("SELECT * FROM t WHERE a = NULL")->kind, Term::Kind::kNull);
  auto b = where_value("SELECT * FROM t WHERE a = TRUE");
  EXPECT_EQ(b->kind, Term::Kind::kBoolean);
  EXPECT_EQ(b->text, "true");
  auto i = where_value("SELECT * FROM t WHERE a = -5");
  EXPECT_EQ(i->kind, Term::Kind::kInteger);
  EXPECT_EQ(i->text, "-5");
  auto f = where_value("SELECT * FROM t WHERE a = -2.5e10");
  EXPECT_EQ(f->kind, Term::Kind::kFloat);
  EXPECT_EQ(f->text, "-2.5e10");
  EXPECT_EQ(where_value("SELECT * FROM t WHERE a = nan")->text, "NaN");
  EXPECT_EQ(where_value("SELECT * FROM t WHERE a = Infinity")->text, "Infinity");
  auto ninf = where_value("SELECT * FROM t WHERE a = -Infinity");
  EXPECT_EQ(ninf->kind, Term::Kind::kFloat);
  EXPECT_EQ(ninf->text, "-Infinity");
  auto u = where_value("SELECT * FROM t WHERE a = 123E4567-e89b-12d3-a456-426614174000");
  EXPECT_EQ(u->kind, Term::Kind::kUuid);
  EXPECT_EQ(u->text, "123E4567-e89b-12d3-a456-426614174000");
  auto h = where_value("SELECT * FROM t WHERE a = 0xCafe");
  EXPECT_EQ(h->kind, Term::Kind::kHex);
  EXPECT_EQ(h->text, "Cafe");
  auto d = where_value("SELECT * FROM t WHERE a = 1h30m");
  EXPECT_EQ(d->kind, Term::Kind::kDuration);
  EXPECT_EQ(d->text, "1h30m");
  EXPECT_EQ(where_value("SELECT * FROM t WHERE a = -P1D")->text, "-P1D");
  EXPECT_EQ(where_value("SELECT * FROM t WHERE a = P0001-01-01T00:00:00")->kind, Term::Kind::kDuration);
}

TEST(ParserTest, CollectionTerms) {
  auto l = where_value("SELECT * FROM t WHERE a = [1, [2, 3], []]");
  EXPECT_EQ(l->kind, Term::Kind::kList);
  ASSERT_EQ(l->elements.size(), 3u);
  EXPECT_EQ(l->elements[1]->kind, Term::Kind::kList);
  EXPECT_TRUE(l->elements[2]->elements.empty());

  auto set = where_value("SELECT * FROM t WHERE a = {1, 2, 3}");
  EXPECT_EQ(set->kind, Term::Kind::kSet);
  EXPECT_EQ(set->elements.size(), 3u);

  auto map = where_value("SELECT * FROM t WHERE a = {'k': 1, 'j': {2}}");
  EXPECT_EQ(map->kind, Term::Kind::kMap);
  ASSERT_EQ(map->elements.size(), 4u);
  EXPECT_EQ(map->elements[0]->text, "k");
  EXPECT_EQ(map->elements[3]->kind, Term::Kind::kSet);

  auto empty = where_value("SELECT * FROM t WHERE a = {}");
  EXPECT_EQ(empty->kind, Term::Kind::kMap);
  EXPECT_TRUE(empty->elements.empty());

  auto udt = where_value("SELECT * FROM t WHERE a = {Street: 'x', \"Zip\": 1, city: {n: null}}");
  EXPECT_EQ(udt->kind, Term::Kind::kUdt);
  EXPECT_EQ(udt->field_names, (std::vector<std::string>{"street", "Zip", "city"}));
  EXPECT_EQ(udt->elements[2]->kind, Term::Kind::kUdt);

  auto tuple = where_value("SELECT * FROM t WHERE a = (1, 'a', (2, 3))");
  EXPECT_EQ(tuple->kind, Term::Kind::kTuple);
  EXPECT_EQ(tuple->elements.size(), 3u);
  EXPECT_EQ(tuple->elements[2]->kind, Term::Kind::kTuple);
}

TEST(ParserTest, FunctionAndCastTerms) {
  auto f = where_value("SELECT * FROM t WHERE a = toTimestamp(now())");
  EXPECT_EQ(f->kind, Term::Kind::kFunctionCall);
  EXPECT_EQ(f->name, "totimestamp");
  ASSERT_EQ(f->elements.size(), 1u);
  EXPECT_EQ(f->elements[0]->name, "now");
  EXPECT_TRUE(f->elements[0]->elements.empty());

  auto q = where_value("SELECT * FROM t WHERE a = ks.\"MyFn\"(0x01, ?)");
  EXPECT_EQ(q->name, "ks.MyFn");
  EXPECT_EQ(q->elements[0]->kind, Term::Kind::kHex);

  auto c = where_value("SELECT * FROM t WHERE a = (int) ?");
  EXPECT_EQ(c->kind, Term::Kind::kCast);
  EXPECT_EQ(c->name, "int");
  EXPECT_EQ(c->elements[0]->kind, Term::Kind::kBindMarker);

  auto c2 = where_value("SELECT * FROM t WHERE a = (frozen<list<TEXT>>) ['a']");
  EXPECT_EQ(c2->name, "frozen<list<text>>");
  // A parenthesised function call is a one-element tuple, not a cast.
  EXPECT_EQ(where_value("SELECT * FROM t WHERE a = (now())")->kind, Term::Kind::kTuple);
  EXPECT_EQ(where_value("SELECT * FROM t WHERE a = blobAsInt(0x00000001)")->name, "blobasint");
}

TEST(ParserTest, BindMarkersNumberedInTextOrder) {
  ParsedStatement p = parse_statement(
      "UPDATE t USING TTL ? SET a = :x, b = ?, c[?] = :Y WHERE k = ? AND c IN ? AND d IN (?, :x) IF e = ?");
  EXPECT_EQ(p.bind_count, 10);
  EXPECT_EQ(p.bind_names, (std::vector<std::string>{"", "x", "", "", "y", "", "", "", "x", ""}));
  const auto& u = std::get<UpdateStatement>(p.statement);
  EXPECT_EQ(u.using_clause.ttl->bind_index, 0);
  EXPECT_EQ(u.assignments[0].value->bind_index, 1);
  EXPECT_EQ(u.assignments[0].value->bind_name, "x");
  EXPECT_EQ(u.assignments[2].key->bind_index, 3);
  EXPECT_EQ(u.where[1].value->bind_index, 6);
  EXPECT_EQ(u.where[2].in_values[1]->bind_index, 8);
  EXPECT_EQ(u.conditions[0].value->bind_index, 9);

  ParsedStatement ins = parse_statement("INSERT INTO t (a, b) VALUES (:v, :v) USING TIMESTAMP :\"TS\"");
  EXPECT_EQ(ins.bind_count, 3);
  EXPECT_EQ(ins.bind_names, (std::vector<std::string>{"v", "v", "TS"}));
  EXPECT_EQ(parse_statement("SELECT * FROM t").bind_count, 0);
}

// ---- SELECT

TEST(ParserTest, SelectClauses) {
  auto s = parse_as<SelectStatement>(
      "SELECT JSON DISTINCT a, b AS \"B\" FROM ks.t WHERE a = 1 AND b > 2 GROUP BY a, b ORDER BY b DESC, c "
      "ASC, d "
      "PER PARTITION LIMIT 2 LIMIT ? ALLOW FILTERING;");
  EXPECT_TRUE(s.json);
  EXPECT_TRUE(s.distinct);
  ASSERT_EQ(s.selectors.size(), 2u);
  EXPECT_EQ(s.selectors[1].alias, "B");
  EXPECT_EQ(s.group_by, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(s.order_by.size(), 3u);
  EXPECT_EQ(s.order_by[0], std::make_pair(std::string("b"), true));
  EXPECT_EQ(s.order_by[1], std::make_pair(std::string("c"), false));
  EXPECT_EQ(s.order_by[2], std::make_pair(std::string("d"), false));
  EXPECT_EQ(s.per_partition_limit->text, "2");
  EXPECT_EQ(s.limit->kind, Term::Kind::kBindMarker);
  EXPECT_TRUE(s.allow_filtering);

  auto plain = parse_as<SelectStatement>("SELECT json, distinct FROM t");
  EXPECT_FALSE(plain.json);
  EXPECT_FALSE(plain.distinct);
  EXPECT_EQ(plain.selectors.size(), 2u);
  auto star = parse_as<SelectStatement>("SELECT JSON * FROM t LIMIT 10");
  EXPECT_TRUE(star.json);
  EXPECT_TRUE(star.selectors.empty());
  EXPECT_EQ(star.limit->text, "10");
}

TEST(ParserTest, Selectors) {
  auto s = parse_as<SelectStatement>(
      "SELECT writetime(a), TTL(b), token(k1, k2), count(*), COUNT(1), count(c) AS n, min(a), max(a), "
      "sum(a), "
      "avg(a), toJson(a), now(), CAST(a AS text), u.f.g, 'lit', ?, ks.fn(a, 2) FROM t");
  ASSERT_EQ(s.selectors.size(), 17u);
  EXPECT_EQ(s.selectors[0].kind, Selector::Kind::kFunction);
  EXPECT_EQ(s.selectors[0].name, "writetime");
  EXPECT_EQ(s.selectors[0].args[0].name, "a");
  EXPECT_EQ(s.selectors[1].name, "ttl");
  EXPECT_EQ(s.selectors[2].name, "token");
  EXPECT_EQ(s.selectors[2].args.size(), 2u);
  EXPECT_EQ(s.selectors[3].kind, Selector::Kind::kCountStar);
  EXPECT_EQ(s.selectors[4].kind, Selector::Kind::kCountStar);
  EXPECT_EQ(s.selectors[5].kind, Selector::Kind::kFunction);
  EXPECT_EQ(s.selectors[5].name, "count");
  EXPECT_EQ(s.selectors[5].alias, "n");
  EXPECT_EQ(s.selectors[10].name, "tojson");
  EXPECT_TRUE(s.selectors[11].args.empty());
  EXPECT_EQ(s.selectors[12].kind, Selector::Kind::kCast);
  EXPECT_EQ(s.selectors[12].name, "text");
  EXPECT_EQ(s.selectors[12].args[0].name, "a");
  EXPECT_EQ(s.selectors[13].kind, Selector::Kind::kField);
  EXPECT_EQ(s.selectors[13].name, "g");
  EXPECT_EQ(s.selectors[13].args[0].kind, Selector::Kind::kField);
  EXPECT_EQ(s.selectors[13].args[0].name, "f");
  EXPECT_EQ(s.selectors[13].args[0].args[0].name, "u");
  EXPECT_EQ(s.selectors[14].kind, Selector::Kind::kTerm);
  EXPECT_EQ(s.selectors[14].term->text, "lit");
  EXPECT_EQ(s.selectors[15].term->kind, Term::Kind::kBindMarker);
  EXPECT_EQ(s.selectors[16].name, "ks.fn");
  EXPECT_EQ(s.selectors[16].args[1].kind, Selector::Kind::kTerm);
}

TEST(ParserTest, Relations) {
  auto s = parse_as<SelectStatement>(
      "SELECT * FROM t WHERE a != 1 AND b < 2 AND c <= 3 AND d > 4 AND e >= 5 AND f IN (1, 2) AND g IN ? AND "
      "h CONTAINS 'x' AND i CONTAINS KEY 'y' AND j LIKE 'a%' AND k IS NOT NULL AND m['key'] = 'v' AND n IN "
      "()");
  ASSERT_EQ(s.where.size(), 13u);
  using Op = Relation::Op;
  std::vector<Op> ops;
  for (const auto& r : s.where) ops.push_back(r.op);
  EXPECT_EQ(ops,
            (std::vector<Op>{Op::kNeq, Op::kLt, Op::kLe, Op::kGt, Op::kGe, Op::kIn, Op::kIn, Op::kContains,
                             Op::kContainsKey, Op::kLike, Op::kIsNotNull, Op::kEq, Op::kIn}));
  EXPECT_EQ(s.where[5].in_values.size(), 2u);
  EXPECT_EQ(s.where[5].value, nullptr);
  EXPECT_EQ(s.where[6].value->kind, Term::Kind::kBindMarker);
  EXPECT_TRUE(s.where[6].in_values.empty());
  EXPECT_EQ(s.where[10].value, nullptr);
  EXPECT_EQ(s.where[11].map_key->text, "key");
  EXPECT_EQ(s.where[11].value->text, "v");
  EXPECT_TRUE(s.where[12].in_values.empty());
}

TEST(ParserTest, MultiColumnAndTokenRelations) {
  auto s = parse_as<SelectStatement>(
      "SELECT * FROM t WHERE (a, b) > (1, 2) AND (a, b) IN ((1, 2), (3, 4)) AND (a,b) = ? AND (c) IN ? AND "
      "token(a, b) > token(?, ?) AND TOKEN(a) <= 123 AND token(a) > ?");
  ASSERT_EQ(s.where.size(), 7u);
  EXPECT_TRUE(s.where[0].multi_column);
  EXPECT_EQ(s.where[0].columns, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(s.where[0].value->kind, Term::Kind::kTuple);
  EXPECT_EQ(s.where[1].op, Relation::Op::kIn);
  ASSERT_EQ(s.where[1].in_values.size(), 2u);
  EXPECT_EQ(s.where[1].in_values[1]->kind, Term::Kind::kTuple);
  EXPECT_EQ(s.where[2].value->kind, Term::Kind::kBindMarker);
  EXPECT_EQ(s.where[3].value->kind, Term::Kind::kBindMarker);
  EXPECT_TRUE(s.where[3].multi_column);
  EXPECT_TRUE(s.where[4].token);
  EXPECT_FALSE(s.where[4].multi_column);
  EXPECT_EQ(s.where[4].op, Relation::Op::kGt);
  EXPECT_EQ(s.where[4].value->kind, Term::Kind::kFunctionCall);
  EXPECT_EQ(s.where[4].value->name, "token");
  EXPECT_EQ(s.where[4].value->elements.size(), 2u);
  EXPECT_EQ(s.where[5].value->text, "123");
  EXPECT_EQ(s.where[6].value->kind, Term::Kind::kBindMarker);
}

// ---- INSERT / UPDATE / DELETE

TEST(ParserTest, Insert) {
  auto s = parse_as<InsertStatement>(
      "INSERT INTO ks.t (a, \"B\", c) VALUES (1, 'x', [1, 2]) IF NOT EXISTS USING TTL 10 AND TIMESTAMP 123");
  EXPECT_EQ(s.table.keyspace, "ks");
  EXPECT_EQ(s.columns, (std::vector<std::string>{"a", "B", "c"}));
  ASSERT_EQ(s.values.size(), 3u);
  EXPECT_EQ(s.values[2]->kind, Term::Kind::kList);
  EXPECT_TRUE(s.if_not_exists);
  EXPECT_EQ(s.using_clause.ttl->text, "10");
  EXPECT_EQ(s.using_clause.timestamp->text, "123");
  EXPECT_EQ(s.json, nullptr);

  auto j = parse_as<InsertStatement>("INSERT INTO t JSON '{\"a\": 1}' DEFAULT UNSET");
  ASSERT_NE(j.json, nullptr);
  EXPECT_EQ(j.json->text, "{\"a\": 1}");
  EXPECT_TRUE(j.json_default_unset);
  EXPECT_TRUE(j.columns.empty());
  auto j2 = parse_as<InsertStatement>("INSERT INTO t JSON ? DEFAULT NULL USING TTL 5");
  EXPECT_EQ(j2.json->kind, Term::Kind::kBindMarker);
  EXPECT_FALSE(j2.json_default_unset);

  EXPECT_EQ(code_of("INSERT INTO t (a, b) VALUES (1)"), ErrorCode::kInvalid);
}

TEST(ParserTest, UpdateAssignments) {
  auto s = parse_as<UpdateStatement>(
      "UPDATE ks.t USING TIMESTAMP 5 SET a = 1, b = b + {1}, c = [1] + c, d['k'] = 'v', e.f = 2, n += 1, "
      "m -= {'x'}, o = o - 3, p = p + -1 WHERE k = 0 IF EXISTS");
  ASSERT_EQ(s.assignments.size(), 9u);
  using Op = Assignment::Op;
  EXPECT_EQ(s.assignments[0].op, Op::kSet);
  EXPECT_EQ(s.assignments[1].op, Op::kAdd);
  EXPECT_EQ(s.assignments[1].value->kind, Term::Kind::kSet);
  EXPECT_EQ(s.assignments[2].op, Op::kPrepend);
  EXPECT_EQ(s.assignments[2].value->kind, Term::Kind::kList);
  EXPECT_EQ(s.assignments[3].op, Op::kSetElement);
  EXPECT_EQ(s.assignments[3].key->text, "k");
  EXPECT_EQ(s.assignments[4].op, Op::kSetField);
  EXPECT_EQ(s.assignments[4].field, "f");
  EXPECT_EQ(s.assignments[5].op, Op::kAdd);
  EXPECT_EQ(s.assignments[6].op, Op::kSubtract);
  EXPECT_EQ(s.assignments[7].op, Op::kSubtract);
  EXPECT_EQ(s.assignments[7].value->text, "3");
  EXPECT_EQ(s.assignments[8].op, Op::kAdd);
  EXPECT_EQ(s.assignments[8].value->text, "-1");
  EXPECT_TRUE(s.if_exists);
  EXPECT_EQ(s.using_clause.timestamp->text, "5");

  EXPECT_EQ(code_of("UPDATE t SET a = b + 1 WHERE k = 0"), ErrorCode::kInvalid);
  EXPECT_EQ(parse_as<UpdateStatement>("UPDATE t SET a = now() WHERE k = 0").assignments[0].op, Op::kSet);
}

TEST(ParserTest, UpdateConditions) {
  auto s = parse_as<UpdateStatement>(
      "UPDATE t SET a = 1 WHERE k = 0 IF a = 1 AND b[2] != null AND c.f > 3 AND d IN (1, 2) AND e IN ? AND "
      "f CONTAINS 1 AND g CONTAINS KEY 'k'");
  ASSERT_EQ(s.conditions.size(), 7u);
  EXPECT_FALSE(s.if_exists);
  EXPECT_EQ(s.conditions[1].element->text, "2");
  EXPECT_EQ(s.conditions[1].op, Relation::Op::kNeq);
  EXPECT_EQ(s.conditions[1].value->kind, Term::Kind::kNull);
  EXPECT_EQ(s.conditions[2].field, "f");
  EXPECT_EQ(s.conditions[3].in_values.size(), 2u);
  EXPECT_EQ(s.conditions[4].value->kind, Term::Kind::kBindMarker);
  EXPECT_EQ(s.conditions[5].op, Relation::Op::kContains);
  EXPECT_EQ(s.conditions[6].op, Relation::Op::kContainsKey);
  // `exists` as a column name in a condition.
  auto e = parse_as<UpdateStatement>("UPDATE t SET a = 1 WHERE k = 0 IF exists = 1");
  EXPECT_FALSE(e.if_exists);
  ASSERT_EQ(e.conditions.size(), 1u);
  EXPECT_EQ(e.conditions[0].column, "exists");
}

TEST(ParserTest, Delete) {
  auto s = parse_as<DeleteStatement>(
      "DELETE a, m['k'], u.f FROM ks.t USING TIMESTAMP 42 WHERE k = 1 AND c IN (1, 2) IF a = 3");
  ASSERT_EQ(s.targets.size(), 3u);
  EXPECT_EQ(s.targets[0].column, "a");
  EXPECT_EQ(s.targets[1].element->text, "k");
  EXPECT_EQ(s.targets[2].field, "f");
  EXPECT_EQ(s.using_clause.timestamp->text, "42");
  EXPECT_EQ(s.where.size(), 2u);
  EXPECT_EQ(s.conditions.size(), 1u);

  auto all = parse_as<DeleteStatement>("DELETE FROM t WHERE k = 1 IF EXISTS");
  EXPECT_TRUE(all.targets.empty());
  EXPECT_TRUE(all.if_exists);
  EXPECT_NE(error_of("DELETE FROM t USING TTL 4 WHERE k = 1"), "");
}

// ---- errors

TEST(ParserErrorTest, Typos) {
  EXPECT_EQ(error_of("SELEC * FROM t"), "line 1:0 no viable alternative at input 'SELEC'");
  EXPECT_EQ(error_of("SELECT * FORM t"), "line 1:9 mismatched input 'FORM' expecting FROM");
  EXPECT_EQ(error_of("SELECT * FROM t WHERE"), "line 1:21 mismatched input '<EOF>' expecting column name");
  EXPECT_EQ(error_of("SELECT * FROM t\nWHERE a = 1 LIMIT 1 garbage"),
            "line 2:20 extraneous input 'garbage' expecting <EOF>");
  EXPECT_EQ(error_of("SELECT * FROM t WHERE a = foo"), "line 1:26 no viable alternative at input 'foo'");
  EXPECT_EQ(error_of("INSERT INTO t (a) VALUES (1"), "line 1:27 mismatched input '<EOF>' expecting ')'");
  EXPECT_EQ(code_of("SELEC * FROM t"), ErrorCode::kSyntaxError);
  EXPECT_EQ(code_of("SELECT * FROM t WHERE a = 1 OR b = 2"), ErrorCode::kSyntaxError);
}

TEST(ParserErrorTest, EmptyStatement) {
  EXPECT_EQ(code_of(""), ErrorCode::kSyntaxError);
  EXPECT_EQ(code_of("   ;"), ErrorCode::kSyntaxError);
  EXPECT_EQ(code_of("-- only a comment"), ErrorCode::kSyntaxError);
  EXPECT_EQ(error_of(""), "line 1:0 no viable alternative at input '<EOF>'");
}

TEST(ParserErrorTest, TrailingSemicolonsAndComments) {
  EXPECT_EQ(error_of("SELECT * FROM t; ;; -- done"), "");
  EXPECT_EQ(error_of("/* lead */ SELECT * // x\n FROM t"), "");
  EXPECT_NE(error_of("SELECT * FROM t; SELECT * FROM u"), "");
}

TEST(ParserErrorTest, LongTokenIsShortenedInMessages) {
  std::string q = "SELECT * FROM t WHERE a = 1 " + std::string(500, 'x');
  std::string e = error_of(q);
  EXPECT_LT(e.size(), 200u);
  EXPECT_NE(e.find("extraneous input 'xxx"), std::string::npos);
}

// ---- limits

TEST(ParserLimitsTest, DeepNestingIsAnErrorNotACrash) {
  for (const char* open : {"[", "{", "(", "f("}) {
    std::string q = "SELECT * FROM t WHERE a = ";
    for (int i = 0; i < 10000; ++i) q += open;
    std::string e = error_of(q);
    EXPECT_NE(e.find("nesting too deep (limit 64)"), std::string::npos) << open << ": " << e;
    EXPECT_EQ(code_of(q), ErrorCode::kSyntaxError);
  }
  std::string sel = "SELECT ";
  for (int i = 0; i < 10000; ++i) sel += "f(";
  EXPECT_NE(error_of(sel).find("nesting too deep"), std::string::npos);
  std::string type = "CREATE TABLE t (k int PRIMARY KEY, v ";
  for (int i = 0; i < 10000; ++i) type += "frozen<";
  EXPECT_NE(error_of(type).find("nesting too deep"), std::string::npos);
  std::string cast = "SELECT * FROM t WHERE a = ";
  for (int i = 0; i < 10000; ++i) cast += "(int) ";
  EXPECT_NE(error_of(cast).find("nesting too deep"), std::string::npos);
}

TEST(ParserLimitsTest, NestingAtTheLimitParses) {
  std::string q = "SELECT * FROM t WHERE a = " + std::string(64, '[') + std::string(64, ']');
  EXPECT_EQ(error_of(q), "");
  q = "SELECT * FROM t WHERE a = " + std::string(65, '[') + std::string(65, ']');
  EXPECT_NE(error_of(q), "");
  ParserLimits small;
  small.max_nesting = 2;
  EXPECT_EQ(error_of("SELECT * FROM t WHERE a = [[1]]", small), "");
  EXPECT_EQ(error_of("SELECT * FROM t WHERE a = [[[1]]]", small), "line 1:28 nesting too deep (limit 2)");
}

TEST(ParserLimitsTest, TooManyWhereRelations) {
  auto query = [](int n) {
    std::string q = "SELECT * FROM t WHERE a0 = 0";
    for (int i = 1; i < n; ++i) q += " AND a" + std::to_string(i) + " = " + std::to_string(i);
    return q;
  };
  EXPECT_EQ(parse_as<SelectStatement>(query(100)).where.size(), 100u);
  EXPECT_EQ(code_of(query(101)), ErrorCode::kInvalid);
  EXPECT_EQ(error_of(query(150)), "Too many WHERE relations: 150 (limit 100)");
  ParserLimits limits;
  limits.max_where_relations = 2;
  EXPECT_EQ(error_of("DELETE FROM t WHERE a = 1 AND b = 2 AND c = 3", limits),
            "Too many WHERE relations: 3 (limit 2)");
}

TEST(ParserLimitsTest, HugeFlatInputsParse) {
  std::string q = "SELECT * FROM t WHERE a IN (0";
  for (int i = 1; i < 100000; ++i) q += ", " + std::to_string(i);
  q += ")";
  EXPECT_EQ(parse_as<SelectStatement>(q).where[0].in_values.size(), 100000u);
}

TEST(ParserLimitsTest, RandomInputOnlyThrowsCqlError) {
  // Token soup and byte noise: every outcome is a parse or a CqlError, never a crash.
  const char* vocab[] = {"SELECT", "*",      "FROM", "t",     "WHERE", "a",     "=",      "1",      "AND",
                         "(",      ")",      "[",    "]",     "{",     "}",     ",",      ";",      ".",
                         "?",      ":x",     "'s'",  "-",     "+",     "IN",    "token",  "INSERT", "INTO",
                         "VALUES", "UPDATE", "SET",  "BEGIN", "BATCH", "APPLY", "CREATE", "TABLE",  "WITH",
                         "frozen", "<",      ">",    "map",   "int",   "IF",    "NOT",    "EXISTS", "CAST",
                         "AS",     "count",  "null", "1h",    "0xff",  "\"Q\"", "$$d$$",  "-=",     "IS"};
  const size_t n = sizeof(vocab) / sizeof(vocab[0]);
  std::mt19937 rng(12345);
  for (int iter = 0; iter < 3000; ++iter) {
    std::string q;
    for (int i = static_cast<int>(rng() % 30); i > 0; --i) q += std::string(vocab[rng() % n]) + " ";
    if (iter % 3 == 0 && !q.empty()) q[rng() % q.size()] = static_cast<char>(rng() % 256);
    try {
      parse_statement(q);
    } catch (const CqlError&) {
    }
    split_statements(q);
  }
}

// ---- split_statements

TEST(SplitStatementsTest, Basic) {
  EXPECT_EQ(split_statements("SELECT 1; SELECT 2;\n\nSELECT 3"),
            (std::vector<std::string>{"SELECT 1", "SELECT 2", "SELECT 3"}));
  EXPECT_EQ(split_statements(" ; ;; "), std::vector<std::string>{});
  EXPECT_EQ(split_statements(""), std::vector<std::string>{});
}

TEST(SplitStatementsTest, SemicolonsInsideStringsAndComments) {
  auto parts = split_statements(
      "INSERT INTO t (a) VALUES ('x;y''z;');\n"
      "-- a comment; with a semicolon\n"
      "INSERT INTO \"we;ird\" (a) VALUES ($$p;q$$); /* c; d */ SELECT 1;\n"
      "-- trailing comment only\n");
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0], "INSERT INTO t (a) VALUES ('x;y''z;')");
  EXPECT_EQ(parts[1], "-- a comment; with a semicolon\nINSERT INTO \"we;ird\" (a) VALUES ($$p;q$$)");
  EXPECT_EQ(parts[2], "/* c; d */ SELECT 1");
  for (const auto& p : parts) {
    if (p.find("SELECT 1") == std::string::npos) {
      EXPECT_EQ(error_of(p), "") << p;
    }
  }
}

TEST(SplitStatementsTest, BatchStaysWhole) {
  auto parts = split_statements(
      "BEGIN BATCH INSERT INTO t (a) VALUES (1); UPDATE t SET b = 2 WHERE a = 1; APPLY BATCH; SELECT * FROM "
      "t;");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0],
            "BEGIN BATCH INSERT INTO t (a) VALUES (1); UPDATE t SET b = 2 WHERE a = 1; APPLY BATCH");
  EXPECT_EQ(parts[1], "SELECT * FROM t");
  EXPECT_EQ(error_of(parts[0]), "");
}

TEST(SplitStatementsTest, UnterminatedStringKeepsTheRest) {
  auto parts = split_statements("SELECT 1; SELECT 'abc; def");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[1], "SELECT 'abc; def");
}

}  // namespace
}  // namespace krill::cql
