// Internal to cql/: the SELECT clause — which values each result row carries.
//
// Each selector is a small tree (column, writetime/ttl, token, term, field, scalar
// function, cast, aggregate) evaluated like Cassandra's Selector: rows are fed with
// add_input(), output() gives the current result row and reset() starts the next one.
// A plain query resets, adds and outputs once per row; an aggregate or GROUP BY query adds
// every row of a group and outputs once per group (plain columns then keep the group's
// first row). SELECT JSON turns each output row into one "[json]" text column.
//
// A Selection is built per execution (and at PREPARE for its metadata, which is the same)
// and is not thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "cql/execution.h"
#include "cql/functions.h"
#include "cql/row_view.h"

namespace krill::cql {

class SelectorNode;

class Selection {
 public:
  // Throws CqlError(kInvalid) for unknown columns, functions or misuses (Cassandra's
  // messages). `ctx` is needed to evaluate terms and functions; null at prepare time.
  Selection(const SelectStatement& stmt, const schema::TableDef& table, const ExecContext* ctx);
  ~Selection();
  Selection(const Selection&) = delete;
  Selection& operator=(const Selection&) = delete;

  // The result metadata (a single "[json]" text column for SELECT JSON).
  const std::vector<ColumnSpec>& columns() const { return specs_; }
  // True when a selector aggregates (count, min, max, sum, avg).
  bool is_aggregate() const { return aggregate_; }

  // Appends hidden output values after the visible ones (for sorting on columns that are
  // not selected); returns their positions in output rows. Call before any input.
  std::vector<size_t> add_hidden_columns(const std::vector<const schema::ColumnDef*>& columns);
  // The number of leading output values the client sees.
  size_t visible_count() const { return specs_.size(); }

  void reset();
  void add_input(const RowView& row);
  // The current result row: visible values (one JSON text for SELECT JSON), then hidden ones.
  Row output();

 private:
  const ExecContext* ctx_;
  FunctionContext fctx_;
  std::vector<std::unique_ptr<SelectorNode>> nodes_;
  std::vector<ColumnSpec> specs_;       // as returned to the client
  std::vector<ColumnSpec> json_specs_;  // SELECT JSON: the selected names and types
  bool json_ = false;
  bool aggregate_ = false;
};

}  // namespace krill::cql
