#include "cql/row_view.h"

#include "cql/collections.h"

namespace krill::cql {

using common::Bytes;
using schema::ColumnDef;
using schema::ColumnKind;

const storage::Cell* RowView::cell(const ColumnDef& c) const {
  const storage::RowFragment* f = c.kind == ColumnKind::kStatic ? static_row : row;
  if (f == nullptr) return nullptr;
  for (const auto& cell : f->cells) {
    if (cell.column_id == c.id && cell.path.empty() && !(cell.flags & storage::Cell::kComplexDeletion))
      return &cell;
  }
  return nullptr;
}

std::optional<Bytes> RowView::value(const ColumnDef& c) const {
  if (virtual_row != nullptr) {
    for (size_t i = 0; i < table->columns.size(); ++i) {
      if (&table->columns[i] == &c) return (*virtual_row)[i];
    }
    return std::nullopt;
  }
  switch (c.kind) {
    case ColumnKind::kPartitionKey:
      return (*pk)[c.position];
    case ColumnKind::kClustering:
      if (clustering == nullptr || static_cast<size_t>(c.position) >= clustering->size()) return std::nullopt;
      return (*clustering)[c.position];
    default: {
      if (c.type.is_multi_cell()) {
        const storage::RowFragment* f = c.kind == ColumnKind::kStatic ? static_row : row;
        if (f == nullptr) return std::nullopt;
        return assemble(c, *f);
      }
      const storage::Cell* x = cell(c);
      if (x == nullptr) return std::nullopt;
      return x->value;
    }
  }
}

}  // namespace krill::cql
