// USE, CREATE/ALTER/DROP KEYSPACE, CREATE/DROP TABLE, TRUNCATE, and the helpers the other
// schema statements share (ddl_internal.h).
#include <algorithm>
#include <set>

#include "common/values.h"
#include "cql/ddl_internal.h"
#include "cql/index.h"
#include "cql/parser_internal.h"
#include "cql/properties.h"
#include "cql/view.h"
#include "schema/indexes.h"

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

CqlError config_error(const std::string& msg) { return CqlError(ErrorCode::kConfigError, msg); }

SchemaChange schema_change(SchemaChange::Change c, SchemaChange::Target t, const std::string& ks,
                           const std::string& name) {
  SchemaChange sc;
  sc.change = c;
  sc.target = t;
  sc.keyspace = ks;
  sc.name = name;
  return sc;
}

ResultMessage announce(ExecContext& ctx, const SchemaChange& sc) {
  if (ctx.svc.events != nullptr) ctx.svc.events->on_schema_change(sc);
  return SchemaChangeResult{sc};
}

void check_not_system(const std::string& ks) {
  if (ks == "system" || ks == "system_schema" || ks == "system_auth" || ks == "system_distributed" ||
      ks == "system_traces" || ks == "system_virtual_schema" || ks == "system_views") {
    throw CqlError(ErrorCode::kUnauthorized, ks + " keyspace is not user-modifiable.");
  }
}

void check_name(const std::string& name, const char* what) {
  if (name.empty() || name.size() > 48) {
    throw_invalid(std::string(what) + " names shouldn't be more than 48 characters long (got \"" + name +
                  "\")");
  }
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
      throw_invalid(std::string(what) +
                    " name must not be empty, more than 48 characters long, or contain non-" +
                    "alphanumeric-underscore characters (got \"" + name + "\")");
    }
  }
}

DataType resolve_type(const std::string& text, const KeyspaceDef& ks) {
  auto lookup = [&ks](const std::string& name) -> std::optional<DataType> {
    if (auto t = ks.find_type(name)) return t;
    auto dot = name.find('.');
    if (dot == std::string::npos) return std::nullopt;
    std::string other = name.substr(0, dot);
    if (other != ks.name) {
      throw_invalid("Statement on keyspace " + ks.name + " cannot refer to a user type in keyspace " + other +
                    "; user types can only be used in the keyspace they are defined in");
    }
    return ks.find_type(name.substr(dot + 1));
  };
  return DataType::parse(text, lookup);
}

void check_column_type(const DataType& type, const std::string& column) {
  if (type.kind() == common::TypeKind::kUdt && type.is_multi_cell()) {
    for (const auto& f : type.params()) {
      if (f.is_multi_cell()) {
        throw_invalid("Non-frozen UDTs with nested non-frozen collections are not supported for column " +
                      column);
      }
    }
  }
}

void apply_table_options(schema::TableParams& params, const std::vector<Property>& props) {
  std::vector<Property> rest;
  for (const auto& p : props) {
    if (p.name == "extensions") {
      property_map(p);  // validates the shape; Krill keeps no extensions
    } else {
      rest.push_back(p);
    }
  }
  apply_table_properties(params, rest);
}

void sort_columns(TableDef& t) {
  auto rank = [](const ColumnDef& c) {
    switch (c.kind) {
      case ColumnKind::kPartitionKey:
        return 0;
      case ColumnKind::kClustering:
        return 1;
      case ColumnKind::kStatic:
        return 2;
      case ColumnKind::kRegular:
        break;
    }
    return 3;
  };
  std::stable_sort(t.columns.begin(), t.columns.end(), [&](const ColumnDef& a, const ColumnDef& b) {
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    if (rank(a) < 2) return a.position < b.position;
    return a.name < b.name;
  });
}

std::string qualified_name(const std::string& keyspace, const std::string& name) {
  return internal::maybe_quote(keyspace) + "." + internal::maybe_quote(name);
}

KeyspaceDef& edit_keyspace(schema::Schema& next, const KeyspaceDef& current, DdlEffects& fx) {
  auto copy = std::make_shared<KeyspaceDef>(current);
  KeyspaceDef& def = *copy;
  next.keyspaces[current.name] = std::move(copy);
  fx.keyspaces_changed.push_back(current.name);
  return def;
}

namespace {

// Validates and normalises a replication map; `local_dc` is the only data center known
// until the cluster issue adds peers.
std::map<std::string, std::string> validate_replication(std::map<std::string, std::string> r,
                                                        const std::string& keyspace,
                                                        const std::string& local_dc) {
  auto it = r.find("class");
  if (it == r.end()) throw config_error("Missing replication strategy class");
  std::string cls = it->second;
  if (cls.find('.') == std::string::npos) cls = "org.apache.cassandra.locator." + cls;
  it->second = cls;
  auto check_rf = [](const std::string& key, const std::string& v) {
    if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos) {
      if (!v.empty() && v[0] == '-')
        throw config_error("Replication factor must be non-negative; found " + v);
      throw config_error("Replication factor must be numeric; found " + v + " for " + key);
    }
  };
  if (cls == "org.apache.cassandra.locator.SimpleStrategy") {
    auto rf = r.find("replication_factor");
    if (rf == r.end()) throw config_error("SimpleStrategy requires a replication_factor strategy option.");
    check_rf("replication_factor", rf->second);
    for (const auto& [k, v] : r) {
      if (k != "class" && k != "replication_factor") {
        throw config_error("Unrecognized strategy option {" + k + "} passed to SimpleStrategy for keyspace " +
                           keyspace);
      }
    }
  } else if (cls == "org.apache.cassandra.locator.NetworkTopologyStrategy") {
    // Cassandra 4.0: 'replication_factor' is shorthand for every known data center.
    if (auto rf = r.find("replication_factor"); rf != r.end()) {
      check_rf("replication_factor", rf->second);
      r.emplace(local_dc, rf->second);
      r.erase("replication_factor");
    }
    for (const auto& [k, v] : r) {
      if (k == "class") continue;
      check_rf(k, v);
      if (k != local_dc) {
        throw config_error("Unrecognized strategy option {" + k +
                           "} passed to NetworkTopologyStrategy for keyspace " + keyspace);
      }
    }
    if (r.size() == 1) throw config_error("Configuration for at least one datacenter must be present");
  } else {
    throw config_error("Unable to find replication strategy class '" + it->second + "'");
  }
  return r;
}

void apply_keyspace_properties(KeyspaceDef& ks, const std::vector<Property>& props, bool require_replication,
                               const std::string& local_dc) {
  bool has_replication = false;
  for (const auto& p : props) {
    if (p.name == "replication") {
      ks.replication = validate_replication(property_map(p), ks.name, local_dc);
      has_replication = true;
    } else if (p.name == "durable_writes") {
      ks.durable_writes = property_bool(p);
    } else {
      throw CqlError(ErrorCode::kSyntaxError, "Unknown property '" + p.name + "'");
    }
  }
  if (require_replication && !has_replication) throw config_error("Missing mandatory option 'replication'");
}

ResultMessage create_keyspace(const CreateKeyspaceStatement& s, ExecContext& ctx) {
  check_name(s.keyspace, "Keyspace");
  check_not_system(s.keyspace);
  auto def = std::make_shared<KeyspaceDef>();
  def->name = s.keyspace;
  apply_keyspace_properties(*def, s.properties, true, ctx.svc.node.data_center);
  bool created = false;
  ctx.svc.schema.apply([&](schema::Schema& next) {
    DdlEffects fx;
    if (next.find_keyspace(s.keyspace)) {
      if (s.if_not_exists) return fx;
      common::ErrorDetail d;
      d.keyspace = s.keyspace;
      throw CqlError(ErrorCode::kAlreadyExists, "Cannot add existing keyspace \"" + s.keyspace + "\"", d);
    }
    next.keyspaces[s.keyspace] = def;
    fx.keyspaces_changed.push_back(s.keyspace);
    created = true;
    return fx;
  });
  if (!created) return VoidResult{};
  return announce(ctx,
                  schema_change(SchemaChange::Change::kCreated, SchemaChange::Target::kKeyspace, s.keyspace));
}

ResultMessage alter_keyspace(const AlterKeyspaceStatement& s, ExecContext& ctx) {
  check_not_system(s.keyspace);
  bool altered = false;
  ctx.svc.schema.apply([&](schema::Schema& next) {
    DdlEffects fx;
    auto cur = next.find_keyspace(s.keyspace);
    if (!cur) {
      if (s.if_exists) return fx;
      throw_invalid("Keyspace '" + s.keyspace + "' doesn't exist");
    }
    KeyspaceDef& def = edit_keyspace(next, *cur, fx);
    apply_keyspace_properties(def, s.properties, false, ctx.svc.node.data_center);
    altered = true;
    return fx;
  });
  if (!altered) return VoidResult{};
  return announce(ctx,
                  schema_change(SchemaChange::Change::kUpdated, SchemaChange::Target::kKeyspace, s.keyspace));
}

ResultMessage drop_keyspace(const DropKeyspaceStatement& s, ExecContext& ctx) {
  check_not_system(s.keyspace);
  bool dropped = false;
  ctx.svc.schema.apply([&](schema::Schema& next) {
    DdlEffects fx;
    auto cur = next.find_keyspace(s.keyspace);
    if (!cur) {
      if (s.if_exists) return fx;
      throw_invalid("Keyspace '" + s.keyspace + "' doesn't exist");
    }
    for (const auto& [name, t] : cur->tables) fx.tables_dropped.push_back(t);
    next.keyspaces.erase(s.keyspace);
    fx.keyspaces_dropped.push_back(s.keyspace);
    dropped = true;
    return fx;
  });
  if (!dropped) return VoidResult{};
  if (ctx.state.keyspace == s.keyspace) ctx.state.keyspace.clear();
  return announce(ctx,
                  schema_change(SchemaChange::Change::kDropped, SchemaChange::Target::kKeyspace, s.keyspace));
}

std::shared_ptr<TableDef> build_table(const CreateTableStatement& s, const KeyspaceDef& keyspace,
                                      ExecContext& ctx) {
  const std::string& ks = keyspace.name;
  auto t = std::make_shared<TableDef>();
  t->keyspace = ks;
  t->name = s.table.name;
  t->id = ctx.svc.uuids.time_based();
  std::map<std::string, const ColumnDefinition*> defs;
  std::vector<std::string> pk = s.partition_key, ck = s.clustering_key;
  for (const auto& c : s.columns) {
    if (defs.count(c.name))
      throw_invalid("Duplicate column '" + c.name + "' declaration for table '" + ks + "." + t->name + "'");
    defs[c.name] = &c;
    if (c.is_primary_key && !(pk.size() == 1 && pk[0] == c.name)) {
      if (!pk.empty()) throw_invalid("Multiple PRIMARY KEY specifications for table '" + t->name + "'");
      pk.push_back(c.name);
    }
  }
  if (pk.empty()) throw_invalid("No PRIMARY KEY specifed for table '" + t->name + "' (exactly one required)");
  std::set<std::string> key_names;
  auto typed = [&](const std::string& name) -> DataType {
    auto it = defs.find(name);
    if (it == defs.end())
      throw_invalid("Unknown column '" + name + "' referenced in PRIMARY KEY for table '" + t->name + "'");
    if (!key_names.insert(name).second) throw_invalid("Duplicate column '" + name + "' in PRIMARY KEY");
    if (it->second->is_static)
      throw_invalid("Static column '" + name + "' cannot be part of the PRIMARY KEY");
    DataType type = resolve_type(it->second->type, keyspace);
    if (type.is_multi_cell()) {
      if (type.kind() == common::TypeKind::kUdt) {
        throw_invalid("Invalid non-frozen user-defined type \"" + type.cql_name() +
                      "\" for PRIMARY KEY column '" + name + "'");
      }
      throw_invalid("Invalid non-frozen collection type " + type.cql_name() + " for PRIMARY KEY component " +
                    name);
    }
    if (type.kind() == common::TypeKind::kDuration) {
      throw_invalid("duration type is not supported for PRIMARY KEY column '" + name + "'");
    }
    if (type.is_counter())
      throw_invalid("counter type is not supported for PRIMARY KEY column '" + name + "'");
    return type;
  };
  for (size_t i = 0; i < pk.size(); ++i) {
    t->columns.push_back(
        ColumnDef{pk[i], typed(pk[i]), ColumnKind::kPartitionKey, static_cast<int>(i), false, 0});
  }
  std::map<std::string, bool> order;
  for (size_t i = 0; i < s.clustering_order.size(); ++i) {
    const auto& [name, desc] = s.clustering_order[i];
    if (std::find(ck.begin(), ck.end(), name) == ck.end()) {
      throw_invalid("Only clustering key columns can be defined in CLUSTERING ORDER directive: " + name);
    }
    if (i >= ck.size() || ck[i] != name) {
      throw_invalid(
          "The order of columns in the CLUSTERING ORDER directive must match that of the clustering columns");
    }
    order[name] = desc;
  }
  for (size_t i = 0; i < ck.size(); ++i) {
    t->columns.push_back(
        ColumnDef{ck[i], typed(ck[i]), ColumnKind::kClustering, static_cast<int>(i), order[ck[i]], 0});
  }
  std::vector<ColumnDef> statics, regulars;
  bool has_counter = false, has_non_counter = false;
  for (const auto& c : s.columns) {
    if (key_names.count(c.name)) continue;
    DataType type = resolve_type(c.type, keyspace);
    check_column_type(type, c.name);
    (type.is_counter() ? has_counter : has_non_counter) = true;
    if (c.is_static && ck.empty()) {
      throw_invalid("Static columns are not allowed in tables with no clustering columns");
    }
    (c.is_static ? statics : regulars)
        .push_back(
            ColumnDef{c.name, type, c.is_static ? ColumnKind::kStatic : ColumnKind::kRegular, -1, false, 0});
  }
  if (has_counter && has_non_counter)
    throw_invalid("Cannot mix counter and non counter columns in the same table");
  auto by_name = [](const ColumnDef& a, const ColumnDef& b) { return a.name < b.name; };
  std::sort(statics.begin(), statics.end(), by_name);
  std::sort(regulars.begin(), regulars.end(), by_name);
  t->columns.insert(t->columns.end(), statics.begin(), statics.end());
  t->columns.insert(t->columns.end(), regulars.begin(), regulars.end());
  for (auto& c : t->columns) c.id = t->next_column_id++;
  if (s.compact_storage) throw_invalid("COMPACT STORAGE tables are not supported (removed in Cassandra 4.0)");
  apply_table_options(t->params, s.properties);
  t->refresh_layout();
  return t;
}

ResultMessage create_table(const CreateTableStatement& s, ExecContext& ctx) {
  std::string ks = resolve_keyspace(s.table.keyspace, ctx);
  check_not_system(ks);
  check_name(s.table.name, "Table");
  std::shared_ptr<TableDef> table;
  bool created = false;
  ctx.svc.schema.apply([&](schema::Schema& next) {
    DdlEffects fx;
    auto cur = next.find_keyspace(ks);
    if (!cur) throw_invalid("Keyspace '" + ks + "' doesn't exist");
    if (cur->find_table(s.table.name)) {
      if (s.if_not_exists) return fx;
      common::ErrorDetail d;
      d.keyspace = ks;
      d.table = s.table.name;
      throw CqlError(ErrorCode::kAlreadyExists,
                     "Cannot add already existing table \"" + s.table.name + "\" to keyspace \"" + ks + "\"",
                     d);
    }
    // Types resolve against the schema being changed, so a concurrent DROP TYPE cannot slip in.
    table = build_table(s, *cur, ctx);
    KeyspaceDef& def = edit_keyspace(next, *cur, fx);
    def.tables[table->name] = table;
    fx.tables_created.push_back(table);
    created = true;
    return fx;
  });
  if (!created) return VoidResult{};
  return announce(
      ctx, schema_change(SchemaChange::Change::kCreated, SchemaChange::Target::kTable, ks, table->name));
}

ResultMessage drop_table(const DropTableStatement& s, ExecContext& ctx) {
  std::string ks = resolve_keyspace(s.table.keyspace, ctx);
  check_not_system(ks);
  bool dropped = false;
  ctx.svc.schema.apply([&](schema::Schema& next) {
    DdlEffects fx;
    auto cur = next.find_keyspace(ks);
    auto t = cur ? cur->find_table(s.table.name) : nullptr;
    if (!t) {
      if (s.if_exists) return fx;
      throw_invalid("Table '" + ks + "." + s.table.name + "' doesn't exist");
    }
    if (t->view) {
      throw_invalid(
          "Cannot use DROP TABLE on a materialized view. Please use DROP MATERIALIZED VIEW instead.");
    }
    if (auto views = schema::views_of(*cur, t->name); !views.empty()) {
      std::string names;
      for (const auto& v : views) names += (names.empty() ? "" : ", ") + v->name;
      throw_invalid("Cannot drop table when materialized views still depend on it (" + ks + ".{" + names +
                    "})");
    }
    KeyspaceDef& def = edit_keyspace(next, *cur, fx);
    def.tables.erase(s.table.name);
    fx.tables_dropped.push_back(t);
    dropped = true;
    return fx;
  });
  if (!dropped) return VoidResult{};
  return announce(
      ctx, schema_change(SchemaChange::Change::kDropped, SchemaChange::Target::kTable, ks, s.table.name));
}

ResultMessage truncate_table(const TruncateStatement& s, ExecContext& ctx) {
  std::string ks = resolve_keyspace(s.table.keyspace, ctx);
  auto t = find_table(*ctx.schema, ks, s.table.name);
  if (t->is_virtual) throw_invalid("Cannot truncate virtual or system table " + ks + "." + s.table.name);
  if (t->view) throw_invalid("Cannot TRUNCATE materialized view directly; must truncate base table instead");
  ctx.svc.schema.apply([&](schema::Schema& next) {
    DdlEffects fx;
    fx.tables_truncated.push_back(t);
    if (auto cur = next.find_keyspace(ks)) {
      for (const auto& v : schema::views_of(*cur, t->name)) fx.tables_truncated.push_back(v);
    }
    return fx;
  });
  return VoidResult{};
}

}  // namespace

ResultMessage execute_ddl(const Statement& stmt, ExecContext& ctx) {
  if (auto* s = std::get_if<UseStatement>(&stmt)) {
    if (!ctx.schema->find_keyspace(s->keyspace))
      throw_invalid("Keyspace '" + s->keyspace + "' does not exist");
    ctx.state.keyspace = s->keyspace;
    return SetKeyspaceResult{s->keyspace};
  }
  if (auto* s = std::get_if<CreateKeyspaceStatement>(&stmt)) return create_keyspace(*s, ctx);
  if (auto* s = std::get_if<AlterKeyspaceStatement>(&stmt)) return alter_keyspace(*s, ctx);
  if (auto* s = std::get_if<DropKeyspaceStatement>(&stmt)) return drop_keyspace(*s, ctx);
  if (auto* s = std::get_if<CreateTableStatement>(&stmt)) return create_table(*s, ctx);
  if (auto* s = std::get_if<DropTableStatement>(&stmt)) return drop_table(*s, ctx);
  if (auto* s = std::get_if<TruncateStatement>(&stmt)) return truncate_table(*s, ctx);
  if (auto* s = std::get_if<AlterTableStatement>(&stmt)) return alter_table(*s, ctx);
  if (auto* s = std::get_if<CreateTypeStatement>(&stmt)) return create_type(*s, ctx);
  if (auto* s = std::get_if<AlterTypeStatement>(&stmt)) return alter_type(*s, ctx);
  if (auto* s = std::get_if<DropTypeStatement>(&stmt)) return drop_type(*s, ctx);
  if (auto* s = std::get_if<DescribeStatement>(&stmt)) return execute_describe(*s, ctx);
  if (auto* s = std::get_if<CreateIndexStatement>(&stmt)) return create_index(*s, ctx);
  if (auto* s = std::get_if<DropIndexStatement>(&stmt)) return drop_index(*s, ctx);
  if (auto* s = std::get_if<CreateViewStatement>(&stmt)) return create_view(*s, ctx);
  if (auto* s = std::get_if<AlterViewStatement>(&stmt)) return alter_view(*s, ctx);
  if (auto* s = std::get_if<DropViewStatement>(&stmt)) return drop_view(*s, ctx);
  throw_invalid("This statement is not supported yet");
}

}  // namespace krill::cql
