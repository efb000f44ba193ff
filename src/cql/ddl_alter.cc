// ALTER TABLE: ADD, DROP and RENAME columns, WITH options (Cassandra 4.0 semantics).
//
// Columns are identified in storage by id, never by name: ADD always hands out a fresh id
// (also when a dropped name comes back), so cells written before a DROP never show again;
// RENAME only changes the name.
#include <algorithm>

#include "cql/ddl_internal.h"
#include "schema/indexes.h"
#include "schema/user_types.h"

namespace krill::cql {

using common::CqlError;
using common::DataType;
using common::ErrorCode;
using common::throw_invalid;
using schema::ColumnDef;
using schema::ColumnKind;
using schema::DdlEffects;
using schema::KeyspaceDef;
using schema::TableDef;

namespace {

const char* kind_label(ColumnKind k) { return k == ColumnKind::kStatic ? "STATIC" : "REGULAR"; }

// Whether values of `old_type` read correctly as `type` (Cassandra refuses to re-add a
// dropped column with an incompatible type). Dropped types have user types expanded.
bool compatible_with_dropped(const DataType& type, const DataType& old_type) {
  DataType t = schema::expand_user_types(type);
  if (t == old_type) return true;
  if (t.is_multi_cell() || old_type.is_multi_cell()) return false;
  const auto k = t.kind();
  const auto o = old_type.kind();
  if (k == common::TypeKind::kBlob) return true;
  return k == common::TypeKind::kText && o == common::TypeKind::kAscii;
}

bool is_counter_table(const TableDef& t) {
  return std::any_of(t.columns.begin(), t.columns.end(),
                     [](const ColumnDef& c) { return c.type.is_counter(); });
}

// ADD [IF NOT EXISTS] columns; returns whether anything was added.
bool add_columns(const AlterTableStatement& s, const KeyspaceDef& ks, TableDef& t) {
  bool changed = false;
  for (const auto& def : s.add_columns) {
    DataType type = resolve_type(def.type, ks);
    if (t.find_column(def.name)) {
      if (s.if_not_exists_columns) continue;
      throw_invalid("Column with name '" + def.name + "' already exists");
    }
    if (def.is_static && t.clustering_key().empty()) {
      throw_invalid(
          "Static columns are only useful (and thus allowed) if the table has at least one clustering "
          "column");
    }
    check_column_type(type, def.name);
    const bool counter_table = is_counter_table(t);
    if (type.is_counter() && !counter_table) {
      throw_invalid("Cannot add a counter column (" + def.name + ") in a non counter column family");
    }
    if (!type.is_counter() && counter_table) {
      throw_invalid("Cannot add a non counter column (" + def.name + ") in a counter column family");
    }
    auto dropped = t.dropped_columns.find(def.name);
    if (dropped != t.dropped_columns.end()) {
      const auto& d = dropped->second;
      if (!compatible_with_dropped(type, d.type)) {
        throw_invalid("Cannot re-add previously dropped column '" + def.name + "' of type " +
                      type.cql_name() + ", incompatible with previous type " + d.type.cql_name());
      }
      if ((d.kind == ColumnKind::kStatic) != def.is_static) {
        throw_invalid("Cannot re-add previously dropped column '" + def.name + "' of kind " +
                      kind_label(def.is_static ? ColumnKind::kStatic : ColumnKind::kRegular) +
                      ", incompatible with previous kind " + kind_label(d.kind));
      }
      if (counter_table) throw_invalid("Cannot re-add previously dropped counter column " + def.name);
    }
    ColumnDef c{def.name, type, def.is_static ? ColumnKind::kStatic : ColumnKind::kRegular, -1, false, 0};
    c.id = t.next_column_id++;  // always fresh: old cells of a same-named column stay invisible
    t.columns.push_back(std::move(c));
    changed = true;
  }
  sort_columns(t);
  return changed;
}

// DROP [IF EXISTS] columns, recorded in dropped_columns at `timestamp`.
bool drop_columns(const AlterTableStatement& s, TableDef& t, int64_t timestamp) {
  bool changed = false;
  for (const auto& name : s.drop_columns) {
    const ColumnDef* c = t.find_column(name);
    if (c == nullptr) {
      if (s.if_exists_columns) continue;
      throw_invalid("Column " + name + " was not found in table '" + qualified_name(t.keyspace, t.name) +
                    "'");
    }
    if (c->kind == ColumnKind::kPartitionKey || c->kind == ColumnKind::kClustering) {
      throw_invalid("Cannot drop PRIMARY KEY column " + name);
    }
    if (c->type.kind() == common::TypeKind::kUdt && c->type.is_multi_cell()) {
      throw_invalid("Cannot drop non-frozen column " + name + " of user type " + c->type.cql_name());
    }
    for (const auto& i : t.indexes) {
      if (i.column == name)
        throw_invalid("Cannot drop column " + name + " because it has dependent secondary indexes (" +
                      i.name + ")");
    }
    t.dropped_columns[name] =
        schema::DroppedColumn{name, schema::expand_user_types(c->type), c->kind, timestamp};
    t.columns.erase(t.columns.begin() + (c - t.columns.data()));
    changed = true;
  }
  return changed;
}

// RENAME [IF EXISTS] a TO b [AND ...]: primary key columns only.
bool rename_columns(const AlterTableStatement& s, TableDef& t) {
  bool changed = false;
  for (const auto& [from, to] : s.renames) {
    const ColumnDef* c = t.find_column(from);
    if (c == nullptr) {
      if (s.if_exists_columns) continue;
      throw_invalid("Column " + from + " was not found in table " + qualified_name(t.keyspace, t.name));
    }
    if (c->kind != ColumnKind::kPartitionKey && c->kind != ColumnKind::kClustering) {
      throw_invalid("Cannot rename non PRIMARY KEY column " + from);
    }
    if (t.find_column(to)) {
      throw_invalid("Cannot rename column " + from + " to " + to + " in table '" +
                    qualified_name(t.keyspace, t.name) + "'; another column with that name already exists");
    }
    t.columns[c - t.columns.data()].name = to;
    changed = true;
  }
  return changed;
}

}  // namespace

ResultMessage alter_table(const AlterTableStatement& s, ExecContext& ctx) {
  std::string ks = resolve_keyspace(s.table.keyspace, ctx);
  check_not_system(ks);
  const int64_t timestamp = ctx.timestamp;
  bool altered = false;
  ctx.svc.schema.apply([&](schema::Schema& next) {
    DdlEffects fx;
    auto keyspace = next.find_keyspace(ks);
    auto current = keyspace ? keyspace->find_table(s.table.name) : nullptr;
    if (!current) {
      if (s.if_exists) return fx;
      throw_invalid("Table '" + ks + "." + s.table.name + "' doesn't exist");
    }
    if (current->view) throw_invalid("Cannot use ALTER TABLE on Materialized View");
    if (s.kind == AlterTableStatement::Kind::kDrop && !schema::views_of(*keyspace, current->name).empty()) {
      throw_invalid("Cannot drop column " + (s.drop_columns.empty() ? std::string() : s.drop_columns[0]) +
                    " on base table " + current->name + " with materialized views.");
    }
    auto t = std::make_shared<TableDef>(*current);
    bool changed = false;
    switch (s.kind) {
      case AlterTableStatement::Kind::kAdd:
        changed = add_columns(s, *keyspace, *t);
        break;
      case AlterTableStatement::Kind::kDrop:
        changed = drop_columns(s, *t, timestamp);
        break;
      case AlterTableStatement::Kind::kRename:
        changed = rename_columns(s, *t);
        break;
      case AlterTableStatement::Kind::kWith:
        apply_table_options(t->params, s.properties);
        if (is_counter_table(*t) && t->params.default_time_to_live > 0) {
          throw_invalid("Cannot set default_time_to_live on a table with counters");
        }
        changed = true;
        break;
      case AlterTableStatement::Kind::kAlterType:
        throw_invalid("Altering column types is no longer supported");
    }
    if (!changed) return fx;
    t->refresh_layout();
    KeyspaceDef& def = edit_keyspace(next, *keyspace, fx);
    def.tables[t->name] = t;
    altered = true;
    return fx;
  });
  if (!altered) return VoidResult{};
  return announce(
      ctx, schema_change(SchemaChange::Change::kUpdated, SchemaChange::Target::kTable, ks, s.table.name));
}

}  // namespace krill::cql
