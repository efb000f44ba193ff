// INSERT, UPDATE and DELETE: statements become partition writes for the coordinator.
#include <algorithm>
#include <functional>
#include <set>

#include "common/murmur3.h"
#include "common/values.h"
#include "cql/collections.h"
#include "cql/derived_writes.h"
#include "cql/insert_rows.h"
#include "cql/json.h"
#include "cql/lwt.h"
#include "cql/where.h"

namespace krill::cql {

using common::Bytes;
using common::DataType;
using common::throw_invalid;
using common::TypeKind;
using schema::ColumnDef;
using schema::ColumnKind;
using schema::TableDef;
using storage::Cell;
using storage::PartitionWrite;
using storage::RowWrite;

namespace {

constexpr int32_t kMaxTtl = 630720000;  // 20 years, as Cassandra

bool is_counter_table(const TableDef& t) {
  return std::any_of(t.columns.begin(), t.columns.end(),
                     [](const ColumnDef& c) { return c.type.is_counter(); });
}

WriteAttrs write_attrs(const UsingClause& u, const TableDef& t, const ExecContext& ctx, bool allow_ttl) {
  WriteAttrs a;
  a.now = ctx.now;
  a.timestamp = ctx.timestamp;
  bool counter = is_counter_table(t);
  if (u.timestamp && counter) throw_invalid("Cannot provide custom timestamp for counter updates");
  if (auto ts = evaluate_integer(u.timestamp, DataType::native(TypeKind::kBigint), "[timestamp]", ctx)) {
    if (*ts == INT64_MIN) throw_invalid("Invalid timestamp value: " + std::to_string(*ts));
    a.timestamp = *ts;
  }
  a.ttl = counter ? 0 : t.params.default_time_to_live;
  if (u.ttl) {
    if (!allow_ttl) throw_invalid("Cannot provide custom TTL for DELETE statement");
    if (counter) throw_invalid("Cannot provide custom TTL for counter updates");
    if (auto ttl = evaluate_integer(u.ttl, DataType::native(TypeKind::kInt), "[ttl]", ctx)) {
      if (*ttl < 0) throw_invalid("A TTL must be greater or equal to 0, but was " + std::to_string(*ttl));
      if (*ttl > kMaxTtl) {
        throw_invalid("ttl is too large. requested (" + std::to_string(*ttl) + ") maximum (" +
                      std::to_string(kMaxTtl) + ")");
      }
      a.ttl = static_cast<int32_t>(*ttl);
    }
  }
  return a;
}

void check_key(const Bytes& key) { check_partition_key(key); }

void check_writable(const TableDef& t) {
  if (t.is_virtual) {
    throw common::CqlError(common::ErrorCode::kUnauthorized,
                           t.keyspace + " keyspace is not user-modifiable.");
  }
  if (t.view) throw_invalid("Cannot directly modify a materialized view");
}

PartitionWrite& partition_for(std::vector<PartitionWrite>& writes, const TableDef& t, const Bytes& key) {
  for (auto& w : writes) {
    if (w.layout == t.layout && w.partition_key == key) return w;
  }
  PartitionWrite w;
  w.layout = t.layout;
  w.partition_key = key;
  w.token = common::murmur3_token(key);
  writes.push_back(std::move(w));
  return writes.back();
}

// The current cells of one row, read on demand (list index operations need them).
class CurrentRow {
 public:
  CurrentRow(ExecContext& ctx, const TableDef& t, const Bytes& pk, const std::vector<Bytes>* ck)
      : ctx_(ctx), table_(t), pk_(pk), ck_(ck) {}
  const storage::RowFragment& get() {
    if (loaded_) return row_;
    loaded_ = true;
    storage::ReadOptions ro;
    ro.now = ctx_.now;
    ro.cache_only = ctx_.no_block;
    if (ck_ != nullptr) {
      storage::Slice s;
      s.start.prefix = *ck_;
      s.end.prefix = *ck_;
      ro.slices = {s};
      ro.row_limit = 1;
    } else {
      ro.row_limit = 0;
    }
    auto pd = ctx_.svc.coordinator.read_partition(*table_.layout, pk_, common::murmur3_token(pk_), ro,
                                                  ctx_.consistency);
    if (ck_ == nullptr) {
      if (pd.static_row) row_ = pd.static_row->fragment;
    } else if (!pd.rows.empty()) {
      row_ = pd.rows[0].fragment;
    }
    return row_;
  }

 private:
  ExecContext& ctx_;
  const TableDef& table_;
  const Bytes& pk_;
  const std::vector<Bytes>* ck_;
  bool loaded_ = false;
  storage::RowFragment row_;
};

const Cell& list_element_at(const ColumnDef& c, CurrentRow& current, int64_t index) {
  auto cells = element_cells(c, current.get());
  if (index < 0 || static_cast<size_t>(index) >= cells.size()) {
    throw_invalid("List index " + std::to_string(index) + " out of bound, list has size " +
                  std::to_string(cells.size()));
  }
  return *cells[static_cast<size_t>(index)];
}

Cell counter_cell(const ColumnDef& c, int64_t delta, const WriteAttrs& a) {
  Cell cell;
  cell.column_id = c.id;
  cell.flags = Cell::kCounter;
  cell.timestamp = a.timestamp;
  common::put_be64(cell.value, static_cast<uint64_t>(delta));
  return cell;
}

// The cells one SET assignment writes into one row.
void assignment_cells(const Assignment& as, const ColumnDef& c, ExecContext& ctx, const WriteAttrs& a,
                      CurrentRow& current, std::vector<Cell>& out) {
  const DataType& t = c.type;
  auto value_of = [&](const DataType& type) { return evaluate_term(*as.value, type, c.name, ctx); };
  switch (as.op) {
    case Assignment::Op::kSet: {
      if (t.is_counter()) {
        throw_invalid("Cannot set the value of counter column " + c.name +
                      " (counters can only be incremented/decremented, not set)");
      }
      TermValue v = value_of(t);
      if (v.kind == TermValue::Kind::kUnset) return;
      if (t.is_multi_cell()) {
        overwrite_cells(c, v.is_value() ? std::optional<Bytes>(v.bytes) : std::nullopt, a, ctx.svc.uuids,
                        out);
      } else {
        out.push_back(v.is_value() ? make_live_cell(c.id, Bytes(), std::move(v.bytes), a)
                                   : make_tombstone_cell(c.id, Bytes(), a));
      }
      return;
    }
    case Assignment::Op::kAdd:
    case Assignment::Op::kSubtract: {
      bool add = as.op == Assignment::Op::kAdd;
      if (t.is_counter()) {
        TermValue v = value_of(DataType::native(TypeKind::kBigint));
        if (v.kind == TermValue::Kind::kUnset) return;
        if (!v.is_value()) throw_invalid("Invalid null value for counter increment");
        int64_t d = common::decode_bigint(v.bytes);
        out.push_back(counter_cell(c, add ? d : -d, a));
        return;
      }
      if (!t.is_multi_cell() || t.kind() == TypeKind::kUdt) {
        throw_invalid(std::string("Invalid operation (") + c.name + " = " + c.name + (add ? " + " : " - ") +
                      "?) for non counter column " + c.name);
      }
      DataType operand = t;
      if (!add && t.kind() == TypeKind::kMap) operand = DataType::set(t.params()[0]);
      TermValue v = value_of(operand);
      if (!v.is_value()) {
        if (v.kind == TermValue::Kind::kUnset) return;
        throw_invalid("Invalid null value for " + c.name);
      }
      if (add) {
        add_cells(c, v.bytes, a, ctx.svc.uuids, out);
      } else if (t.kind() == TypeKind::kList) {
        auto remove = common::decode_elements(v.bytes);
        for (const Cell* e : element_cells(c, current.get())) {
          if (std::find(remove.begin(), remove.end(), e->value) != remove.end()) {
            out.push_back(make_tombstone_cell(c.id, e->path, a));
          }
        }
      } else {
        remove_cells(c, v.bytes, a, out);
      }
      return;
    }
    case Assignment::Op::kPrepend: {
      if (t.kind() != TypeKind::kList || !t.is_multi_cell()) {
        throw_invalid("Invalid operation (" + c.name + " = ? + " + c.name + ") for non list column " +
                      c.name);
      }
      TermValue v = value_of(t);
      if (v.kind == TermValue::Kind::kUnset) return;
      if (!v.is_value()) throw_invalid("Invalid null value for " + c.name);
      prepend_cells(c, v.bytes, a, out);
      return;
    }
    case Assignment::Op::kSetElement: {
      if (!t.is_multi_cell() || (t.kind() != TypeKind::kList && t.kind() != TypeKind::kMap)) {
        throw_invalid("Invalid operation (" + c.name + "[?] = ?) for non list/map column " + c.name);
      }
      if (t.kind() == TypeKind::kMap) {
        Bytes key = evaluate_required(*as.key, t.params()[0], "key(" + c.name + ")", ctx);
        TermValue v = value_of(t.params()[1]);
        if (v.kind == TermValue::Kind::kUnset) return;
        out.push_back(v.is_value() ? make_live_cell(c.id, std::move(key), std::move(v.bytes), a)
                                   : make_tombstone_cell(c.id, std::move(key), a));
        return;
      }
      Bytes index = evaluate_required(*as.key, DataType::native(TypeKind::kInt), "idx(" + c.name + ")", ctx);
      const Cell& target = list_element_at(c, current, common::decode_int(index));
      TermValue v = value_of(t.params()[0]);
      if (v.kind == TermValue::Kind::kUnset) return;
      out.push_back(v.is_value() ? make_live_cell(c.id, target.path, std::move(v.bytes), a)
                                 : make_tombstone_cell(c.id, target.path, a));
      return;
    }
    case Assignment::Op::kSetField: {
      if (t.kind() != TypeKind::kUdt)
        throw_invalid("Invalid operation (" + c.name + "." + as.field + " = ?) for non-UDT column " + c.name);
      if (!t.is_multi_cell())
        throw_invalid("Invalid operation (" + c.name + "." + as.field + " = ?) for frozen UDT column " +
                      c.name);
      const auto& names = t.field_names();
      auto it = std::find(names.begin(), names.end(), as.field);
      if (it == names.end())
        throw_invalid("UDT column " + c.name + " does not have a field named " + as.field);
      size_t i = static_cast<size_t>(it - names.begin());
      TermValue v = value_of(t.params()[i]);
      if (v.kind == TermValue::Kind::kUnset) return;
      out.push_back(v.is_value() ? make_live_cell(c.id, field_path(i), std::move(v.bytes), a)
                                 : make_tombstone_cell(c.id, field_path(i), a));
      return;
    }
  }
}

void build_insert(const InsertStatement& s, ExecContext& ctx, std::vector<PartitionWrite>& writes) {
  std::string ks = resolve_keyspace(s.table.keyspace, ctx);
  auto table = find_table(*ctx.schema, ks, s.table.name);
  check_writable(*table);
  if (is_counter_table(*table))
    throw_invalid("INSERT statements are not allowed on counter tables, use UPDATE instead");
  if (s.json) return build_insert(expand_insert_json(s, *table, ctx), ctx, writes);  // INSERT JSON: json.h
  if (s.columns.size() != s.values.size()) throw_invalid("Unmatched column names/values");
  WriteAttrs attrs = write_attrs(s.using_clause, *table, ctx, true);
  auto pk = table->partition_key();
  auto ck = table->clustering_key();
  std::vector<std::optional<Bytes>> pk_vals(pk.size()), ck_vals(ck.size());
  RowWrite row, static_row;
  static_row.is_static = true;
  std::set<std::string> seen;
  for (size_t i = 0; i < s.columns.size(); ++i) {
    const ColumnDef* c = table->find_column(s.columns[i]);
    if (!c) throw_invalid("Undefined column name " + s.columns[i] + " in table " + ks + "." + table->name);
    if (!seen.insert(c->name).second) throw_invalid("Multiple definitions found for column " + c->name);
    TermValue v = evaluate_term(*s.values[i], c->type, c->name, ctx);
    if (c->kind == ColumnKind::kPartitionKey || c->kind == ColumnKind::kClustering) {
      if (v.kind == TermValue::Kind::kNull)
        throw_invalid("Invalid null value in condition for column " + c->name);
      if (v.kind == TermValue::Kind::kUnset) throw_invalid("Invalid unset value for column " + c->name);
      (c->kind == ColumnKind::kPartitionKey ? pk_vals : ck_vals)[c->position] = v.bytes;
      continue;
    }
    if (v.kind == TermValue::Kind::kUnset) continue;
    auto& cells = (c->kind == ColumnKind::kStatic ? static_row : row).fragment.cells;
    insert_cells(*c, v.is_value() ? std::optional<Bytes>(std::move(v.bytes)) : std::nullopt, attrs,
                 ctx.svc.uuids, cells);
  }
  std::vector<Bytes> pk_components;
  std::string missing;
  for (size_t i = 0; i < pk.size(); ++i) {
    if (!pk_vals[i])
      missing += (missing.empty() ? "" : ", ") + pk[i]->name;
    else
      pk_components.push_back(*pk_vals[i]);
  }
  if (!missing.empty()) throw_invalid("Some partition key parts are missing: " + missing);
  bool no_clustering_given =
      std::none_of(ck_vals.begin(), ck_vals.end(), [](auto& v) { return v.has_value(); });
  bool only_static = row.fragment.cells.empty() && !static_row.fragment.cells.empty() && no_clustering_given;
  for (size_t i = 0; i < ck.size(); ++i) {
    if (!ck_vals[i]) missing += (missing.empty() ? "" : ", ") + ck[i]->name;
  }
  if (!missing.empty() && !only_static) throw_invalid("Some clustering keys are missing: " + missing);
  Bytes key = make_partition_key(pk_components);
  check_key(key);
  PartitionWrite& w = partition_for(writes, *table, key);
  std::vector<Bytes> clustering;
  if (!(only_static && !ck.empty())) {
    for (auto& v : ck_vals) clustering.push_back(std::move(*v));
  }
  append_insert_rows(std::move(static_row), std::move(row), std::move(clustering), only_static && !ck.empty(),
                     attrs, w);
}

void build_update(const UpdateStatement& s, ExecContext& ctx, std::vector<PartitionWrite>& writes) {
  std::string ks = resolve_keyspace(s.table.keyspace, ctx);
  auto table = find_table(*ctx.schema, ks, s.table.name);
  check_writable(*table);
  WriteAttrs attrs = write_attrs(s.using_clause, *table, ctx, true);
  bool only_static = !s.assignments.empty();
  std::vector<std::pair<const Assignment*, const ColumnDef*>> assignments;
  std::set<std::string> seen;
  for (const Assignment& a : s.assignments) {
    const ColumnDef* c = table->find_column(a.column);
    if (!c) throw_invalid("Undefined column name " + a.column + " in table " + ks + "." + table->name);
    if (c->kind == ColumnKind::kPartitionKey || c->kind == ColumnKind::kClustering) {
      throw_invalid("PRIMARY KEY part " + c->name + " found in SET part");
    }
    bool element_op = a.op == Assignment::Op::kSetElement || a.op == Assignment::Op::kSetField;
    if (!element_op && !seen.insert(c->name).second)
      throw_invalid("Multiple definitions found for column " + c->name);
    if (c->kind != ColumnKind::kStatic) only_static = false;
    assignments.emplace_back(&a, c);
  }
  WhereAnalysis w =
      analyze_where(s.where, *table, ctx, only_static ? WhereUse::kDelete : WhereUse::kUpdate, false);
  if (only_static && (!w.ck_values.empty() || w.ck_lower || w.ck_upper)) {
    throw_invalid(
        "Invalid restrictions on clustering columns since the UPDATE statement modifies only static columns");
  }
  if (w.ck_lower || w.ck_upper) {
    throw_invalid("Slice restrictions are not supported on the clustering columns in UPDATE statements");
  }
  auto ckeys = selected_clustering_keys(w);
  for (const Bytes& key : selected_partition_keys(w)) {
    check_key(key);
    PartitionWrite& pw = partition_for(writes, *table, key);
    RowWrite static_row;
    static_row.is_static = true;
    CurrentRow current_static(ctx, *table, key, nullptr);
    for (auto [a, c] : assignments) {
      if (c->kind == ColumnKind::kStatic)
        assignment_cells(*a, *c, ctx, attrs, current_static, static_row.fragment.cells);
    }
    if (!static_row.fragment.cells.empty()) {
      sort_cells(static_row.fragment.cells);
      pw.rows.push_back(std::move(static_row));
    }
    if (only_static) continue;
    for (const auto& ckey : ckeys) {
      RowWrite r;
      r.clustering = ckey;
      CurrentRow current(ctx, *table, key, &ckey);
      for (auto [a, c] : assignments) {
        if (c->kind != ColumnKind::kStatic) assignment_cells(*a, *c, ctx, attrs, current, r.fragment.cells);
      }
      if (r.fragment.cells.empty()) continue;
      sort_cells(r.fragment.cells);
      pw.rows.push_back(std::move(r));
    }
  }
}

// The cells a DELETE target writes into one row.
void delete_cells(const DeleteTarget& t, const ColumnDef& c, ExecContext& ctx, const WriteAttrs& a,
                  CurrentRow& current, std::vector<Cell>& out) {
  if (t.element) {
    if (!c.type.is_multi_cell() || c.type.kind() == TypeKind::kUdt) {
      throw_invalid("Invalid operation: " + c.name + " is not a non-frozen collection");
    }
    if (c.type.kind() == TypeKind::kSet)
      throw_invalid("Invalid operation (" + c.name + "[?]) for set column " + c.name);
    if (c.type.kind() == TypeKind::kMap) {
      out.push_back(make_tombstone_cell(
          c.id, evaluate_required(*t.element, c.type.params()[0], "key(" + c.name + ")", ctx), a));
      return;
    }
    Bytes index = evaluate_required(*t.element, DataType::native(TypeKind::kInt), "idx(" + c.name + ")", ctx);
    out.push_back(make_tombstone_cell(c.id, list_element_at(c, current, common::decode_int(index)).path, a));
    return;
  }
  if (!t.field.empty()) {
    if (c.type.kind() != TypeKind::kUdt || !c.type.is_multi_cell()) {
      throw_invalid("Invalid field deletion: " + c.name + " is not a non-frozen user type");
    }
    const auto& names = c.type.field_names();
    auto it = std::find(names.begin(), names.end(), t.field);
    if (it == names.end()) throw_invalid("UDT column " + c.name + " does not have a field named " + t.field);
    out.push_back(make_tombstone_cell(c.id, field_path(static_cast<size_t>(it - names.begin())), a));
    return;
  }
  if (c.type.is_multi_cell()) {
    overwrite_cells(c, std::nullopt, WriteAttrs{a.timestamp + 1, 0, a.now}, ctx.svc.uuids,
                    out);  // tombstone at ts
    return;
  }
  out.push_back(make_tombstone_cell(c.id, Bytes(), a));
}

void build_delete(const DeleteStatement& s, ExecContext& ctx, std::vector<PartitionWrite>& writes) {
  std::string ks = resolve_keyspace(s.table.keyspace, ctx);
  auto table = find_table(*ctx.schema, ks, s.table.name);
  check_writable(*table);
  WriteAttrs attrs = write_attrs(s.using_clause, *table, ctx, false);
  WhereAnalysis w = analyze_where(s.where, *table, ctx, WhereUse::kDelete, false);
  std::vector<std::pair<const DeleteTarget*, const ColumnDef*>> targets;
  bool has_regular = false;
  for (const DeleteTarget& t : s.targets) {
    const ColumnDef* c = table->find_column(t.column);
    if (!c) throw_invalid("Undefined column name " + t.column + " in table " + ks + "." + table->name);
    if (c->kind == ColumnKind::kPartitionKey || c->kind == ColumnKind::kClustering) {
      throw_invalid("Invalid identifier " + c->name + " for deletion (should not be a PRIMARY KEY part)");
    }
    if (c->kind != ColumnKind::kStatic) has_regular = true;
    targets.emplace_back(&t, c);
  }
  bool ck_restricted = !w.ck_values.empty() || w.ck_lower || w.ck_upper;
  if (has_regular && !w.ck_complete) {
    std::string missing;
    auto ck = table->clustering_key();
    for (size_t j = w.ck_values.size(); j < ck.size(); ++j)
      missing += (missing.empty() ? "" : ", ") + ck[j]->name;
    throw_invalid("Some clustering keys are missing: " + missing);
  }
  storage::Deletion deletion{attrs.timestamp, attrs.now};
  auto ckeys = selected_clustering_keys(w);
  for (const Bytes& key : selected_partition_keys(w)) {
    PartitionWrite& pw = partition_for(writes, *table, key);
    if (targets.empty()) {
      if (!ck_restricted) {
        if (deletion.timestamp > pw.partition_deletion.timestamp) pw.partition_deletion = deletion;
      } else if (w.ck_complete && !table->clustering_key().empty()) {
        for (const auto& ckey : ckeys) {
          RowWrite r;
          r.clustering = ckey;
          r.fragment.deletion = deletion;
          pw.rows.push_back(std::move(r));
        }
      } else {
        // A clustering prefix or slice: range tombstones, one per prefix combination.
        for (const storage::Slice& slice : clustering_slices(w, *table)) {
          pw.range_tombstones.push_back(storage::RangeTombstone{slice.start, slice.end, deletion});
        }
      }
      continue;
    }
    RowWrite static_row;
    static_row.is_static = true;
    CurrentRow current_static(ctx, *table, key, nullptr);
    for (auto [t, c] : targets) {
      if (c->kind == ColumnKind::kStatic)
        delete_cells(*t, *c, ctx, attrs, current_static, static_row.fragment.cells);
    }
    if (!static_row.fragment.cells.empty()) {
      sort_cells(static_row.fragment.cells);
      pw.rows.push_back(std::move(static_row));
    }
    if (!has_regular) continue;
    for (const auto& ckey : ckeys) {
      RowWrite r;
      r.clustering = ckey;
      CurrentRow current(ctx, *table, key, &ckey);
      for (auto [t, c] : targets) {
        if (c->kind != ColumnKind::kStatic) delete_cells(*t, *c, ctx, attrs, current, r.fragment.cells);
      }
      sort_cells(r.fragment.cells);
      pw.rows.push_back(std::move(r));
    }
  }
}

}  // namespace

bool is_counter_modification(const ModificationStatement& stmt, const ExecContext& ctx) {
  const QualifiedName& name = std::visit([](const auto& s) -> const QualifiedName& { return s.table; }, stmt);
  auto table = find_table(*ctx.schema, resolve_keyspace(name.keyspace, ctx), name.name);
  return is_counter_table(*table);
}

void build_modification(const ModificationStatement& stmt, ExecContext& ctx,
                        std::vector<PartitionWrite>& writes) {
  std::visit(
      [&](const auto& s) {
        using T = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<T, InsertStatement>) build_insert(s, ctx, writes);
        if constexpr (std::is_same_v<T, UpdateStatement>) build_update(s, ctx, writes);
        if constexpr (std::is_same_v<T, DeleteStatement>) build_delete(s, ctx, writes);
      },
      stmt);
}

ResultMessage execute_modification(const ModificationStatement& stmt, ExecContext& ctx) {
  if (has_conditions(stmt)) {
    if (ctx.no_block) throw common::WouldBlock{};  // reads and writes under a partition lock
    return execute_conditional({stmt}, ctx);
  }
  if (ctx.consistency == coordinator::Consistency::kSerial ||
      ctx.consistency == coordinator::Consistency::kLocalSerial) {
    throw_invalid("You must use conditional updates for serializable writes");
  }
  std::vector<PartitionWrite> writes;
  build_modification(stmt, ctx, writes);
  apply_writes(ctx, writes, ctx.consistency, -1, ctx.group);
  return VoidResult{};
}

}  // namespace krill::cql
