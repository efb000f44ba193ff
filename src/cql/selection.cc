#include "cql/selection.h"

#include "common/murmur3.h"
#include "common/values.h"

namespace krill::cql {

using common::Bytes;
using common::DataType;
using common::throw_invalid;
using common::TypeKind;
using schema::ColumnDef;
using schema::ColumnKind;

Selection::Selection(const SelectStatement& stmt, const schema::TableDef& table) : table_(table) {
  auto spec = [&](const std::string& name, const DataType& type) {
    specs_.push_back(ColumnSpec{table.keyspace, table.name, name, type});
  };
  if (stmt.selectors.empty()) {
    for (const auto& c : table.columns) {
      if (stmt.distinct && c.kind != ColumnKind::kPartitionKey && c.kind != ColumnKind::kStatic) continue;
      items_.push_back(Item{Kind::kColumn, &c});
      spec(c.name, c.type);
    }
    return;
  }
  auto column = [&](const Selector& s) -> const ColumnDef* {
    if (s.kind != Selector::Kind::kColumn) throw_invalid("Only column names are supported as arguments here");
    const ColumnDef* c = table.find_column(s.name);
    if (!c)
      throw_invalid("Undefined column name " + s.name + " in table " + table.keyspace + "." + table.name);
    return c;
  };
  for (const Selector& s : stmt.selectors) {
    std::string fname = s.name;
    for (char& ch : fname) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (s.kind == Selector::Kind::kColumn) {
      const ColumnDef* c = column(s);
      if (stmt.distinct && c->kind != ColumnKind::kPartitionKey && c->kind != ColumnKind::kStatic) {
        throw_invalid(
            "SELECT DISTINCT queries must only request partition key columns and/or static columns (not " +
            c->name + ")");
      }
      items_.push_back(Item{Kind::kColumn, c});
      spec(s.alias.empty() ? c->name : s.alias, c->type);
    } else if (s.kind == Selector::Kind::kCountStar) {
      items_.push_back(Item{Kind::kCount, nullptr});
      spec(s.alias.empty() ? "count" : s.alias, DataType::native(TypeKind::kBigint));
      aggregate_ = true;
    } else if (s.kind == Selector::Kind::kFunction && (fname == "writetime" || fname == "ttl")) {
      if (s.args.size() != 1) throw_invalid(fname + "() takes exactly one argument");
      const ColumnDef* c = column(s.args[0]);
      if (c->kind == ColumnKind::kPartitionKey || c->kind == ColumnKind::kClustering) {
        throw_invalid("Cannot use selection function " + fname + " on PRIMARY KEY part " + c->name);
      }
      bool wt = fname == "writetime";
      items_.push_back(Item{wt ? Kind::kWritetime : Kind::kTtl, c});
      spec(s.alias.empty() ? fname + "(" + c->name + ")" : s.alias,
           DataType::native(wt ? TypeKind::kBigint : TypeKind::kInt));
    } else if (s.kind == Selector::Kind::kFunction && fname == "token") {
      auto pk = table.partition_key();
      if (s.args.size() != pk.size()) throw_invalid("Invalid number of arguments in call to function token");
      for (size_t i = 0; i < pk.size(); ++i) {
        if (column(s.args[i]) != pk[i])
          throw_invalid("token() must be called on the partition key columns, in order");
      }
      std::string name = "system.token(";
      for (size_t i = 0; i < pk.size(); ++i) name += (i ? ", " : "") + pk[i]->name;
      items_.push_back(Item{Kind::kToken, nullptr});
      spec(s.alias.empty() ? name + ")" : s.alias, DataType::native(TypeKind::kBigint));
    } else if (s.kind == Selector::Kind::kFunction && fname == "count" && s.args.size() == 1) {
      const ColumnDef* c = column(s.args[0]);
      items_.push_back(Item{Kind::kCountColumn, c});
      spec(s.alias.empty() ? "system.count(" + c->name + ")" : s.alias, DataType::native(TypeKind::kBigint));
      aggregate_ = true;
    } else {
      throw_invalid("Selector '" + s.name + "' is not supported yet");
    }
  }
  column_counts_.assign(items_.size(), 0);
}

std::optional<Bytes> Selection::evaluate(const Item& item, const RowView& row) const {
  switch (item.kind) {
    case Kind::kColumn:
      return row.value(*item.column);
    case Kind::kWritetime: {
      const storage::Cell* c = row.cell(*item.column);
      if (c == nullptr) return std::nullopt;
      return common::encode_bigint(c->timestamp);
    }
    case Kind::kTtl: {
      const storage::Cell* c = row.cell(*item.column);
      if (c == nullptr || !(c->flags & storage::Cell::kExpiring)) return std::nullopt;
      return common::encode_int(std::max(0, c->local_time - row.now));
    }
    case Kind::kToken:
      return common::encode_bigint(row.token);
    case Kind::kCount:
    case Kind::kCountColumn:
      return std::nullopt;
  }
  return std::nullopt;
}

void Selection::add(const RowView& view, std::vector<Row>& out) {
  if (!aggregate_) {
    Row r;
    r.reserve(items_.size());
    for (const auto& item : items_) r.push_back(evaluate(item, view));
    out.push_back(std::move(r));
    return;
  }
  ++count_;
  for (size_t i = 0; i < items_.size(); ++i) {
    if (items_[i].kind == Kind::kCountColumn && view.value(*items_[i].column)) ++column_counts_[i];
  }
  if (!first_row_) {
    Row r;
    for (const auto& item : items_) r.push_back(evaluate(item, view));
    first_row_ = std::move(r);
  }
}

Row Selection::aggregate_result() const {
  Row r(items_.size());
  for (size_t i = 0; i < items_.size(); ++i) {
    if (items_[i].kind == Kind::kCount) {
      r[i] = common::encode_bigint(count_);
    } else if (items_[i].kind == Kind::kCountColumn) {
      r[i] = common::encode_bigint(column_counts_[i]);
    } else if (first_row_) {
      r[i] = (*first_row_)[i];
    }
  }
  return r;
}

}  // namespace krill::cql
