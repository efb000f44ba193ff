// INSERT, UPDATE and DELETE: statements become partition writes for the coordinator.
#include <algorithm>
#include <set>

#include "common/murmur3.h"
#include "common/values.h"
#include "cql/where.h"

namespace krill::cql {

using common::Bytes;
using common::DataType;
using common::throw_invalid;
using schema::ColumnDef;
using schema::ColumnKind;
using schema::TableDef;
using storage::Cell;
using storage::PartitionWrite;
using storage::RowWrite;

namespace {

constexpr int32_t kMaxTtl = 630720000;  // 20 years, as Cassandra
constexpr size_t kMaxKeyLength = 65535;

struct WriteAttrs {
  int64_t timestamp = 0;
  int32_t ttl = 0;
  int32_t now = 0;
};

WriteAttrs write_attrs(const UsingClause& u, const TableDef& t, const ExecContext& ctx, bool allow_ttl) {
  WriteAttrs a;
  a.now = ctx.now;
  a.timestamp = ctx.timestamp;
  if (auto ts =
          evaluate_integer(u.timestamp, DataType::native(common::TypeKind::kBigint), "[timestamp]", ctx)) {
    if (*ts == INT64_MIN) throw_invalid("Invalid timestamp value: " + std::to_string(*ts));
    a.timestamp = *ts;
  }
  a.ttl = t.params.default_time_to_live;
  if (u.ttl) {
    if (!allow_ttl) throw_invalid("Cannot provide custom TTL for DELETE statement");
    if (auto ttl = evaluate_integer(u.ttl, DataType::native(common::TypeKind::kInt), "[ttl]", ctx)) {
      if (*ttl < 0) throw_invalid("A TTL must be greater or equal to 0, but was " + std::to_string(*ttl));
      if (*ttl > kMaxTtl)
        throw_invalid("ttl is too large. requested (" + std::to_string(*ttl) + ") maximum (" +
                      std::to_string(kMaxTtl) + ")");
      a.ttl = static_cast<int32_t>(*ttl);
    }
  }
  return a;
}

Cell live_cell(const ColumnDef& c, Bytes value, const WriteAttrs& a) {
  Cell cell;
  cell.column_id = c.id;
  cell.timestamp = a.timestamp;
  cell.value = std::move(value);
  if (a.ttl > 0) {
    cell.flags = Cell::kExpiring;
    cell.ttl = a.ttl;
    cell.local_time = a.now + a.ttl;
  }
  return cell;
}

Cell tombstone_cell(const ColumnDef& c, const WriteAttrs& a) {
  Cell cell;
  cell.column_id = c.id;
  cell.flags = Cell::kTombstone;
  cell.timestamp = a.timestamp;
  cell.local_time = a.now;
  return cell;
}

void check_key(const Bytes& key, const std::string& column) {
  if (key.empty()) throw_invalid("Key may not be empty");
  if (key.size() > kMaxKeyLength) {
    throw_invalid("Key length of " + std::to_string(key.size()) + " is longer than maximum of " +
                  std::to_string(kMaxKeyLength));
  }
}

void check_writable(const TableDef& t) {
  if (t.is_virtual)
    throw common::CqlError(common::ErrorCode::kUnauthorized,
                           t.keyspace + " keyspace is not user-modifiable.");
}

void reject_conditions(bool has_conditions) {
  if (has_conditions) throw_invalid("Conditional updates (lightweight transactions) are not supported yet");
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

void sort_cells(std::vector<Cell>& cells) {
  std::sort(cells.begin(), cells.end(),
            [](const Cell& a, const Cell& b) { return a.column_id < b.column_id; });
}

void build_insert(const InsertStatement& s, ExecContext& ctx, std::vector<PartitionWrite>& writes) {
  std::string ks = resolve_keyspace(s.table.keyspace, ctx);
  auto table = find_table(*ctx.schema, ks, s.table.name);
  check_writable(*table);
  if (s.json) throw_invalid("INSERT JSON is not supported yet");
  reject_conditions(s.if_not_exists);
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
    RowWrite& target = c->kind == ColumnKind::kStatic ? static_row : row;
    target.fragment.cells.push_back(v.is_value() ? live_cell(*c, std::move(v.bytes), attrs)
                                                 : tombstone_cell(*c, attrs));
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
  bool only_static = row.fragment.cells.empty() && !static_row.fragment.cells.empty();
  for (size_t i = 0; i < ck.size(); ++i) {
    if (!ck_vals[i]) missing += (missing.empty() ? "" : ", ") + ck[i]->name;
  }
  if (!missing.empty() &&
      !(only_static && std::none_of(ck_vals.begin(), ck_vals.end(), [](auto& v) { return v.has_value(); }))) {
    throw_invalid("Some clustering keys are missing: " + missing);
  }
  Bytes key = make_partition_key(pk_components);
  check_key(key, pk[0]->name);
  PartitionWrite& w = partition_for(writes, *table, key);
  if (!static_row.fragment.cells.empty()) {
    sort_cells(static_row.fragment.cells);
    w.rows.push_back(std::move(static_row));
  }
  if (!ck.empty() && !missing.empty()) return;  // static-only insert
  for (auto& v : ck_vals) row.clustering.push_back(std::move(*v));
  storage::Liveness marker;
  marker.timestamp = attrs.timestamp;
  if (attrs.ttl > 0) {
    marker.ttl = attrs.ttl;
    marker.expiry = attrs.now + attrs.ttl;
  }
  row.fragment.marker = marker;
  sort_cells(row.fragment.cells);
  w.rows.push_back(std::move(row));
}

void build_update(const UpdateStatement& s, ExecContext& ctx, std::vector<PartitionWrite>& writes) {
  std::string ks = resolve_keyspace(s.table.keyspace, ctx);
  auto table = find_table(*ctx.schema, ks, s.table.name);
  check_writable(*table);
  reject_conditions(s.if_exists || !s.conditions.empty());
  WriteAttrs attrs = write_attrs(s.using_clause, *table, ctx, true);
  bool only_static = !s.assignments.empty();
  std::vector<Cell> cells, static_cells;
  std::set<std::string> seen;
  for (const Assignment& a : s.assignments) {
    const ColumnDef* c = table->find_column(a.column);
    if (!c) throw_invalid("Undefined column name " + a.column + " in table " + ks + "." + table->name);
    if (c->kind == ColumnKind::kPartitionKey || c->kind == ColumnKind::kClustering) {
      throw_invalid("PRIMARY KEY part " + c->name + " found in SET part");
    }
    if (!seen.insert(c->name).second) throw_invalid("Multiple definitions found for column " + c->name);
    if (a.op != Assignment::Op::kSet) {
      throw_invalid("Operation on column " + c->name + " is not supported yet (collections and counters)");
    }
    if (c->kind != ColumnKind::kStatic) only_static = false;
    TermValue v = evaluate_term(*a.value, c->type, c->name, ctx);
    if (v.kind == TermValue::Kind::kUnset) continue;
    auto& target = c->kind == ColumnKind::kStatic ? static_cells : cells;
    target.push_back(v.is_value() ? live_cell(*c, std::move(v.bytes), attrs) : tombstone_cell(*c, attrs));
  }
  WhereAnalysis w =
      analyze_where(s.where, *table, ctx, only_static ? WhereUse::kDelete : WhereUse::kUpdate, false);
  if (only_static && (!w.ck_values.empty() || w.ck_lower || w.ck_upper)) {
    throw_invalid(
        "Invalid restrictions on clustering columns since the UPDATE statement modifies only static columns");
  }
  if (w.ck_lower || w.ck_upper)
    throw_invalid("Slice restrictions are not supported on the clustering columns in UPDATE statements");
  sort_cells(cells);
  sort_cells(static_cells);
  for (const Bytes& key : selected_partition_keys(w)) {
    check_key(key, "");
    PartitionWrite& pw = partition_for(writes, *table, key);
    if (!static_cells.empty()) {
      RowWrite r;
      r.is_static = true;
      r.fragment.cells = static_cells;
      pw.rows.push_back(std::move(r));
    }
    if (only_static || cells.empty()) continue;
    for (auto& ckey : selected_clustering_keys(w)) {
      RowWrite r;
      r.clustering = ckey;
      r.fragment.cells = cells;
      pw.rows.push_back(std::move(r));
    }
  }
}

void build_delete(const DeleteStatement& s, ExecContext& ctx, std::vector<PartitionWrite>& writes) {
  std::string ks = resolve_keyspace(s.table.keyspace, ctx);
  auto table = find_table(*ctx.schema, ks, s.table.name);
  check_writable(*table);
  reject_conditions(s.if_exists || !s.conditions.empty());
  WriteAttrs attrs = write_attrs(s.using_clause, *table, ctx, false);
  WhereAnalysis w = analyze_where(s.where, *table, ctx, WhereUse::kDelete, false);
  std::vector<Cell> cells, static_cells;
  for (const DeleteTarget& t : s.targets) {
    const ColumnDef* c = table->find_column(t.column);
    if (!c) throw_invalid("Undefined column name " + t.column + " in table " + ks + "." + table->name);
    if (c->kind == ColumnKind::kPartitionKey || c->kind == ColumnKind::kClustering) {
      throw_invalid("Invalid identifier " + c->name + " for deletion (should not be a PRIMARY KEY part)");
    }
    if (t.element || !t.field.empty())
      throw_invalid("Deleting collection elements or fields is not supported yet");
    (c->kind == ColumnKind::kStatic ? static_cells : cells).push_back(tombstone_cell(*c, attrs));
  }
  sort_cells(cells);
  sort_cells(static_cells);
  bool ck_restricted = !w.ck_values.empty() || w.ck_lower || w.ck_upper;
  if (!s.targets.empty() && !cells.empty() && !w.ck_complete) {
    std::string missing;
    auto ck = table->clustering_key();
    for (size_t j = w.ck_values.size(); j < ck.size(); ++j)
      missing += (missing.empty() ? "" : ", ") + ck[j]->name;
    throw_invalid("Some clustering keys are missing: " + missing);
  }
  if (s.targets.empty() && ck_restricted && !w.ck_complete) {
    throw_invalid("Range deletions (a partial clustering key or a slice) are not supported yet");
  }
  storage::Deletion deletion{attrs.timestamp, attrs.now};
  for (const Bytes& key : selected_partition_keys(w)) {
    PartitionWrite& pw = partition_for(writes, *table, key);
    if (s.targets.empty()) {
      if (!ck_restricted) {
        if (deletion.timestamp > pw.partition_deletion.timestamp) pw.partition_deletion = deletion;
        continue;
      }
      for (auto& ckey : selected_clustering_keys(w)) {
        RowWrite r;
        r.clustering = ckey;
        r.fragment.deletion = deletion;
        pw.rows.push_back(std::move(r));
      }
      continue;
    }
    if (!static_cells.empty()) {
      RowWrite r;
      r.is_static = true;
      r.fragment.cells = static_cells;
      pw.rows.push_back(std::move(r));
    }
    if (cells.empty()) continue;
    for (auto& ckey : selected_clustering_keys(w)) {
      RowWrite r;
      r.clustering = ckey;
      r.fragment.cells = cells;
      pw.rows.push_back(std::move(r));
    }
  }
}

}  // namespace

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
  if (ctx.consistency == coordinator::Consistency::kSerial ||
      ctx.consistency == coordinator::Consistency::kLocalSerial) {
    throw_invalid("You must use conditional updates for serializable writes");
  }
  std::vector<PartitionWrite> writes;
  build_modification(stmt, ctx, writes);
  ctx.svc.coordinator.mutate(writes, ctx.consistency);
  return VoidResult{};
}

}  // namespace krill::cql
