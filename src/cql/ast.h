// The CQL abstract syntax tree produced by the parser (parser.h).
//
// Identifiers are already normalised: unquoted names are lower-cased, "quoted" names
// keep their case and lose the quotes. Keyspace qualifiers are "" when absent.
// Terms keep literal text unconverted: only the executor knows the target type.
// Everything here is a plain value; a parsed statement is immutable and may be shared
// between threads (prepared statements are).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace krill::cql {

struct Term;
using TermPtr = std::shared_ptr<const Term>;

struct Term {
  enum class Kind {
    kNull,          // NULL
    kString,        // 'text' or $$text$$; `text` holds the unescaped contents
    kInteger,       // 42, -7; `text` holds the digits with sign
    kFloat,         // 1.5, -2e10, NaN, Infinity, -Infinity; `text` as written, except that the
                    // words NaN/Infinity (any case) are spelled "NaN", "Infinity", "-Infinity"
    kBoolean,       // true/false; `text` is "true" or "false"
    kUuid,          // bare uuid; `text`
    kHex,           // 0xCAFE; `text` holds the hex digits without 0x
    kDuration,      // 1h30m, P1D, ...; `text` as written
    kBindMarker,    // ? or :name; see bind_index / bind_name
    kList,          // [a, b]; `elements`
    kSet,           // {a, b}; `elements`
    kMap,           // {k: v, ...}; `elements` holds k0, v0, k1, v1, ... ; {} is an empty kMap
    kTuple,         // (a, b); `elements`
    kUdt,           // {field: value, ...}; `field_names` and `elements` in the same order
    kFunctionCall,  // name(args); `name` (possibly "ks.fn"), `elements` are the arguments
    kCast,          // (type) term; `name` is the type text, elements[0] the term
  };
  Kind kind = Kind::kNull;
  std::string text;
  int bind_index = -1;    // kBindMarker: 0-based position among all markers of the statement
  std::string bind_name;  // kBindMarker: the name for :name markers, "" for ?
  std::string name;       // kFunctionCall / kCast
  std::vector<TermPtr> elements;
  std::vector<std::string> field_names;  // kUdt
};

// A table or type name with its optional keyspace.
struct QualifiedName {
  std::string keyspace;  // "" when unqualified
  std::string name;
};

// SELECT clause item.
struct Selector {
  enum class Kind {
    kColumn,     // `name`
    kFunction,   // `name`(args): includes writetime, ttl, token, count, min, max, sum, avg, toJson, now, ...
    kCountStar,  // COUNT(*) or COUNT(1)
    kCast,       // CAST(arg AS `name`)
    kTerm,       // a literal or bind marker used as a selector
    kField,      // args[0].`name` (UDT field selection)
  };
  Kind kind = Kind::kColumn;
  std::string name;
  std::vector<Selector> args;
  TermPtr term;       // kTerm
  std::string alias;  // AS alias, "" when absent
};

// A WHERE relation.
struct Relation {
  enum class Op { kEq, kNeq, kLt, kLe, kGt, kGe, kIn, kContains, kContainsKey, kLike, kIsNotNull };
  // One column, or several for a multi-column relation (a, b) > (1, 2).
  std::vector<std::string> columns;
  bool multi_column = false;  // written with parentheses
  bool token = false;         // token(columns...) op value
  Op op = Op::kEq;
  // kEq/kLt/...: the value (for multi-column: a kTuple term or a bind marker).
  // kIn with a single bind marker (`IN ?`): the marker. Otherwise null.
  TermPtr value;
  // kIn with a literal list: the candidates (for multi-column: kTuple terms or markers).
  std::vector<TermPtr> in_values;
  // m['key'] = v  (map entry relation used with ALLOW FILTERING); null otherwise.
  TermPtr map_key;
};

struct UsingClause {
  TermPtr timestamp;  // USING TIMESTAMP t
  TermPtr ttl;        // USING TTL t
};

// A condition in IF ... of UPDATE/DELETE.
struct Condition {
  std::string column;
  TermPtr element;                      // c[element] op value, or null
  std::string field;                    // c.field op value, or ""
  Relation::Op op = Relation::Op::kEq;  // kEq, kNeq, kLt, kLe, kGt, kGe, kIn, kContains, kContainsKey
  TermPtr value;
  std::vector<TermPtr> in_values;  // kIn with a literal list; `IN ?` puts the marker in `value`
};

// A SET item of UPDATE.
struct Assignment {
  enum class Op {
    kSet,         // c = v
    kAdd,         // c = c + v   (also c += v)
    kSubtract,    // c = c - v   (also c -= v)
    kPrepend,     // c = v + c
    kSetElement,  // c[key] = v
    kSetField,    // c.field = v
  };
  std::string column;
  Op op = Op::kSet;
  TermPtr value;
  TermPtr key;        // kSetElement
  std::string field;  // kSetField
};

// A property in WITH ...: the value is a constant term (string, number, boolean, map).
// An unquoted unreserved word as the value (WITH x = some_word) becomes a kString.
struct Property {
  std::string name;  // lower-cased (kept as written when "quoted")
  TermPtr value;
};

struct ColumnDefinition {
  std::string name;
  // CQL type text, normalised: unquoted names lower-cased, no spaces except one after each
  // comma, e.g. "frozen<map<text, int>>", "ks.address", "vector<float, 3>"; a quoted UDT
  // name keeps its quotes only when needed ("\"MyType\""); a custom type is its quoted
  // class string ("'org.example.MyType'").
  std::string type;
  bool is_static = false;
  bool is_primary_key = false;  // `name type PRIMARY KEY` form
};

struct UseStatement {
  std::string keyspace;
};

struct CreateKeyspaceStatement {
  std::string keyspace;
  bool if_not_exists = false;
  std::vector<Property> properties;  // replication = {...}, durable_writes = bool
};

struct AlterKeyspaceStatement {
  std::string keyspace;
  bool if_exists = false;
  std::vector<Property> properties;
};

struct DropKeyspaceStatement {
  std::string keyspace;
  bool if_exists = false;
};

struct CreateTableStatement {
  QualifiedName table;
  bool if_not_exists = false;
  std::vector<ColumnDefinition> columns;
  // From PRIMARY KEY ((a, b), c, d) or the single-column form: partition key columns then
  // clustering columns, in order.
  std::vector<std::string> partition_key;
  std::vector<std::string> clustering_key;
  // WITH CLUSTERING ORDER BY (c DESC, d ASC): (column, descending)
  std::vector<std::pair<std::string, bool>> clustering_order;
  bool compact_storage = false;
  std::vector<Property> properties;
};

struct AlterTableStatement {
  enum class Kind { kAdd, kDrop, kRename, kWith, kAlterType };
  QualifiedName table;
  bool if_exists = false;
  Kind kind = Kind::kWith;
  std::vector<ColumnDefinition> add_columns;                 // kAdd
  bool if_not_exists_columns = false;                        // ADD IF NOT EXISTS
  std::vector<std::string> drop_columns;                     // kDrop
  bool if_exists_columns = false;                            // DROP IF EXISTS, RENAME IF EXISTS
  std::vector<std::pair<std::string, std::string>> renames;  // kRename: (from, to)
  std::vector<Property> properties;      // kWith (also DROP ... USING TIMESTAMP is ignored)
  std::string alter_column, alter_type;  // kAlterType
};

struct DropTableStatement {
  QualifiedName table;
  bool if_exists = false;
};

struct TruncateStatement {
  QualifiedName table;
};

struct CreateTypeStatement {
  QualifiedName type;
  bool if_not_exists = false;
  std::vector<std::pair<std::string, std::string>> fields;  // (name, type text)
};

struct AlterTypeStatement {
  enum class Kind { kAdd, kRename, kAlter };
  QualifiedName type;
  bool if_exists = false;
  Kind kind = Kind::kAdd;
  std::vector<std::pair<std::string, std::string>>
      fields;                        // kAdd: (name, type); kRename: (from, to); kAlter: (field, type)
  bool if_not_exists_field = false;  // ADD IF NOT EXISTS
  bool if_exists_field = false;      // RENAME IF EXISTS
};

struct DropTypeStatement {
  QualifiedName type;
  bool if_exists = false;
};

struct CreateIndexStatement {
  std::string name;  // "" when unnamed
  QualifiedName table;
  bool if_not_exists = false;
  // Target: column with modifier: "" (plain `c`: a non-collection, or the values of a
  // collection), "keys" (keys(c)), "values" (values(c)), "entries" (entries(c)), "full" (full(c))
  std::string column;
  std::string target_kind;
  bool custom = false;               // CREATE CUSTOM INDEX
  std::string using_class;           // USING 'class'
  std::vector<Property> properties;  // WITH OPTIONS = {...} is the property "options"
};

struct DropIndexStatement {
  QualifiedName index;
  bool if_exists = false;
};

struct SelectStatement;

struct CreateViewStatement {
  QualifiedName view;
  bool if_not_exists = false;
  std::vector<Selector> selectors;  // empty means *
  QualifiedName base;
  std::vector<Relation> where;
  std::vector<std::string> partition_key;
  std::vector<std::string> clustering_key;
  std::vector<std::pair<std::string, bool>> clustering_order;
  std::vector<Property> properties;
};

struct DropViewStatement {
  QualifiedName view;
  bool if_exists = false;
};

struct AlterViewStatement {
  QualifiedName view;
  std::vector<Property> properties;
};

struct InsertStatement {
  QualifiedName table;
  std::vector<std::string> columns;  // empty for INSERT JSON
  std::vector<TermPtr> values;
  TermPtr json;                     // INSERT JSON '...' (string or marker); null otherwise
  bool json_default_unset = false;  // DEFAULT UNSET (default is DEFAULT NULL)
  bool if_not_exists = false;
  UsingClause using_clause;
};

struct UpdateStatement {
  QualifiedName table;
  UsingClause using_clause;
  std::vector<Assignment> assignments;
  std::vector<Relation> where;
  std::vector<Condition> conditions;
  bool if_exists = false;
};

struct DeleteTarget {
  std::string column;
  TermPtr element;    // DELETE c[k]
  std::string field;  // DELETE c.f
};

struct DeleteStatement {
  QualifiedName table;
  std::vector<DeleteTarget> targets;  // empty: the whole row(s)
  UsingClause using_clause;
  std::vector<Relation> where;
  std::vector<Condition> conditions;
  bool if_exists = false;
};

struct SelectStatement {
  QualifiedName table;
  bool json = false;
  bool distinct = false;
  std::vector<Selector> selectors;  // empty means *
  std::vector<Relation> where;
  std::vector<std::string> group_by;
  std::vector<std::pair<std::string, bool>> order_by;  // (column, descending)
  TermPtr per_partition_limit;
  TermPtr limit;
  bool allow_filtering = false;
};

using ModificationStatement = std::variant<InsertStatement, UpdateStatement, DeleteStatement>;

struct BatchStatement {
  enum class Type { kLogged, kUnlogged, kCounter };
  Type type = Type::kLogged;
  UsingClause using_clause;
  std::vector<ModificationStatement> statements;
};

struct DescribeStatement {
  enum class Kind {
    kCluster,
    kKeyspaces,
    kKeyspace,
    kTables,
    kTable,
    kTypes,
    kType,
    kFunctions,
    kFunction,
    kAggregates,
    kAggregate,
    kIndex,
    kMaterializedView,
    kSchema,
    kFullSchema,
    kName
  };
  Kind kind = Kind::kCluster;
  // For the named forms (kName: DESCRIBE <name>, resolved by the executor). kKeyspace puts
  // the keyspace in name.keyspace ("" for DESCRIBE KEYSPACE without a name: the current one).
  QualifiedName name;
  bool only = false;  // DESCRIBE ONLY KEYSPACE
  bool with_internals = false;
};

using Statement =
    std::variant<UseStatement, CreateKeyspaceStatement, AlterKeyspaceStatement, DropKeyspaceStatement,
                 CreateTableStatement, AlterTableStatement, DropTableStatement, TruncateStatement,
                 CreateTypeStatement, AlterTypeStatement, DropTypeStatement, CreateIndexStatement,
                 DropIndexStatement, CreateViewStatement, DropViewStatement, AlterViewStatement,
                 InsertStatement, UpdateStatement, DeleteStatement, SelectStatement, BatchStatement,
                 DescribeStatement>;

struct ParsedStatement {
  Statement statement;
  // Number of bind markers, and for each position its name ("" for ?).
  int bind_count = 0;
  std::vector<std::string> bind_names;
};

}  // namespace krill::cql
