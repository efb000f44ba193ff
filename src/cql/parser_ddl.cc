// Schema statements: USE, CREATE/ALTER/DROP of keyspaces, tables, types, indexes and
// materialized views, TRUNCATE and DESCRIBE.
#include "common/error.h"
#include "cql/parser_internal.h"

namespace krill::cql::internal {

UseStatement Parser::parse_use() {
  expect_kw("use");
  UseStatement s;
  s.keyspace = parse_name("keyspace name");
  return s;
}

TruncateStatement Parser::parse_truncate() {
  expect_kw("truncate");
  if (!accept_kw("table")) accept_kw("columnfamily");
  TruncateStatement s;
  s.table = parse_qualified_name("table name");
  return s;
}

Statement Parser::parse_create() {
  expect_kw("create");
  if (at_kw("keyspace") || at_kw("schema")) return parse_create_keyspace();
  if (at_kw("table") || at_kw("columnfamily")) return parse_create_table();
  if (at_kw("type")) return parse_create_type();
  if (at_kw("index") || (at_kw("custom") && at_kw("index", 1))) return parse_create_index();
  if (at_kw("materialized") && at_kw("view", 1)) return parse_create_view();
  fail_no_viable();
}

Statement Parser::parse_alter() {
  expect_kw("alter");
  if (accept_kw("keyspace") || accept_kw("schema")) {
    AlterKeyspaceStatement s;
    s.if_exists = parse_if_exists();
    s.keyspace = parse_name("keyspace name");
    expect_kw("with");
    parse_properties(s.properties, {});
    return s;
  }
  if (at_kw("table") || at_kw("columnfamily")) return parse_alter_table();
  if (at_kw("type")) return parse_alter_type();
  if (at_kw("materialized") && at_kw("view", 1)) {
    advance();
    advance();
    AlterViewStatement s;
    s.view = parse_qualified_name("view name");
    expect_kw("with");
    parse_properties(s.properties, {});
    return s;
  }
  fail_no_viable();
}

Statement Parser::parse_drop() {
  expect_kw("drop");
  if (accept_kw("keyspace") || accept_kw("schema")) {
    DropKeyspaceStatement s;
    s.if_exists = parse_if_exists();
    s.keyspace = parse_name("keyspace name");
    return s;
  }
  if (accept_kw("table") || accept_kw("columnfamily")) {
    DropTableStatement s;
    s.if_exists = parse_if_exists();
    s.table = parse_qualified_name("table name");
    return s;
  }
  if (accept_kw("type")) {
    DropTypeStatement s;
    s.if_exists = parse_if_exists();
    s.type = parse_qualified_name("type name");
    return s;
  }
  if (accept_kw("index")) {
    DropIndexStatement s;
    s.if_exists = parse_if_exists();
    s.index = parse_qualified_name("index name");
    return s;
  }
  if (at_kw("materialized") && at_kw("view", 1)) {
    advance();
    advance();
    DropViewStatement s;
    s.if_exists = parse_if_exists();
    s.view = parse_qualified_name("view name");
    return s;
  }
  fail_no_viable();
}

CreateKeyspaceStatement Parser::parse_create_keyspace() {
  advance();  // KEYSPACE or SCHEMA
  CreateKeyspaceStatement s;
  s.if_not_exists = parse_if_not_exists();
  s.keyspace = parse_name("keyspace name");
  expect_kw("with");
  parse_properties(s.properties, {});
  return s;
}

ColumnDefinition Parser::parse_column_definition() {
  ColumnDefinition c;
  c.name = parse_name("column name");
  c.type = parse_type();
  c.is_static = accept_kw("static");
  return c;
}

void Parser::parse_primary_key(std::vector<std::string>& partition, std::vector<std::string>& clustering) {
  expect(TokenKind::kLParen);
  if (accept(TokenKind::kLParen)) {
    do {
      partition.push_back(parse_name("column name"));
    } while (accept(TokenKind::kComma));
    expect(TokenKind::kRParen);
  } else {
    partition.push_back(parse_name("column name"));
  }
  while (accept(TokenKind::kComma)) clustering.push_back(parse_name("column name"));
  expect(TokenKind::kRParen);
}

CreateTableStatement Parser::parse_create_table() {
  advance();  // TABLE or COLUMNFAMILY
  CreateTableStatement s;
  s.if_not_exists = parse_if_not_exists();
  s.table = parse_qualified_name("table name");
  expect(TokenKind::kLParen);
  bool key_seen = false;
  auto key_once = [&]() {
    if (key_seen) common::throw_invalid("Multiple PRIMARY KEYs specified (exactly one required)");
    key_seen = true;
  };
  do {
    if (at(TokenKind::kRParen)) break;  // a trailing comma is accepted
    if (at_kw("primary") && at_kw("key", 1)) {
      advance();
      advance();
      key_once();
      parse_primary_key(s.partition_key, s.clustering_key);
      continue;
    }
    ColumnDefinition c = parse_column_definition();
    if (accept_kw("primary")) {
      expect_kw("key");
      key_once();
      c.is_primary_key = true;
      s.partition_key.push_back(c.name);
    }
    s.columns.push_back(std::move(c));
  } while (accept(TokenKind::kComma));
  expect(TokenKind::kRParen);
  if (!key_seen) {
    common::throw_invalid("No PRIMARY KEY specified for table '" + s.table.name + "' (exactly one required)");
  }
  if (accept_kw("with")) {
    TableOptions options;
    options.clustering_order = &s.clustering_order;
    options.compact_storage = &s.compact_storage;
    parse_properties(s.properties, options);
  }
  return s;
}

AlterTableStatement Parser::parse_alter_table() {
  advance();  // TABLE or COLUMNFAMILY
  AlterTableStatement s;
  s.if_exists = parse_if_exists();
  s.table = parse_qualified_name("table name");
  if (accept_kw("add")) {
    s.kind = AlterTableStatement::Kind::kAdd;
    s.if_not_exists_columns = parse_if_not_exists();
    if (accept(TokenKind::kLParen)) {
      do {
        s.add_columns.push_back(parse_column_definition());
      } while (accept(TokenKind::kComma));
      expect(TokenKind::kRParen);
    } else {
      s.add_columns.push_back(parse_column_definition());
    }
  } else if (accept_kw("drop")) {
    if (at_kw("compact") && at_kw("storage", 1)) {
      common::throw_invalid("ALTER TABLE ... DROP COMPACT STORAGE is not supported");
    }
    s.kind = AlterTableStatement::Kind::kDrop;
    s.if_exists_columns = parse_if_exists();
    if (accept(TokenKind::kLParen)) {
      do {
        s.drop_columns.push_back(parse_name("column name"));
      } while (accept(TokenKind::kComma));
      expect(TokenKind::kRParen);
    } else {
      s.drop_columns.push_back(parse_name("column name"));
    }
    if (accept_kw("using")) {  // DROP ... USING TIMESTAMP t: accepted and ignored
      expect_kw("timestamp");
      if (!at(TokenKind::kInteger)) fail_mismatch("integer");
      advance();
    }
  } else if (accept_kw("rename")) {
    s.kind = AlterTableStatement::Kind::kRename;
    s.if_exists_columns = parse_if_exists();
    do {
      std::string from = parse_name("column name");
      expect_kw("to");
      s.renames.emplace_back(std::move(from), parse_name("column name"));
    } while (accept_kw("and"));
  } else if (accept_kw("with")) {
    s.kind = AlterTableStatement::Kind::kWith;
    parse_properties(s.properties, {});
  } else if (accept_kw("alter")) {
    s.kind = AlterTableStatement::Kind::kAlterType;
    s.alter_column = parse_name("column name");
    expect_kw("type");
    s.alter_type = parse_type();
  } else {
    fail_mismatch("ADD, DROP, RENAME, WITH or ALTER");
  }
  return s;
}

CreateTypeStatement Parser::parse_create_type() {
  expect_kw("type");
  CreateTypeStatement s;
  s.if_not_exists = parse_if_not_exists();
  s.type = parse_qualified_name("type name");
  expect(TokenKind::kLParen);
  do {
    if (!s.fields.empty() && at(TokenKind::kRParen)) break;  // a trailing comma is accepted
    std::string name = parse_name("field name");
    s.fields.emplace_back(std::move(name), parse_type());
  } while (accept(TokenKind::kComma));
  expect(TokenKind::kRParen);
  return s;
}

AlterTypeStatement Parser::parse_alter_type() {
  expect_kw("type");
  AlterTypeStatement s;
  s.if_exists = parse_if_exists();
  s.type = parse_qualified_name("type name");
  if (accept_kw("add")) {
    s.kind = AlterTypeStatement::Kind::kAdd;
    s.if_not_exists_field = parse_if_not_exists();
    std::string name = parse_name("field name");
    s.fields.emplace_back(std::move(name), parse_type());
  } else if (accept_kw("rename")) {
    s.kind = AlterTypeStatement::Kind::kRename;
    s.if_exists_field = parse_if_exists();
    do {
      std::string from = parse_name("field name");
      expect_kw("to");
      s.fields.emplace_back(std::move(from), parse_name("field name"));
    } while (accept_kw("and"));
  } else if (accept_kw("alter")) {
    s.kind = AlterTypeStatement::Kind::kAlter;
    std::string name = parse_name("field name");
    expect_kw("type");
    s.fields.emplace_back(std::move(name), parse_type());
  } else {
    fail_mismatch("ADD, RENAME or ALTER");
  }
  return s;
}

CreateIndexStatement Parser::parse_create_index() {
  CreateIndexStatement s;
  s.custom = accept_kw("custom");
  expect_kw("index");
  s.if_not_exists = parse_if_not_exists();
  if (!at_kw("on")) s.name = parse_name("index name");
  expect_kw("on");
  s.table = parse_qualified_name("table name");
  expect(TokenKind::kLParen);
  if ((at_kw("keys") || at_kw("values") || at_kw("entries") || at_kw("full")) && at(TokenKind::kLParen, 1)) {
    s.target_kind = to_lower_ascii(advance().text);
    advance();
    s.column = parse_name("column name");
    expect(TokenKind::kRParen);
  } else {
    s.column = parse_name("column name");
  }
  expect(TokenKind::kRParen);
  if (accept_kw("using")) {
    if (!at(TokenKind::kString)) fail_mismatch("string");
    s.using_class = advance().text;
  }
  if (accept_kw("with")) parse_properties(s.properties, {});
  if (s.custom && s.using_class.empty()) {
    common::throw_invalid("CUSTOM index requires specifying the index class");
  }
  return s;
}

CreateViewStatement Parser::parse_create_view() {
  advance();  // MATERIALIZED
  advance();  // VIEW
  CreateViewStatement s;
  s.if_not_exists = parse_if_not_exists();
  s.view = parse_qualified_name("view name");
  expect_kw("as");
  expect_kw("select");
  parse_selectors(s.selectors);
  expect_kw("from");
  s.base = parse_qualified_name("table name");
  if (accept_kw("where")) parse_where(s.where);
  expect_kw("primary");
  expect_kw("key");
  parse_primary_key(s.partition_key, s.clustering_key);
  if (accept_kw("with")) {
    bool compact_storage = false;  // not valid for views; accepted by the grammar only
    TableOptions options;
    options.clustering_order = &s.clustering_order;
    options.compact_storage = &compact_storage;
    parse_properties(s.properties, options);
    if (compact_storage)
      common::throw_invalid("Cannot use 'COMPACT STORAGE' when defining a materialized view");
  }
  return s;
}

DescribeStatement Parser::parse_describe() {
  advance();  // DESCRIBE or DESC
  DescribeStatement d;
  // A keyword here may also be the first part of a name (DESCRIBE types.t): only a word not
  // followed by '.' is taken as a keyword.
  auto kw = [this](std::string_view word, size_t ahead = 0) {
    return at_kw(word, ahead) && !at(TokenKind::kDot, ahead + 1);
  };
  using Kind = DescribeStatement::Kind;
  auto simple = [&](std::string_view word, Kind kind) {
    if (!kw(word) || at_name(1)) return false;
    advance();
    d.kind = kind;
    return true;
  };
  auto named = [&](std::string_view word, Kind kind, std::string_view what) {
    if (!kw(word) || !at_name(1)) return false;
    advance();
    d.kind = kind;
    d.name = parse_qualified_name(what);
    return true;
  };
  if (simple("cluster", Kind::kCluster) || simple("keyspaces", Kind::kKeyspaces) ||
      simple("tables", Kind::kTables) || simple("columnfamilies", Kind::kTables) ||
      simple("types", Kind::kTypes) || simple("functions", Kind::kFunctions) ||
      simple("aggregates", Kind::kAggregates) || named("type", Kind::kType, "type name") ||
      named("function", Kind::kFunction, "function name") ||
      named("aggregate", Kind::kAggregate, "aggregate name")) {
    // done
  } else if (kw("full") && at_kw("schema", 1)) {
    advance();
    advance();
    d.kind = Kind::kFullSchema;
  } else if (accept_kw("schema")) {
    d.kind = Kind::kSchema;
  } else if ((kw("only") && at_kw("keyspace", 1)) || at_kw("keyspace")) {
    d.only = accept_kw("only");
    advance();
    d.kind = Kind::kKeyspace;
    if (at_name()) d.name.keyspace = parse_name("keyspace name");
  } else if (accept_kw("table") || accept_kw("columnfamily")) {
    d.kind = Kind::kTable;
    d.name = parse_qualified_name("table name");
  } else if (accept_kw("index")) {
    d.kind = Kind::kIndex;
    d.name = parse_qualified_name("index name");
  } else if (kw("materialized") && at_kw("view", 1)) {
    advance();
    advance();
    d.kind = Kind::kMaterializedView;
    d.name = parse_qualified_name("view name");
  } else if (at_name()) {
    d.kind = Kind::kName;
    d.name = parse_qualified_name("name");
  } else {
    fail_no_viable();
  }
  if (accept_kw("with")) {
    expect_kw("internals");
    d.with_internals = true;
  }
  return d;
}

}  // namespace krill::cql::internal
