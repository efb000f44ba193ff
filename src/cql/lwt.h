// Internal to cql/: lightweight transactions (INSERT ... IF NOT EXISTS, UPDATE/DELETE ...
// IF EXISTS / IF <conditions>, and conditional batches).
//
// On one node, linearizability comes from a per-partition lock held while the current
// row is read, the conditions checked and the write applied; SERIAL and LOCAL_SERIAL
// consistency are accepted. The result is Cassandra's: one row with a boolean `[applied]`
// column, plus the current values of the conditioned columns when not applied.
#pragma once

#include <vector>

#include "cql/execution.h"

namespace krill::cql {

bool has_conditions(const ModificationStatement& stmt);

// One statement of a conditional group, with the context holding its bound values.
struct ConditionalStatement {
  const ModificationStatement* statement;
  ExecContext* ctx;
};

// Executes `statements` (all on one partition of one table) if every condition holds.
// Throws kInvalid when they span tables or partitions.
ResultMessage execute_conditional(const std::vector<ConditionalStatement>& statements);

// Shorthand for a single statement.
inline ResultMessage execute_conditional(std::vector<ModificationStatement> one, ExecContext& ctx) {
  return execute_conditional({ConditionalStatement{&one.front(), &ctx}});
}

}  // namespace krill::cql
