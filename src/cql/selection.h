// Internal to cql/: the SELECT clause — which values each result row carries.
//
// Each selector is a small tree (column, writetime/ttl, token, term, field, scalar
// function, cast, aggregate) evaluated like Cassandra's Selector: rows are fed with
// add_input(), output() gives the current result row and reset() starts the next one.
// A plain query resets, adds and outputs once per row; an aggregate or GROUP BY query adds
// every row of a group and outputs once per group (plain columns then keep the group's
// first row). SELECT JSON turns each output row into one "[json]" text column.
//
// A Selection is built per execution and is not thread-safe. What does not change between
// executions is a SelectionShape, built once per prepared SELECT (cached with the prepared
// statement for the table definition it was built from): the result metadata and, when
// every selector is a plain column, the columns, so such a Selection costs no tree.
// output() is called at most once per reset() (it may move the values out).
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "cql/execution.h"
#include "cql/functions.h"
#include "cql/row_view.h"

namespace krill::cql {

class SelectorNode;

struct SelectionShape {
  std::shared_ptr<const schema::TableDef> table;  // what it was built for; keeps `columns` valid
  std::vector<ColumnSpec> specs;                  // the result metadata
  bool plain = false;                             // only plain columns: no function, term, JSON
  std::vector<const schema::ColumnDef*> columns;  // the selected columns, when plain
};

// Throws like the Selection constructor.
std::shared_ptr<const SelectionShape> make_selection_shape(const SelectStatement& stmt,
                                                           std::shared_ptr<const schema::TableDef> table);

class Selection {
 public:
  // Throws CqlError(kInvalid) for unknown columns, functions or misuses (Cassandra's
  // messages). `ctx` is needed to evaluate terms and functions; null at prepare time.
  Selection(const SelectStatement& stmt, const schema::TableDef& table, const ExecContext* ctx);
  // A selection of plain columns from its shape. REQUIRES: shape.plain; `shape` outlives it.
  explicit Selection(const SelectionShape& shape);
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
  const ExecContext* ctx_ = nullptr;
  FunctionContext fctx_;
  // Plain mode (from a shape): the columns, their values in the current row, set flags.
  bool plain_ = false;
  std::vector<const schema::ColumnDef*> plain_columns_;
  Row plain_values_;
  std::vector<char> plain_set_;
  std::vector<std::unique_ptr<SelectorNode>> nodes_;
  std::vector<ColumnSpec> specs_;       // as returned to the client
  std::vector<ColumnSpec> json_specs_;  // SELECT JSON: the selected names and types
  bool json_ = false;
  bool aggregate_ = false;
};

}  // namespace krill::cql
