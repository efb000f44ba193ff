// CREATE / ALTER / DROP MATERIALIZED VIEW, with Cassandra 4.0's validation.
//
// Cassandra 4 marks views experimental (materialized_views_enabled); Krill accepts them.
// Only IS NOT NULL restrictions are supported in the view's WHERE clause. CREATE builds
// the view from the existing base rows synchronously before returning (view.h).
#include <algorithm>
#include <set>

#include "cql/ddl_internal.h"
#include "cql/parser_internal.h"
#include "cql/view.h"
#include "schema/indexes.h"

namespace krill::cql {

using common::CqlError;
using common::ErrorCode;
using common::throw_invalid;
using schema::ColumnDef;
using schema::ColumnKind;
using schema::DdlEffects;
using schema::KeyspaceDef;
using schema::TableDef;

namespace {

void check_view_options(const std::vector<Property>& props) {
  for (const auto& p : props) {
    if (p.name == "default_time_to_live") {
      throw_invalid(
          "Cannot set default_time_to_live for a materialized view. Data in a materialized view always "
          "expire "
          "at the same time than the corresponding data in the parent table.");
    }
  }
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// The columns the view selects, besides its primary key (empty selectors: all).
std::set<std::string> selected_columns(const CreateViewStatement& s, const TableDef& base) {
  std::set<std::string> out;
  if (s.selectors.empty()) {
    for (const auto& c : base.columns) out.insert(c.name);
    return out;
  }
  for (const auto& sel : s.selectors) {
    if (sel.kind != Selector::Kind::kColumn)
      throw_invalid("Can only select columns by name when defining a materialized view");
    if (!sel.alias.empty()) throw_invalid("Cannot use alias when defining a materialized view");
    if (!base.find_column(sel.name))
      throw_invalid("Unknown column name detected in CREATE MATERIALIZED VIEW statement: " + sel.name);
    out.insert(sel.name);
  }
  return out;
}

std::shared_ptr<TableDef> build_view_def(const CreateViewStatement& s, const TableDef& base,
                                         ExecContext& ctx) {
  auto v = std::make_shared<TableDef>();
  v->keyspace = base.keyspace;
  v->name = s.view.name;
  v->id = ctx.svc.uuids.time_based();
  std::set<std::string> selected = selected_columns(s, base);
  for (const auto& c : base.columns) {
    if (c.kind == ColumnKind::kStatic && selected.count(c.name)) {
      throw_invalid(s.selectors.empty()
                        ? "Unable to include static column '" + c.name +
                              "' which would be included by Materialized View SELECT * statement"
                        : "Unable to include static column '" + c.name +
                              "' in Materialized View SELECT statement");
    }
  }
  // WHERE: IS NOT NULL on primary key columns only.
  std::set<std::string> not_null;
  std::vector<std::string> where_parts;
  for (const auto& r : s.where) {
    if (r.op != Relation::Op::kIsNotNull || r.columns.size() != 1 || r.token) {
      throw_invalid("Materialized view WHERE restrictions other than IS NOT NULL are not supported");
    }
    if (!base.find_column(r.columns[0]))
      throw_invalid("Undefined column name " + r.columns[0] + " in table " + base.keyspace + "." + base.name);
    not_null.insert(r.columns[0]);
    where_parts.push_back(internal::maybe_quote(r.columns[0]) + " IS NOT NULL");
  }
  std::vector<std::string> key = s.partition_key;
  key.insert(key.end(), s.clustering_key.begin(), s.clustering_key.end());
  std::set<std::string> seen;
  std::vector<std::string> non_pk, missing_not_null, restricted_non_pk;
  for (const auto& name : key) {
    const ColumnDef* c = base.find_column(name);
    if (!c) throw_invalid("Unknown column name detected in CREATE MATERIALIZED VIEW statement: " + name);
    if (!seen.insert(name).second) throw_invalid("Duplicate column " + name + " in PRIMARY KEY");
    if (c->type.is_multi_cell())
      throw_invalid("Cannot use MultiCell column '" + name + "' in PRIMARY KEY of materialized view");
    if (c->type.kind() == common::TypeKind::kDuration)
      throw_invalid("Cannot use Duration column '" + name + "' in PRIMARY KEY of materialized view");
    if (c->kind == ColumnKind::kStatic)
      throw_invalid("Cannot use Static column '" + name + "' in PRIMARY KEY of materialized view");
    if (c->kind == ColumnKind::kRegular) non_pk.push_back(name);
    if (!not_null.count(name)) missing_not_null.push_back(name);
  }
  for (const auto& n : not_null) {
    if (!seen.count(n)) restricted_non_pk.push_back(n);
  }
  if (non_pk.size() > 1) {
    throw_invalid(
        "Cannot include more than one non-primary key column in materialized view primary key (got " +
        join(non_pk) + ")");
  }
  std::vector<std::string> missing_base;
  for (const auto& c : base.columns) {
    if ((c.kind == ColumnKind::kPartitionKey || c.kind == ColumnKind::kClustering) && !seen.count(c.name))
      missing_base.push_back(c.name);
  }
  if (!missing_base.empty()) {
    throw_invalid("Cannot create materialized view " + v->name + " without primary key columns from base " +
                  base.name + " (" + join(missing_base) + ")");
  }
  if (!missing_not_null.empty()) {
    throw_invalid("Primary key columns " + join(missing_not_null) +
                  " must be restricted with 'IS NOT NULL' or otherwise");
  }
  if (!restricted_non_pk.empty()) {
    throw_invalid(
        "Non-primary key columns cannot be restricted in the SELECT statement used for materialized view "
        "creation (got restrictions on: " +
        join(restricted_non_pk) + ")");
  }
  std::map<std::string, bool> order;
  for (size_t i = 0; i < s.clustering_order.size(); ++i) {
    const auto& [name, desc] = s.clustering_order[i];
    if (std::find(s.clustering_key.begin(), s.clustering_key.end(), name) == s.clustering_key.end())
      throw_invalid("Only clustering key columns can be defined in CLUSTERING ORDER directive: " + name);
    if (i >= s.clustering_key.size() || s.clustering_key[i] != name) {
      throw_invalid(
          "The order of columns in the CLUSTERING ORDER directive must match that of the clustering columns");
    }
    order[name] = desc;
  }
  for (size_t i = 0; i < s.partition_key.size(); ++i) {
    const ColumnDef* c = base.find_column(s.partition_key[i]);
    v->columns.push_back(
        ColumnDef{c->name, c->type, ColumnKind::kPartitionKey, static_cast<int>(i), false, 0});
  }
  for (size_t i = 0; i < s.clustering_key.size(); ++i) {
    const ColumnDef* c = base.find_column(s.clustering_key[i]);
    v->columns.push_back(
        ColumnDef{c->name, c->type, ColumnKind::kClustering, static_cast<int>(i), order[c->name], 0});
  }
  for (const auto& c : base.columns) {
    if (seen.count(c.name) || !selected.count(c.name) || c.kind == ColumnKind::kStatic) continue;
    v->columns.push_back(ColumnDef{c.name, c.type, ColumnKind::kRegular, -1, false, 0});
  }
  sort_columns(*v);
  for (auto& c : v->columns) c.id = v->next_column_id++;
  check_view_options(s.properties);
  apply_table_options(v->params, s.properties);
  schema::ViewInfo info;
  info.base_table = base.name;
  info.base_id = base.id;
  info.include_all_columns = s.selectors.empty();
  std::string where;
  for (const auto& p : where_parts) where += (where.empty() ? "" : " AND ") + p;
  info.where_clause = where;
  v->view = std::move(info);
  v->refresh_layout();
  return v;
}

}  // namespace

ResultMessage create_view(const CreateViewStatement& s, ExecContext& ctx) {
  std::string ks = resolve_keyspace(s.view.keyspace, ctx);
  std::string base_ks = resolve_keyspace(s.base.keyspace, ctx);
  check_not_system(ks);
  if (ks != base_ks) throw_invalid("Cannot create a materialized view on a table in a separate keyspace");
  check_name(s.view.name, "Materialized view");
  std::shared_ptr<const TableDef> view, base;
  ctx.svc.schema.apply([&](schema::Schema& next) {
    DdlEffects fx;
    auto cur = next.find_keyspace(ks);
    if (!cur) throw_invalid("Keyspace '" + ks + "' doesn't exist");
    auto b = cur->find_table(s.base.name);
    if (!b) throw_invalid("Base table '" + s.base.name + "' doesn't exist");
    if (b->view) throw_invalid("Materialized views cannot be created against other materialized views");
    for (const auto& c : b->columns) {
      if (c.type.is_counter()) throw_invalid("Materialized views are not supported on counter tables");
    }
    if (cur->find_table(s.view.name)) {
      if (s.if_not_exists) return fx;
      common::ErrorDetail d;
      d.keyspace = ks;
      d.table = s.view.name;
      throw CqlError(ErrorCode::kAlreadyExists,
                     "Cannot add already existing table \"" + s.view.name + "\" to keyspace \"" + ks + "\"",
                     d);
    }
    auto v = build_view_def(s, *b, ctx);
    KeyspaceDef& def = edit_keyspace(next, *cur, fx);
    def.tables[v->name] = v;
    fx.tables_created.push_back(v);
    view = v;
    base = b;
    return fx;
  });
  if (!view) return VoidResult{};
  build_view(*base, *view, ctx);
  return announce(
      ctx, schema_change(SchemaChange::Change::kCreated, SchemaChange::Target::kTable, ks, view->name));
}

ResultMessage alter_view(const AlterViewStatement& s, ExecContext& ctx) {
  std::string ks = resolve_keyspace(s.view.keyspace, ctx);
  check_not_system(ks);
  check_view_options(s.properties);
  ctx.svc.schema.apply([&](schema::Schema& next) {
    DdlEffects fx;
    auto cur = next.find_keyspace(ks);
    auto t = cur ? cur->find_table(s.view.name) : nullptr;
    if (!t) throw_invalid("Materialized view '" + ks + "." + s.view.name + "' doesn't exist");
    if (!t->view) throw_invalid("Cannot use ALTER MATERIALIZED VIEW on Table");
    auto v = std::make_shared<TableDef>(*t);
    apply_table_options(v->params, s.properties);
    KeyspaceDef& def = edit_keyspace(next, *cur, fx);
    def.tables[v->name] = v;
    return fx;
  });
  return announce(
      ctx, schema_change(SchemaChange::Change::kUpdated, SchemaChange::Target::kTable, ks, s.view.name));
}

ResultMessage drop_view(const DropViewStatement& s, ExecContext& ctx) {
  std::string ks = resolve_keyspace(s.view.keyspace, ctx);
  check_not_system(ks);
  bool dropped = false;
  ctx.svc.schema.apply([&](schema::Schema& next) {
    DdlEffects fx;
    auto cur = next.find_keyspace(ks);
    auto t = cur ? cur->find_table(s.view.name) : nullptr;
    if (!t) {
      if (s.if_exists) return fx;
      throw_invalid("Materialized view '" + ks + "." + s.view.name + "' doesn't exist");
    }
    if (!t->view) throw_invalid("Cannot use DROP MATERIALIZED VIEW on Table");
    KeyspaceDef& def = edit_keyspace(next, *cur, fx);
    def.tables.erase(s.view.name);
    fx.tables_dropped.push_back(t);
    dropped = true;
    return fx;
  });
  if (!dropped) return VoidResult{};
  return announce(
      ctx, schema_change(SchemaChange::Change::kDropped, SchemaChange::Target::kTable, ks, s.view.name));
}

}  // namespace krill::cql
