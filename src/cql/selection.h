// Internal to cql/: the SELECT clause — which values each result row carries.
#pragma once

#include <optional>
#include <vector>

#include "cql/execution.h"
#include "cql/row_view.h"
#include "storage/engine.h"

namespace krill::cql {

class Selection {
 public:
  // Throws CqlError(kInvalid) for unknown columns or unsupported selectors.
  Selection(const SelectStatement& stmt, const schema::TableDef& table);

  const std::vector<ColumnSpec>& columns() const { return specs_; }
  bool is_aggregate() const { return aggregate_; }

  // Adds a row: for plain selections appends an output row; for aggregates accumulates.
  void add(const RowView& row, std::vector<Row>& out);
  // For aggregates: the single result row (emitted even when no row matched).
  Row aggregate_result() const;

 private:
  enum class Kind { kColumn, kWritetime, kTtl, kToken, kCount, kCountColumn };
  struct Item {
    Kind kind;
    const schema::ColumnDef* column = nullptr;
  };
  std::optional<common::Bytes> evaluate(const Item& item, const RowView& row) const;

  const schema::TableDef& table_;
  std::vector<Item> items_;
  std::vector<ColumnSpec> specs_;
  bool aggregate_ = false;
  int64_t count_ = 0;
  std::vector<int64_t> column_counts_;
  std::optional<Row> first_row_;
};

}  // namespace krill::cql
