// The CQL parser: text in, AST (ast.h) out.
//
// Hand-written lexer and recursive-descent parser for CQL 3.4.x as Cassandra 4/5 accept
// it. Keywords are case-insensitive; whitespace, newlines and comments (--, //, /* */) are
// ignored. Limits protect against hostile input (ScyllaDB had denial-of-service CVEs for
// deep nesting and huge WHERE clauses): past a limit the parser throws a clear error.
// Thread-safe: no state outside a call.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cql/ast.h"

namespace krill::cql {

struct ParserLimits {
  int max_nesting = 64;           // nesting of collection literals, tuples, function calls, types
  int max_where_relations = 100;  // relations in one WHERE clause
  int max_batch_statements = 65535;
};

// Parses exactly one statement; a trailing ';' is allowed.
// Throws common::CqlError(kSyntaxError) with a message in Cassandra's style that names the
// offending token and its position, e.g. "line 1:7 no viable alternative at input 'FORM'".
// Past a ParserLimits limit: CqlError(kSyntaxError) (nesting) or kInvalid (relations).
ParsedStatement parse_statement(std::string_view cql, const ParserLimits& limits = {});

// Splits a script into statements at top-level ';' (not inside strings, $$...$$ or
// comments). Returns the statement texts without the ';', skipping empty ones.
std::vector<std::string> split_statements(std::string_view script);

}  // namespace krill::cql
