// Internal to cql/: what the schema statement executors (ddl.cc, ddl_alter.cc,
// ddl_types.cc, describe.cc) share. Not part of the public API.
#pragma once

#include <string>
#include <vector>

#include "common/error.h"
#include "common/types.h"
#include "cql/ast.h"
#include "cql/execution.h"
#include "cql/result.h"
#include "schema/schema.h"
#include "schema/schema_manager.h"

namespace krill::cql {

// CqlError(kConfigError, msg).
common::CqlError config_error(const std::string& msg);

// A SCHEMA_CHANGE description; `name` is "" for keyspaces.
SchemaChange schema_change(SchemaChange::Change change, SchemaChange::Target target,
                           const std::string& keyspace, const std::string& name = "");

// Sends the SCHEMA_CHANGE event to registered clients and returns it as the statement's result.
ResultMessage announce(ExecContext& ctx, const SchemaChange& change);

// Throws CqlError(kUnauthorized) "<ks> keyspace is not user-modifiable." for system keyspaces.
void check_not_system(const std::string& keyspace);

// Throws kInvalid unless `name` is 1..48 characters of [A-Za-z0-9_]; `what` is "Keyspace"/"Table".
void check_name(const std::string& name, const char* what);

// Parses a column or field type written in a statement on keyspace `ks`, resolving user
// type names (plain, or qualified "ks.t") among ks.types. Throws kInvalid "Unknown type x",
// or "Statement on keyspace ks cannot refer to a user type in keyspace other; ..." when a
// qualified name names another keyspace; kSyntaxError on malformed text.
common::DataType resolve_type(const std::string& text, const schema::KeyspaceDef& ks);

// Cassandra's checks on a regular or static column's type: a non-frozen user type may not
// hold non-frozen collections. Throws kInvalid naming `column`.
void check_column_type(const common::DataType& type, const std::string& column);

// Table options of CREATE/ALTER TABLE: `extensions` (shown by DESCRIBE, always empty here)
// is accepted as a map and ignored; everything else goes to apply_table_properties.
void apply_table_options(schema::TableParams& params, const std::vector<Property>& props);

// Orders columns as TableDef requires: partition key and clustering columns in position
// order, then static columns by name, then regular columns by name.
void sort_columns(schema::TableDef& table);

// The copy-on-write step of every DDL change to a keyspace: puts a copy of `current` in
// `next` (the schema the change builds) under its name, records the keyspace in
// fx.keyspaces_changed (to persist) and returns the copy to edit.
schema::KeyspaceDef& edit_keyspace(schema::Schema& next, const schema::KeyspaceDef& current,
                                   schema::DdlEffects& fx);

// "ks.t" with each part double-quoted when it would not read back unquoted.
std::string qualified_name(const std::string& keyspace, const std::string& name);

// Executors of the statements in ddl_alter.cc, ddl_types.cc and describe.cc.
ResultMessage alter_table(const AlterTableStatement& s, ExecContext& ctx);
ResultMessage create_type(const CreateTypeStatement& s, ExecContext& ctx);
ResultMessage alter_type(const AlterTypeStatement& s, ExecContext& ctx);
ResultMessage drop_type(const DropTypeStatement& s, ExecContext& ctx);
ResultMessage execute_describe(const DescribeStatement& s, ExecContext& ctx);

}  // namespace krill::cql
