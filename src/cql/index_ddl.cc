// CREATE INDEX and DROP INDEX (secondary indexes on regular, static-free tables).
//
// CREATE INDEX publishes the index first, so that every write from then on adds entries,
// then builds the entries of the rows already stored, synchronously: the statement returns
// once the whole table has been read (in chunks of partitions; each partition is read
// whole). A write that raced with the publication may miss its entry until rewritten.
#include <cctype>

#include "cql/ddl_internal.h"
#include "cql/index.h"
#include "schema/indexes.h"

namespace krill::cql {

using common::CqlError;
using common::ErrorCode;
using common::throw_invalid;
using common::TypeKind;
using schema::ColumnDef;
using schema::ColumnKind;
using schema::DdlEffects;
using schema::IndexDef;
using schema::KeyspaceDef;
using schema::TableDef;

namespace {

// Cassandra's default name: <table>_<column>_idx (non-word characters removed), with a
// numeric suffix when that name is taken.
std::string default_index_name(const KeyspaceDef& ks, const std::string& table, const std::string& column) {
  std::string base;
  for (char c : table + "_" + column + "_idx") {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') base += c;
  }
  std::string name = base;
  for (int i = 1; schema::table_of_index(ks, name) != nullptr; ++i) name = base + "_" + std::to_string(i);
  return name;
}

void check_target(const CreateIndexStatement& s, const TableDef& t, const ColumnDef& c) {
  const std::string& kind = s.target_kind;
  if (c.kind == ColumnKind::kPartitionKey) {
    if (t.partition_key().size() == 1)
      throw_invalid("Cannot create secondary index on the only partition key column " + c.name);
    if (!kind.empty()) throw_invalid("Cannot create " + kind + "() index on partition key column " + c.name);
  }
  if (c.kind == ColumnKind::kStatic)
    throw_invalid("Secondary indexes on static columns are not supported yet");
  if (c.type.kind() == TypeKind::kDuration)
    throw_invalid("Secondary indexes are not supported on duration columns");
  const bool collection = c.type.is_collection();
  const bool frozen = !c.type.is_multi_cell();
  if (c.type.kind() == TypeKind::kUdt && !frozen)
    throw_invalid("Secondary indexes are not supported on non-frozen user types (column " + c.name + ")");
  if (kind == "full") {
    if (!frozen || !(collection || c.type.kind() == TypeKind::kUdt))
      throw_invalid("full() indexes can only be created on frozen collections");
    return;
  }
  if (collection && frozen && !kind.empty()) {
    throw_invalid("Cannot create " + kind + "() index on frozen column " + c.name +
                  ". Frozen collections only support full() indexes");
  }
  if (collection && frozen && kind.empty()) {
    throw_invalid("Cannot create index on frozen column " + c.name +
                  ". Frozen collections only support full() indexes");
  }
  if (!kind.empty() && !collection) {
    throw_invalid("Cannot create " + kind + "() index on " + c.name +
                  ". Non-collection columns only support simple indexes");
  }
  if ((kind == "keys" || kind == "entries") && c.type.kind() != TypeKind::kMap)
    throw_invalid("Cannot create index on " + kind + " of column " + c.name + " with non-map type");
}

}  // namespace

ResultMessage create_index(const CreateIndexStatement& s, ExecContext& ctx) {
  std::string ks = resolve_keyspace(s.table.keyspace, ctx);
  check_not_system(ks);
  if (s.custom || !s.using_class.empty()) {
    throw_invalid("Custom secondary indexes (" + s.using_class +
                  ") are not supported; SASI and SAI indexes are not available in Krill");
  }
  if (!s.properties.empty()) throw_invalid("Index options are only supported on custom indexes");
  if (!s.name.empty()) check_name(s.name, "Index");
  std::shared_ptr<const TableDef> built;
  IndexDef index;
  ctx.svc.schema.apply([&](schema::Schema& next) {
    DdlEffects fx;
    auto cur = next.find_keyspace(ks);
    if (!cur) throw_invalid("Keyspace '" + ks + "' doesn't exist");
    auto t = cur->find_table(s.table.name);
    if (!t) throw_invalid("Table '" + ks + "." + s.table.name + "' doesn't exist");
    if (t->view) throw_invalid("Secondary indexes are not supported on materialized views");
    const ColumnDef* c = t->find_column(s.column);
    if (!c) throw_invalid("Column '" + s.column + "' doesn't exist");
    for (const auto& col : t->columns) {
      if (col.type.is_counter()) throw_invalid("Secondary indexes on counter tables aren't supported");
    }
    check_target(s, *t, *c);
    std::string kind = s.target_kind;
    if (kind.empty() && c->type.is_collection() && c->type.is_multi_cell()) kind = "values";
    std::string name = s.name.empty() ? default_index_name(*cur, t->name, c->name) : s.name;
    if (schema::table_of_index(*cur, name)) {
      if (s.if_not_exists) return fx;
      common::ErrorDetail d;
      d.keyspace = ks;
      d.table = name;
      throw CqlError(ErrorCode::kAlreadyExists, "Index '" + name + "' already exists", d);
    }
    for (const auto& i : t->indexes) {
      if (i.column == c->name && i.target_kind == kind) {
        if (s.if_not_exists) return fx;
        throw_invalid("Index " + name + " is a duplicate of existing index " + i.name);
      }
    }
    if (cur->find_table(name) && cur->find_table(name)->view) {
      throw_invalid("Index " + name + " cannot be created: a materialized view has the same name");
    }
    index.name = name;
    index.column = c->name;
    index.target_kind = kind;
    index.id = ctx.svc.uuids.time_based();
    index.layout = schema::make_index_layout(*t, index);
    auto table = std::make_shared<TableDef>(*t);
    table->indexes.push_back(index);
    KeyspaceDef& def = edit_keyspace(next, *cur, fx);
    def.tables[table->name] = table;
    fx.layouts_created.push_back(index.layout);
    built = table;
    return fx;
  });
  if (!built) return VoidResult{};
  build_index(*built, index, ctx);
  return announce(
      ctx, schema_change(SchemaChange::Change::kUpdated, SchemaChange::Target::kTable, ks, built->name));
}

ResultMessage drop_index(const DropIndexStatement& s, ExecContext& ctx) {
  std::string ks = resolve_keyspace(s.index.keyspace, ctx);
  check_not_system(ks);
  std::string table_name;
  ctx.svc.schema.apply([&](schema::Schema& next) {
    DdlEffects fx;
    auto cur = next.find_keyspace(ks);
    auto t = cur ? schema::table_of_index(*cur, s.index.name) : nullptr;
    if (!t) {
      if (s.if_exists) return fx;
      throw_invalid("Index '" + ks + "." + s.index.name + "' doesn't exist");
    }
    auto table = std::make_shared<TableDef>(*t);
    for (auto it = table->indexes.begin(); it != table->indexes.end(); ++it) {
      if (it->name == s.index.name) {
        fx.layouts_dropped.push_back(it->layout);
        table->indexes.erase(it);
        break;
      }
    }
    KeyspaceDef& def = edit_keyspace(next, *cur, fx);
    def.tables[table->name] = table;
    table_name = table->name;
    return fx;
  });
  if (table_name.empty()) return VoidResult{};
  return announce(
      ctx, schema_change(SchemaChange::Change::kUpdated, SchemaChange::Target::kTable, ks, table_name));
}

}  // namespace krill::cql
