#include "cql/lwt.h"

#include <algorithm>

#include "common/murmur3.h"
#include "common/values.h"
#include "cql/derived_writes.h"
#include "cql/row_view.h"

namespace krill::cql {

using common::Bytes;
using common::DataType;
using common::throw_invalid;
using common::TypeKind;
using schema::ColumnDef;
using schema::ColumnKind;
using schema::TableDef;

namespace {

const std::vector<Condition>* conditions_of(const ModificationStatement& s) {
  if (auto* u = std::get_if<UpdateStatement>(&s)) return &u->conditions;
  if (auto* d = std::get_if<DeleteStatement>(&s)) return &d->conditions;
  return nullptr;
}

bool if_exists(const ModificationStatement& s) {
  if (auto* u = std::get_if<UpdateStatement>(&s)) return u->if_exists;
  if (auto* d = std::get_if<DeleteStatement>(&s)) return d->if_exists;
  return false;
}

bool if_not_exists(const ModificationStatement& s) {
  auto* i = std::get_if<InsertStatement>(&s);
  return i != nullptr && i->if_not_exists;
}

// The value a condition compares against: the column, one element, or one field.
std::optional<Bytes> condition_subject(const Condition& c, const ColumnDef& col, const RowView& row,
                                       const ExecContext& ctx, DataType& type) {
  std::optional<Bytes> v = row.value(col);
  type = col.type;
  if (c.element) {
    if (!col.type.is_collection() || col.type.kind() == TypeKind::kSet) {
      throw_invalid("Invalid element access on non-list/map column " + col.name);
    }
    bool is_map = col.type.kind() == TypeKind::kMap;
    type = is_map ? col.type.params()[1] : col.type.params()[0];
    if (!v) return std::nullopt;
    if (is_map) {
      Bytes key = evaluate_required(*c.element, col.type.params()[0], "key(" + col.name + ")", ctx);
      for (auto& [k, val] : common::decode_pairs(*v)) {
        if (common::compare_values(col.type.params()[0], k, key) == 0) return val;
      }
      return std::nullopt;
    }
    int32_t index = common::decode_int(
        evaluate_required(*c.element, DataType::native(TypeKind::kInt), "idx(" + col.name + ")", ctx));
    auto items = common::decode_elements(*v);
    if (index < 0 || static_cast<size_t>(index) >= items.size()) return std::nullopt;
    return items[static_cast<size_t>(index)];
  }
  if (!c.field.empty()) {
    if (col.type.kind() != TypeKind::kUdt)
      throw_invalid("Invalid field selection on non-UDT column " + col.name);
    const auto& names = col.type.field_names();
    auto it = std::find(names.begin(), names.end(), c.field);
    if (it == names.end())
      throw_invalid("UDT column " + col.name + " does not have a field named " + c.field);
    size_t i = static_cast<size_t>(it - names.begin());
    type = col.type.params()[i];
    if (!v) return std::nullopt;
    auto comps = common::decode_components(*v);
    return i < comps.size() ? comps[i] : std::nullopt;
  }
  return v;
}

bool holds(const Condition& c, const ColumnDef& col, const RowView& row, const ExecContext& ctx) {
  DataType type;
  std::optional<Bytes> current = condition_subject(c, col, row, ctx, type);
  auto operand = [&](const TermPtr& t) { return evaluate_term(*t, type, col.name, ctx); };
  auto cmp = [&](const TermValue& v) -> std::optional<int> {
    if (!v.is_value() || !current) return std::nullopt;
    return common::compare_values(type, *current, v.bytes);
  };
  switch (c.op) {
    case Relation::Op::kEq:
    case Relation::Op::kNeq: {
      TermValue v = operand(c.value);
      bool equal =
          v.is_value() ? (current && common::compare_values(type, *current, v.bytes) == 0) : !current;
      return c.op == Relation::Op::kEq ? equal : !equal;
    }
    case Relation::Op::kIn: {
      std::vector<TermValue> candidates;
      if (c.value) {
        TermValue list = evaluate_term(*c.value, DataType::list(type, true), col.name, ctx);
        if (list.is_value()) {
          for (auto& e : common::decode_elements(list.bytes))
            candidates.push_back(TermValue{TermValue::Kind::kValue, e});
        }
      }
      for (const auto& t : c.in_values) candidates.push_back(operand(t));
      return std::any_of(candidates.begin(), candidates.end(), [&](const TermValue& v) {
        return v.is_value() ? (current && common::compare_values(type, *current, v.bytes) == 0) : !current;
      });
    }
    case Relation::Op::kLt: {
      auto r = cmp(operand(c.value));
      return r && *r < 0;
    }
    case Relation::Op::kLe: {
      auto r = cmp(operand(c.value));
      return r && *r <= 0;
    }
    case Relation::Op::kGt: {
      auto r = cmp(operand(c.value));
      return r && *r > 0;
    }
    case Relation::Op::kGe: {
      auto r = cmp(operand(c.value));
      return r && *r >= 0;
    }
    case Relation::Op::kContains:
    case Relation::Op::kContainsKey: {
      if (!type.is_collection()) throw_invalid("Cannot use CONTAINS on non-collection column " + col.name);
      bool key = c.op == Relation::Op::kContainsKey;
      if (key && type.kind() != TypeKind::kMap)
        throw_invalid("Cannot use CONTAINS KEY on non-map column " + col.name);
      const DataType& et = type.kind() == TypeKind::kMap ? type.params()[key ? 0 : 1] : type.params()[0];
      TermValue v = evaluate_term(*c.value, et, col.name, ctx);
      if (!v.is_value() || !current) return false;
      if (type.kind() == TypeKind::kMap) {
        for (auto& [k, val] : common::decode_pairs(*current)) {
          if (common::compare_values(et, key ? k : val, v.bytes) == 0) return true;
        }
        return false;
      }
      for (auto& e : common::decode_elements(*current)) {
        if (common::compare_values(et, e, v.bytes) == 0) return true;
      }
      return false;
    }
    default:
      throw_invalid("Unsupported operator in condition on " + col.name);
  }
}

}  // namespace

bool has_conditions(const ModificationStatement& stmt) {
  auto* conds = conditions_of(stmt);
  return if_not_exists(stmt) || if_exists(stmt) || (conds != nullptr && !conds->empty());
}

ResultMessage execute_conditional(const std::vector<ConditionalStatement>& statements) {
  ExecContext& first = *statements.front().ctx;
  // Build every write first: it validates the statements and names the partition and,
  // per statement, the row its conditions apply to.
  std::vector<storage::PartitionWrite> writes;
  std::vector<std::optional<std::vector<Bytes>>> targets;  // nullopt: the static row / partition
  std::shared_ptr<const TableDef> table;
  for (const auto& cs : statements) {
    const QualifiedName& name =
        std::visit([](const auto& s) -> const QualifiedName& { return s.table; }, *cs.statement);
    auto t = find_table(*cs.ctx->schema, resolve_keyspace(name.keyspace, *cs.ctx), name.name);
    if (table && t != table) throw_invalid("Batch with conditions cannot span multiple tables");
    table = t;
    if (is_counter_modification(*cs.statement, *cs.ctx))
      throw_invalid("Conditional updates are not supported on counter tables");
    std::vector<storage::PartitionWrite> own;
    build_modification(*cs.statement, *cs.ctx, own);
    if (own.size() != 1) {
      throw_invalid(statements.size() > 1
                        ? "Batch with conditions cannot span multiple partitions"
                        : "IN on the partition key is not supported with conditional updates");
    }
    std::optional<std::vector<Bytes>> target;
    for (const auto& r : own.front().rows) {
      if (!r.is_static) target = r.clustering;
    }
    targets.push_back(std::move(target));
    if (writes.empty()) {
      writes.push_back(std::move(own.front()));
      continue;
    }
    storage::PartitionWrite& w = writes.front();
    if (w.partition_key != own.front().partition_key)
      throw_invalid("Batch with conditions cannot span multiple partitions");
    if (own.front().partition_deletion.timestamp > w.partition_deletion.timestamp) {
      w.partition_deletion = own.front().partition_deletion;
    }
    for (auto& rt : own.front().range_tombstones) w.range_tombstones.push_back(std::move(rt));
    for (auto& r : own.front().rows) w.rows.push_back(std::move(r));
  }
  const storage::PartitionWrite& pw = writes.front();
  for (const auto& cs : statements) {
    if (auto* u = std::get_if<UpdateStatement>(cs.statement)) {
      for (const auto& r : u->where) {
        if (r.op == Relation::Op::kIn)
          throw_invalid("IN on the clustering key columns is not supported with conditional updates");
      }
    }
  }
  const size_t stripe = static_cast<uint64_t>(pw.token) % first.svc.partition_locks.size();
  auto& lock = first.svc.partition_locks[stripe];
  std::lock_guard guard(lock);

  storage::ReadOptions ro;
  ro.now = first.now;
  auto current = first.svc.coordinator.read_partition(*table->layout, pw.partition_key, pw.token, ro,
                                                      coordinator::Consistency::kOne);
  auto pk = split_partition_key(pw.partition_key, table->partition_key().size());
  const storage::RowFragment* stat = current.static_row ? &current.static_row->fragment : nullptr;
  // The row a statement's conditions apply to.
  auto row_view = [&](size_t i) -> std::pair<RowView, bool> {
    const auto& target = targets[i];
    if (target) {
      for (const auto& r : current.rows) {
        if (r.clustering == *target) {
          return {RowView{table.get(), &pk, &r.clustering, &r.fragment, stat, nullptr, pw.token, first.now},
                  true};
        }
      }
      return {RowView{table.get(), &pk, nullptr, nullptr, stat, nullptr, pw.token, first.now}, false};
    }
    bool exists = table->clustering_key().empty() ? !current.rows.empty() : stat != nullptr;
    return {RowView{table.get(), &pk, nullptr, nullptr, stat, nullptr, pw.token, first.now}, exists};
  };

  bool applied = true;
  std::vector<const ColumnDef*> report;
  std::optional<std::pair<RowView, bool>> reported_row;
  for (size_t i = 0; i < statements.size(); ++i) {
    const ConditionalStatement& cs = statements[i];
    auto [view, exists] = row_view(i);
    if (if_not_exists(*cs.statement)) {
      if (exists) {
        applied = false;
        if (!reported_row) {
          reported_row = {view, exists};
          for (const auto& c : table->columns) report.push_back(&c);
        }
      }
      continue;
    }
    if (if_exists(*cs.statement)) {
      if (!exists) applied = false;
      continue;
    }
    const std::vector<Condition>* conds = conditions_of(*cs.statement);
    if (conds == nullptr) continue;  // an unconditional statement of a conditional batch
    for (const Condition& c : *conds) {
      const ColumnDef* col = table->find_column(c.column);
      if (!col)
        throw_invalid("Undefined column name " + c.column + " in table " + table->keyspace + "." +
                      table->name);
      if (col->kind == ColumnKind::kPartitionKey || col->kind == ColumnKind::kClustering) {
        throw_invalid("PRIMARY KEY column '" + col->name + "' cannot have IF conditions");
      }
      if (!holds(c, *col, view, *cs.ctx)) applied = false;
      if (std::find(report.begin(), report.end(), col) == report.end()) report.push_back(col);
      if (!reported_row) reported_row = {view, exists};
    }
  }

  RowsResult result;
  result.columns.push_back(
      ColumnSpec{table->keyspace, table->name, "[applied]", DataType::native(TypeKind::kBoolean)});
  Row row{common::encode_boolean(applied)};
  if (applied) {
    apply_writes(first, writes,
                 first.consistency == coordinator::Consistency::kSerial ||
                         first.consistency == coordinator::Consistency::kLocalSerial
                     ? coordinator::Consistency::kOne
                     : first.consistency,
                 static_cast<int>(stripe));
  } else if (reported_row && reported_row->second) {
    for (const ColumnDef* c : report) {
      result.columns.push_back(ColumnSpec{table->keyspace, table->name, c->name, c->type});
      row.push_back(reported_row->first.value(*c));
    }
  } else if (!report.empty() && reported_row) {
    // Conditions on a row that does not exist: report the (null) values.
    for (const ColumnDef* c : report) {
      result.columns.push_back(ColumnSpec{table->keyspace, table->name, c->name, c->type});
      row.push_back(reported_row->first.value(*c));
    }
  }
  result.rows.push_back(std::move(row));
  return result;
}

}  // namespace krill::cql
