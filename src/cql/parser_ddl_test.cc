// Tests for the schema statements, BATCH and DESCRIBE.
#include <gtest/gtest.h>

#include <string>

#include "common/error.h"
#include "cql/parser.h"

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

const Property* find_property(const std::vector<Property>& props, const std::string& name) {
  for (const auto& p : props) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

// ---- keyspaces

TEST(DdlTest, CreateKeyspace) {
  auto s = parse_as<CreateKeyspaceStatement>(
      "CREATE KEYSPACE IF NOT EXISTS Ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': "
      "1} "
      "AND durable_writes = false");
  EXPECT_EQ(s.keyspace, "ks");
  EXPECT_TRUE(s.if_not_exists);
  ASSERT_EQ(s.properties.size(), 2u);
  const Property* r = find_property(s.properties, "replication");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->value->kind, Term::Kind::kMap);
  ASSERT_EQ(r->value->elements.size(), 4u);
  EXPECT_EQ(r->value->elements[1]->text, "SimpleStrategy");
  EXPECT_EQ(r->value->elements[3]->kind, Term::Kind::kInteger);
  const Property* d = find_property(s.properties, "durable_writes");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->value->kind, Term::Kind::kBoolean);
  EXPECT_EQ(d->value->text, "false");

  EXPECT_FALSE(parse_as<CreateKeyspaceStatement>("CREATE SCHEMA \"K\" WITH replication = {}").if_not_exists);
  EXPECT_EQ(code_of("CREATE KEYSPACE k WITH a = 1 AND a = 2"), ErrorCode::kSyntaxError);
  EXPECT_NE(error_of("CREATE KEYSPACE k WITH a = ?"), "");
}

TEST(DdlTest, AlterAndDropKeyspace) {
  auto a = parse_as<AlterKeyspaceStatement>("ALTER KEYSPACE IF EXISTS ks WITH durable_writes = true");
  EXPECT_TRUE(a.if_exists);
  EXPECT_EQ(a.keyspace, "ks");
  EXPECT_EQ(a.properties.size(), 1u);
  auto d = parse_as<DropKeyspaceStatement>("DROP KEYSPACE IF EXISTS \"Ks\"");
  EXPECT_TRUE(d.if_exists);
  EXPECT_EQ(d.keyspace, "Ks");
  EXPECT_FALSE(parse_as<DropKeyspaceStatement>("DROP KEYSPACE ks").if_exists);
}

// ---- tables

TEST(DdlTest, CreateTableFull) {
  auto s = parse_as<CreateTableStatement>(
      "CREATE TABLE IF NOT EXISTS ks.t (a int, b TEXT, c timeuuid, d frozen < map < text , int > >, s "
      "set<int> STATIC, \"Quoted\" ks.addr, e \"MyType\", f 'org.example.Custom', g tuple<int, text>, "
      "v vector<float, 3>, PRIMARY KEY ((a, b), c, d)) WITH CLUSTERING ORDER BY (c DESC, d ASC) AND "
      "COMPACT STORAGE AND comment = 'hi' AND gc_grace_seconds = 10 AND compaction = {'class': "
      "'SizeTieredCompactionStrategy'} AND caching = {'keys': 'ALL'} AND speculative_retry = none");
  EXPECT_TRUE(s.if_not_exists);
  EXPECT_EQ(s.table.keyspace, "ks");
  EXPECT_EQ(s.table.name, "t");
  ASSERT_EQ(s.columns.size(), 10u);
  EXPECT_EQ(s.columns[1].type, "text");
  EXPECT_EQ(s.columns[3].type, "frozen<map<text, int>>");
  EXPECT_EQ(s.columns[4].type, "set<int>");
  EXPECT_TRUE(s.columns[4].is_static);
  EXPECT_EQ(s.columns[5].name, "Quoted");
  EXPECT_EQ(s.columns[5].type, "ks.addr");
  EXPECT_EQ(s.columns[6].type, "\"MyType\"");
  EXPECT_EQ(s.columns[7].type, "'org.example.Custom'");
  EXPECT_EQ(s.columns[8].type, "tuple<int, text>");
  EXPECT_EQ(s.columns[9].type, "vector<float, 3>");
  EXPECT_EQ(s.partition_key, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(s.clustering_key, (std::vector<std::string>{"c", "d"}));
  ASSERT_EQ(s.clustering_order.size(), 2u);
  EXPECT_TRUE(s.clustering_order[0].second);
  EXPECT_FALSE(s.clustering_order[1].second);
  EXPECT_TRUE(s.compact_storage);
  ASSERT_EQ(s.properties.size(), 5u);
  EXPECT_EQ(find_property(s.properties, "gc_grace_seconds")->value->text, "10");
  EXPECT_EQ(find_property(s.properties, "speculative_retry")->value->kind, Term::Kind::kString);
  EXPECT_EQ(find_property(s.properties, "compaction")->value->kind, Term::Kind::kMap);
}

TEST(DdlTest, CreateTablePrimaryKeyForms) {
  auto inline_key = parse_as<CreateTableStatement>("CREATE TABLE t (k text PRIMARY KEY, v int,)");
  EXPECT_EQ(inline_key.partition_key, std::vector<std::string>{"k"});
  EXPECT_TRUE(inline_key.clustering_key.empty());
  EXPECT_TRUE(inline_key.columns[0].is_primary_key);
  EXPECT_FALSE(inline_key.columns[1].is_primary_key);

  auto simple = parse_as<CreateTableStatement>("CREATE COLUMNFAMILY t (a int, c int, PRIMARY KEY (a, c))");
  EXPECT_EQ(simple.partition_key, std::vector<std::string>{"a"});
  EXPECT_EQ(simple.clustering_key, std::vector<std::string>{"c"});

  auto system_like = parse_as<CreateTableStatement>(
      "CREATE TABLE system.local (key text, type text, kind text, position int, options map<text, text>, "
      "values list<int>, PRIMARY KEY (key))");
  EXPECT_EQ(system_like.columns.size(), 6u);
  EXPECT_EQ(system_like.columns[2].name, "kind");

  EXPECT_EQ(code_of("CREATE TABLE t (a int, b int)"), ErrorCode::kInvalid);
  EXPECT_EQ(code_of("CREATE TABLE t (a int PRIMARY KEY, b int, PRIMARY KEY (b))"), ErrorCode::kInvalid);
  EXPECT_EQ(code_of("CREATE TABLE t (a map<int> PRIMARY KEY)"), ErrorCode::kSyntaxError);
  EXPECT_EQ(code_of("CREATE TABLE t (a int PRIMARY KEY) WITH CLUSTERING ORDER BY (a)"),
            ErrorCode::kServerError);
}

TEST(DdlTest, AlterTable) {
  using K = AlterTableStatement::Kind;
  auto add = parse_as<AlterTableStatement>("ALTER TABLE ks.t ADD IF NOT EXISTS c list<int>");
  EXPECT_EQ(add.kind, K::kAdd);
  EXPECT_TRUE(add.if_not_exists_columns);
  ASSERT_EQ(add.add_columns.size(), 1u);
  EXPECT_EQ(add.add_columns[0].type, "list<int>");

  auto add2 = parse_as<AlterTableStatement>("ALTER TABLE IF EXISTS t ADD (c1 int, c2 text static)");
  EXPECT_TRUE(add2.if_exists);
  ASSERT_EQ(add2.add_columns.size(), 2u);
  EXPECT_TRUE(add2.add_columns[1].is_static);

  auto drop = parse_as<AlterTableStatement>("ALTER TABLE t DROP IF EXISTS c");
  EXPECT_EQ(drop.kind, K::kDrop);
  EXPECT_TRUE(drop.if_exists_columns);
  EXPECT_EQ(drop.drop_columns, std::vector<std::string>{"c"});
  auto drop2 = parse_as<AlterTableStatement>("ALTER TABLE t DROP (c1, c2) USING TIMESTAMP 5");
  EXPECT_EQ(drop2.drop_columns, (std::vector<std::string>{"c1", "c2"}));

  auto rename = parse_as<AlterTableStatement>("ALTER TABLE t RENAME a TO b AND \"C\" TO d");
  EXPECT_EQ(rename.kind, K::kRename);
  ASSERT_EQ(rename.renames.size(), 2u);
  EXPECT_EQ(rename.renames[1], std::make_pair(std::string("C"), std::string("d")));

  auto with = parse_as<AlterTableStatement>("ALTER TABLE t WITH comment = 'x' AND default_time_to_live = 0");
  EXPECT_EQ(with.kind, K::kWith);
  EXPECT_EQ(with.properties.size(), 2u);

  auto type = parse_as<AlterTableStatement>("ALTER TABLE t ALTER c TYPE blob");
  EXPECT_EQ(type.kind, K::kAlterType);
  EXPECT_EQ(type.alter_column, "c");
  EXPECT_EQ(type.alter_type, "blob");

  EXPECT_EQ(error_of("ALTER TABLE t FOO c"),
            "line 1:14 mismatched input 'FOO' expecting ADD, DROP, RENAME, WITH or ALTER");
}

TEST(DdlTest, DropAndTruncateTable) {
  auto d = parse_as<DropTableStatement>("DROP TABLE IF EXISTS ks.t");
  EXPECT_TRUE(d.if_exists);
  EXPECT_EQ(d.table.keyspace, "ks");
  EXPECT_EQ(parse_as<TruncateStatement>("TRUNCATE ks.t").table.name, "t");
  EXPECT_EQ(parse_as<TruncateStatement>("TRUNCATE TABLE t").table.name, "t");
}

// ---- types

TEST(DdlTest, Types) {
  auto c = parse_as<CreateTypeStatement>(
      "CREATE TYPE IF NOT EXISTS ks.Address (street text, \"Zip\" int, tags frozen<set<text>>)");
  EXPECT_TRUE(c.if_not_exists);
  EXPECT_EQ(c.type.name, "address");
  ASSERT_EQ(c.fields.size(), 3u);
  EXPECT_EQ(c.fields[1], std::make_pair(std::string("Zip"), std::string("int")));
  EXPECT_EQ(c.fields[2].second, "frozen<set<text>>");

  using K = AlterTypeStatement::Kind;
  auto add = parse_as<AlterTypeStatement>("ALTER TYPE ks.address ADD IF NOT EXISTS country text");
  EXPECT_EQ(add.kind, K::kAdd);
  EXPECT_TRUE(add.if_not_exists_field);
  EXPECT_EQ(add.fields[0], std::make_pair(std::string("country"), std::string("text")));
  auto rename = parse_as<AlterTypeStatement>("ALTER TYPE address RENAME a TO b AND c TO d");
  EXPECT_EQ(rename.kind, K::kRename);
  EXPECT_EQ(rename.fields.size(), 2u);
  auto alter = parse_as<AlterTypeStatement>("ALTER TYPE address ALTER a TYPE blob");
  EXPECT_EQ(alter.kind, K::kAlter);
  EXPECT_EQ(alter.fields[0].second, "blob");

  auto d = parse_as<DropTypeStatement>("DROP TYPE IF EXISTS ks.address");
  EXPECT_TRUE(d.if_exists);
  EXPECT_EQ(d.type.keyspace, "ks");
}

// ---- indexes

TEST(DdlTest, Indexes) {
  auto plain = parse_as<CreateIndexStatement>("CREATE INDEX ON ks.t (c)");
  EXPECT_EQ(plain.name, "");
  EXPECT_EQ(plain.table.keyspace, "ks");
  EXPECT_EQ(plain.column, "c");
  EXPECT_EQ(plain.target_kind, "");

  for (const char* kind : {"keys", "values", "entries", "full"}) {
    auto s =
        parse_as<CreateIndexStatement>(std::string("CREATE INDEX IF NOT EXISTS idx ON t (") + kind + "(m))");
    EXPECT_TRUE(s.if_not_exists);
    EXPECT_EQ(s.name, "idx");
    EXPECT_EQ(s.column, "m");
    EXPECT_EQ(s.target_kind, kind);
  }
  auto keys_column = parse_as<CreateIndexStatement>("CREATE INDEX ON t (keys)");
  EXPECT_EQ(keys_column.column, "keys");
  EXPECT_EQ(keys_column.target_kind, "");

  auto custom = parse_as<CreateIndexStatement>(
      "CREATE CUSTOM INDEX i ON t (v) USING 'org.apache.cassandra.index.sasi.SASIIndex' WITH OPTIONS = "
      "{'mode': 'CONTAINS'}");
  EXPECT_TRUE(custom.custom);
  EXPECT_EQ(custom.using_class, "org.apache.cassandra.index.sasi.SASIIndex");
  ASSERT_EQ(custom.properties.size(), 1u);
  EXPECT_EQ(custom.properties[0].name, "options");
  EXPECT_EQ(custom.properties[0].value->kind, Term::Kind::kMap);
  EXPECT_EQ(code_of("CREATE CUSTOM INDEX i ON t (v)"), ErrorCode::kInvalid);

  auto d = parse_as<DropIndexStatement>("DROP INDEX IF EXISTS ks.idx");
  EXPECT_TRUE(d.if_exists);
  EXPECT_EQ(d.index.keyspace, "ks");
  EXPECT_EQ(d.index.name, "idx");
}

// ---- materialized views

TEST(DdlTest, MaterializedViews) {
  auto v = parse_as<CreateViewStatement>(
      "CREATE MATERIALIZED VIEW IF NOT EXISTS ks.v AS SELECT a, b, c FROM ks.t WHERE a IS NOT NULL AND b IS "
      "NOT NULL AND c IS NOT NULL PRIMARY KEY ((b), a, c) WITH CLUSTERING ORDER BY (a DESC) AND comment = "
      "'mv'");
  EXPECT_TRUE(v.if_not_exists);
  EXPECT_EQ(v.view.name, "v");
  EXPECT_EQ(v.selectors.size(), 3u);
  EXPECT_EQ(v.base.name, "t");
  EXPECT_EQ(v.where.size(), 3u);
  EXPECT_EQ(v.where[0].op, Relation::Op::kIsNotNull);
  EXPECT_EQ(v.partition_key, std::vector<std::string>{"b"});
  EXPECT_EQ(v.clustering_key, (std::vector<std::string>{"a", "c"}));
  ASSERT_EQ(v.clustering_order.size(), 1u);
  EXPECT_TRUE(v.clustering_order[0].second);
  EXPECT_EQ(v.properties.size(), 1u);

  auto star = parse_as<CreateViewStatement>(
      "CREATE MATERIALIZED VIEW v AS SELECT * FROM t WHERE k IS NOT NULL AND c IS NOT NULL PRIMARY KEY (c, "
      "k)");
  EXPECT_TRUE(star.selectors.empty());
  EXPECT_EQ(star.partition_key, std::vector<std::string>{"c"});

  auto alter = parse_as<AlterViewStatement>("ALTER MATERIALIZED VIEW ks.v WITH comment = 'x'");
  EXPECT_EQ(alter.view.keyspace, "ks");
  EXPECT_EQ(alter.properties.size(), 1u);
  auto drop = parse_as<DropViewStatement>("DROP MATERIALIZED VIEW IF EXISTS v");
  EXPECT_TRUE(drop.if_exists);
  EXPECT_EQ(drop.view.name, "v");
}

// ---- batch

TEST(BatchTest, Forms) {
  ParsedStatement p = parse_statement(
      "BEGIN BATCH USING TIMESTAMP 10\n"
      "  INSERT INTO t (a, b) VALUES (?, ?);\n"
      "  UPDATE t SET b = ? WHERE a = ?\n"
      "  DELETE FROM t WHERE a = :k;\n"
      "APPLY BATCH;");
  const auto& b = std::get<BatchStatement>(p.statement);
  EXPECT_EQ(b.type, BatchStatement::Type::kLogged);
  EXPECT_EQ(b.using_clause.timestamp->text, "10");
  ASSERT_EQ(b.statements.size(), 3u);
  EXPECT_TRUE(std::holds_alternative<InsertStatement>(b.statements[0]));
  EXPECT_TRUE(std::holds_alternative<UpdateStatement>(b.statements[1]));
  EXPECT_TRUE(std::holds_alternative<DeleteStatement>(b.statements[2]));
  EXPECT_EQ(p.bind_count, 5);
  EXPECT_EQ(p.bind_names.back(), "k");
  EXPECT_EQ(std::get<DeleteStatement>(b.statements[2]).where[0].value->bind_index, 4);

  EXPECT_EQ(parse_as<BatchStatement>("BEGIN UNLOGGED BATCH APPLY BATCH").type,
            BatchStatement::Type::kUnlogged);
  EXPECT_EQ(
      parse_as<BatchStatement>("begin counter batch UPDATE t SET c = c + 1 WHERE k = 1; apply batch").type,
      BatchStatement::Type::kCounter);
  EXPECT_EQ(error_of("BEGIN BATCH SELECT * FROM t APPLY BATCH"),
            "line 1:12 mismatched input 'SELECT' expecting INSERT, UPDATE, DELETE or APPLY BATCH");
  EXPECT_NE(error_of("BEGIN BATCH INSERT INTO t (a) VALUES (1)"), "");
}

TEST(BatchTest, StatementLimit) {
  ParserLimits limits;
  limits.max_batch_statements = 2;
  std::string q = "BEGIN BATCH ";
  for (int i = 0; i < 3; ++i) q += "INSERT INTO t (a) VALUES (" + std::to_string(i) + "); ";
  q += "APPLY BATCH";
  EXPECT_EQ(code_of(q, limits), ErrorCode::kInvalid);
  EXPECT_EQ(error_of(q, limits), "Too many statements in batch: 3 (limit 2)");
  limits.max_batch_statements = 3;
  EXPECT_EQ(error_of(q, limits), "");
}

// ---- describe

TEST(DescribeTest, Forms) {
  using K = DescribeStatement::Kind;
  struct Case {
    const char* cql;
    K kind;
    const char* keyspace;
    const char* name;
  };
  const Case cases[] = {
      {"DESCRIBE CLUSTER", K::kCluster, "", ""},
      {"DESC KEYSPACES", K::kKeyspaces, "", ""},
      {"DESCRIBE KEYSPACE", K::kKeyspace, "", ""},
      {"DESCRIBE KEYSPACE Ks", K::kKeyspace, "ks", ""},
      {"DESCRIBE TABLES", K::kTables, "", ""},
      {"DESCRIBE TABLE ks.t", K::kTable, "ks", "t"},
      {"DESCRIBE COLUMNFAMILY t", K::kTable, "", "t"},
      {"DESCRIBE TYPES", K::kTypes, "", ""},
      {"DESCRIBE TYPE ks.address", K::kType, "ks", "address"},
      {"DESCRIBE FUNCTIONS", K::kFunctions, "", ""},
      {"DESCRIBE FUNCTION ks.f", K::kFunction, "ks", "f"},
      {"DESCRIBE AGGREGATES", K::kAggregates, "", ""},
      {"DESCRIBE AGGREGATE a", K::kAggregate, "", "a"},
      {"DESCRIBE INDEX ks.i", K::kIndex, "ks", "i"},
      {"DESCRIBE MATERIALIZED VIEW v", K::kMaterializedView, "", "v"},
      {"DESCRIBE SCHEMA", K::kSchema, "", ""},
      {"DESCRIBE FULL SCHEMA", K::kFullSchema, "", ""},
      {"DESCRIBE foo", K::kName, "", "foo"},
      {"DESC ks.\"Foo\"", K::kName, "ks", "Foo"},
      {"DESCRIBE types.t", K::kName, "types", "t"},
  };
  for (const Case& c : cases) {
    auto d = parse_as<DescribeStatement>(c.cql);
    EXPECT_EQ(d.kind, c.kind) << c.cql;
    EXPECT_EQ(d.name.keyspace, c.keyspace) << c.cql;
    EXPECT_EQ(d.name.name, c.name) << c.cql;
    EXPECT_FALSE(d.only);
    EXPECT_FALSE(d.with_internals);
  }
  auto only = parse_as<DescribeStatement>("DESCRIBE ONLY KEYSPACE ks WITH INTERNALS");
  EXPECT_EQ(only.kind, K::kKeyspace);
  EXPECT_TRUE(only.only);
  EXPECT_TRUE(only.with_internals);
  EXPECT_EQ(only.name.keyspace, "ks");
  EXPECT_TRUE(parse_as<DescribeStatement>("DESC FULL SCHEMA WITH INTERNALS;").with_internals);
  EXPECT_NE(error_of("DESCRIBE TABLE"), "");
  EXPECT_NE(error_of("DESCRIBE"), "");
}

// ---- unsupported statements give a syntax error naming the token

TEST(DdlTest, UnsupportedStatements) {
  EXPECT_EQ(error_of("CREATE FUNCTION f() RETURNS int"),
            "line 1:7 no viable alternative at input 'FUNCTION'");
  EXPECT_EQ(code_of("GRANT ALL ON ks TO r"), ErrorCode::kSyntaxError);
  EXPECT_EQ(code_of("ALTER TABLE t DROP COMPACT STORAGE"), ErrorCode::kInvalid);
}

}  // namespace
}  // namespace krill::cql
