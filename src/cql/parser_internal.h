// Internal to the CQL parser: the recursive-descent Parser class shared by parser*.cc.
//
// One Parser parses one statement text; it is not reused and not shared between threads.
// The implementation is split by statement family:
//   parser.cc          public API, token helpers, errors, names, split_statements
//   parser_terms.cc    terms (literals, collections, markers, casts), types, properties
//   parser_select.cc   selectors, WHERE relations, IF conditions, SELECT
//   parser_dml.cc      INSERT, UPDATE, DELETE, BATCH
//   parser_ddl.cc      USE, CREATE/ALTER/DROP of keyspaces, tables, types, indexes, views,
//                      TRUNCATE, DESCRIBE
// Recursion happens only through constructs counted by DepthGuard (collection literals,
// tuples, casts, function calls, parameterised types), so the stack depth is bounded by
// ParserLimits::max_nesting.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cql/ast.h"
#include "cql/lexer.h"
#include "cql/parser.h"

namespace krill::cql::internal {

class Parser {
 public:
  // REQUIRES: `input` outlives the Parser. Throws CqlError(kSyntaxError) on a lexical error.
  Parser(std::string_view input, const ParserLimits& limits);

  // Parses one statement, optionally followed by ';'s, then the end of input.
  ParsedStatement parse_single();

 private:
  // Counts one level of nesting for its lifetime; throws past ParserLimits::max_nesting.
  class DepthGuard {
   public:
    explicit DepthGuard(Parser& p);
    ~DepthGuard();
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;

   private:
    Parser& p_;
  };

  // Extra clauses a WITH list may hold besides `name = value` (tables and views).
  struct TableOptions {
    std::vector<std::pair<std::string, bool>>* clustering_order = nullptr;
    bool* compact_storage = nullptr;
  };

  // ---- tokens and errors (parser.cc)
  const Token& peek(size_t ahead = 0) const;
  const Token& advance();
  bool at(TokenKind kind, size_t ahead = 0) const { return peek(ahead).kind == kind; }
  bool at_kw(std::string_view keyword, size_t ahead = 0) const;
  bool accept(TokenKind kind);
  bool accept_kw(std::string_view keyword);
  void expect(TokenKind kind);
  void expect_kw(std::string_view keyword);
  std::string token_display(const Token& t) const;
  [[noreturn]] void fail_at(const Token& t, const std::string& message) const;
  [[noreturn]] void fail_mismatch(std::string_view expected) const;
  [[noreturn]] void fail_no_viable() const;

  // ---- names (parser.cc)
  // An unreserved word or a "quoted name" at `ahead`.
  bool at_name(size_t ahead = 0) const;
  // A name: unquoted words lower-cased, quoted ones verbatim. `what` names it in errors.
  std::string parse_name(std::string_view what);
  QualifiedName parse_qualified_name(std::string_view what);
  // A function name (may be a few keywords such as token) followed by '(' at `ahead`, or
  // ks.fn( ... .
  bool at_function_call(size_t ahead = 0) const;
  std::string parse_function_name();
  bool parse_if_not_exists();  // [IF NOT EXISTS]
  bool parse_if_exists();      // [IF EXISTS]

  // ---- statements
  Statement parse_statement_body();
  Statement parse_create();  // parser_ddl.cc
  Statement parse_alter();   // parser_ddl.cc
  Statement parse_drop();    // parser_ddl.cc
  CreateKeyspaceStatement parse_create_keyspace();
  CreateTableStatement parse_create_table();
  AlterTableStatement parse_alter_table();
  CreateTypeStatement parse_create_type();
  AlterTypeStatement parse_alter_type();
  CreateIndexStatement parse_create_index();
  CreateViewStatement parse_create_view();
  TruncateStatement parse_truncate();
  UseStatement parse_use();
  DescribeStatement parse_describe();
  void parse_primary_key(std::vector<std::string>& partition, std::vector<std::string>& clustering);
  ColumnDefinition parse_column_definition();
  SelectStatement parse_select();  // parser_select.cc
  InsertStatement parse_insert();  // parser_dml.cc
  UpdateStatement parse_update();
  DeleteStatement parse_delete();
  BatchStatement parse_batch();
  ModificationStatement parse_batch_child();
  void parse_using(UsingClause& out);  // after USING
  Assignment parse_assignment();
  DeleteTarget parse_delete_target();

  // ---- selectors, relations, conditions (parser_select.cc)
  void parse_selectors(std::vector<Selector>& out);  // '*' (empty result) or a list
  Selector parse_selector();
  Selector parse_unaliased_selector();
  Selector parse_selector_base();
  void parse_where(std::vector<Relation>& out);  // after WHERE
  Relation parse_relation();
  Relation::Op parse_comparison();
  // IN ? / IN :name / IN (t1, t2, ...): fills `value` or `in_values`.
  void parse_in_values(TermPtr& value, std::vector<TermPtr>& in_values);
  void parse_if_clause(bool& if_exists, std::vector<Condition>& out);  // after IF
  Condition parse_condition();
  std::vector<std::pair<std::string, bool>> parse_ordering();  // c [ASC|DESC], ...

  // ---- terms, types, properties (parser_terms.cc)
  TermPtr parse_term();
  TermPtr parse_negative();
  TermPtr parse_bind_marker();
  TermPtr parse_function_term();
  TermPtr parse_list_literal();
  TermPtr parse_brace_literal();
  TermPtr parse_paren_term();
  TermPtr parse_int_value();  // integer (optionally negative) or bind marker
  bool can_start_term(size_t ahead) const;
  std::string parse_type();
  std::string parse_type_name_part();
  void parse_properties(std::vector<Property>& out, const TableOptions& table);  // after WITH
  TermPtr parse_property_value();  // a constant or a map of constants
  // A string, number, boolean, uuid, blob or duration literal, or an unreserved word (as a
  // kString).
  TermPtr parse_constant();

  std::string_view input_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  ParserLimits limits_;
  int depth_ = 0;
  std::vector<std::string> bind_names_;
};

// Builds a shared literal term.
TermPtr make_term(Term::Kind kind, std::string text);

// `name` as a type name: unchanged when it reads back as itself unquoted (lower-case word,
// not reserved), otherwise double-quoted with " doubled.
std::string maybe_quote(const std::string& name);

}  // namespace krill::cql::internal
