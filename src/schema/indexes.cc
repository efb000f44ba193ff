#include "schema/indexes.h"

namespace krill::schema {

std::string IndexDef::target() const {
  if (target_kind.empty()) return column;
  return target_kind + "(" + column + ")";
}

std::shared_ptr<const storage::TableLayout> make_index_layout(const TableDef& base, const IndexDef& index) {
  auto l = std::make_shared<storage::TableLayout>();
  l->id = index.id.to_string();
  l->clustering.types.push_back(common::DataType::native(common::TypeKind::kBigint));
  l->clustering.types.push_back(common::DataType::native(common::TypeKind::kBlob));
  l->clustering.descending = {false, false};
  for (const ColumnDef* c : base.clustering_key()) {
    l->clustering.types.push_back(c->type);
    l->clustering.descending.push_back(false);
  }
  return l;
}

std::shared_ptr<const TableDef> table_of_index(const KeyspaceDef& ks, const std::string& index_name) {
  for (const auto& [name, t] : ks.tables) {
    for (const auto& i : t->indexes) {
      if (i.name == index_name) return t;
    }
  }
  return nullptr;
}

std::vector<std::shared_ptr<const TableDef>> views_of(const KeyspaceDef& ks, const std::string& base) {
  std::vector<std::shared_ptr<const TableDef>> out;
  for (const auto& [name, t] : ks.tables) {
    if (t->view && t->view->base_table == base) out.push_back(t);
  }
  return out;
}

}  // namespace krill::schema
