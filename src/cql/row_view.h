// Internal to cql/: one row as the SELECT machinery sees it, and how a column's value is
// read from the stored cells (simple cells, and later collections assembled from their
// element cells).
#pragma once

#include <optional>
#include <vector>

#include "common/bytes.h"
#include "schema/schema.h"
#include "storage/row.h"

namespace krill::cql {

// A row being considered for a result: either a stored row or a virtual-table row.
struct RowView {
  const schema::TableDef* table = nullptr;
  const std::vector<common::Bytes>* pk = nullptr;                          // partition key components
  const std::vector<common::Bytes>* clustering = nullptr;                  // null for a static-only row
  const storage::RowFragment* row = nullptr;                               // regular cells, may be null
  const storage::RowFragment* static_row = nullptr;                        // static cells, may be null
  const std::vector<std::optional<common::Bytes>>* virtual_row = nullptr;  // virtual tables
  int64_t token = 0;
  int32_t now = 0;

  const storage::Cell* cell(const schema::ColumnDef& c) const;
  std::optional<common::Bytes> value(const schema::ColumnDef& c) const;
};

}  // namespace krill::cql
