// CREATE TYPE, ALTER TYPE (ADD field, RENAME fields) and DROP TYPE (Cassandra 4.0 semantics).
//
// A keyspace keeps each user type once; columns and other types hold copies, rebuilt by
// schema::refresh_user_types whenever a type changes.
#include <set>

#include "cql/ddl_internal.h"
#include "cql/lexer.h"
#include "schema/user_types.h"

namespace krill::cql {

using common::CqlError;
using common::DataType;
using common::ErrorCode;
using common::throw_invalid;
using schema::DdlEffects;
using schema::KeyspaceDef;

namespace {

// Names the grammar keeps for future types (Cassandra's reserved type names), and the
// native type names, which would always resolve to the native type.
void check_type_name(const std::string& name) {
  static constexpr const char* kReserved[] = {"byte",     "complex", "enum",     "date",
                                              "interval", "macaddr", "bitstring"};
  bool reserved = DataType::native_kind_from_name(to_lower_ascii(name)).has_value();
  for (const char* r : kReserved) reserved = reserved || name == r;
  if (reserved) throw CqlError(ErrorCode::kSyntaxError, "Invalid (reserved) user type name " + name);
}

// The checks Cassandra makes on a field type of a user type.
DataType field_type(const std::string& text, const KeyspaceDef& ks) {
  DataType type = resolve_type(text, ks);
  if (type.is_counter()) throw_invalid("A user type cannot contain counters");
  if (type.kind() == common::TypeKind::kUdt && !type.is_frozen()) {
    throw_invalid("A user type cannot contain non-frozen UDTs");
  }
  return type;
}

DataType with_fields(const DataType& type, std::vector<std::string> names, std::vector<DataType> types) {
  return DataType::udt(type.udt_keyspace(), type.udt_name(), std::move(names), std::move(types));
}

}  // namespace

ResultMessage create_type(const CreateTypeStatement& s, ExecContext& ctx) {
  std::string ks = resolve_keyspace(s.type.keyspace, ctx);
  check_not_system(ks);
  check_type_name(s.type.name);
  bool created = false;
  ctx.svc.schema.apply([&](schema::Schema& next) {
    DdlEffects fx;
    auto cur = next.find_keyspace(ks);
    if (!cur) throw_invalid("Keyspace '" + ks + "' doesn't exist");
    if (cur->find_type(s.type.name)) {
      if (s.if_not_exists) return fx;
      throw_invalid("A user type with name '" + s.type.name + "' already exists");
    }
    std::set<std::string> seen;
    std::vector<std::string> names;
    std::vector<DataType> types;
    for (const auto& [name, text] : s.fields) {
      if (!seen.insert(name).second) {
        throw_invalid("Duplicate field name '" + name + "' in type '" + s.type.name + "'");
      }
      names.push_back(name);
      types.push_back(field_type(text, *cur));
    }
    KeyspaceDef& def = edit_keyspace(next, *cur, fx);
    def.types[s.type.name] = DataType::udt(ks, s.type.name, std::move(names), std::move(types));
    schema::refresh_user_types(def);
    created = true;
    return fx;
  });
  if (!created) return VoidResult{};
  return announce(
      ctx, schema_change(SchemaChange::Change::kCreated, SchemaChange::Target::kType, ks, s.type.name));
}

ResultMessage alter_type(const AlterTypeStatement& s, ExecContext& ctx) {
  std::string ks = resolve_keyspace(s.type.keyspace, ctx);
  check_not_system(ks);
  bool altered = false;
  ctx.svc.schema.apply([&](schema::Schema& next) {
    DdlEffects fx;
    auto cur = next.find_keyspace(ks);
    auto type = cur ? cur->find_type(s.type.name) : std::nullopt;
    if (!type) {
      if (s.if_exists) return fx;
      throw_invalid("Type " + ks + "." + s.type.name + " doesn't exist");
    }
    const std::string type_name = qualified_name(ks, s.type.name);
    std::vector<std::string> names = type->field_names();
    std::vector<DataType> types = type->params();
    auto position = [&names](const std::string& f) {
      return std::find(names.begin(), names.end(), f) - names.begin();
    };
    switch (s.kind) {
      case AlterTypeStatement::Kind::kAdd: {
        const auto& [name, text] = s.fields.at(0);
        if (static_cast<size_t>(position(name)) < names.size()) {
          if (s.if_not_exists_field) return fx;
          throw_invalid("Cannot add field " + name + " to type " + type_name + ": a field with name " + name +
                        " already exists");
        }
        DataType t = field_type(text, *cur);
        if (schema::references_user_type(t, ks, s.type.name)) {
          throw_invalid("Cannot add new field " + name + " of type " + text + " to user type " + type_name +
                        " as it would create a circular reference");
        }
        std::string in_key;
        for (const auto& [table_name, table] : cur->tables) {
          for (const auto* c : table->partition_key()) {
            if (!schema::references_user_type(c->type, ks, s.type.name)) continue;
            in_key += (in_key.empty() ? "" : ", ") + qualified_name(ks, table_name);
            break;
          }
        }
        if (!in_key.empty()) {
          throw_invalid("Cannot add new field " + name + " of type " + text + " to user type " + type_name +
                        " as the type is being used in partition key by the following tables: " + in_key);
        }
        names.push_back(name);
        types.push_back(std::move(t));
        break;
      }
      case AlterTypeStatement::Kind::kRename: {
        bool any = false;
        for (const auto& [from, to] : s.fields) {
          auto i = static_cast<size_t>(position(from));
          if (i >= names.size()) {
            if (s.if_exists_field) continue;
            throw_invalid("Unkown field " + from + " in user type " + type_name);  // sic, as Cassandra
          }
          names[i] = to;
          any = true;
        }
        std::set<std::string> seen;
        for (const auto& n : names) {
          if (!seen.insert(n).second) throw_invalid("Duplicate field name " + n + " in type " + type_name);
        }
        if (!any) return fx;
        break;
      }
      case AlterTypeStatement::Kind::kAlter:
        throw_invalid("Altering field types is no longer supported");
    }
    KeyspaceDef& def = edit_keyspace(next, *cur, fx);
    def.types[s.type.name] = with_fields(*type, std::move(names), std::move(types));
    schema::refresh_user_types(def);
    altered = true;
    return fx;
  });
  if (!altered) return VoidResult{};
  return announce(
      ctx, schema_change(SchemaChange::Change::kUpdated, SchemaChange::Target::kType, ks, s.type.name));
}

ResultMessage drop_type(const DropTypeStatement& s, ExecContext& ctx) {
  std::string ks = resolve_keyspace(s.type.keyspace, ctx);
  check_not_system(ks);
  bool dropped = false;
  ctx.svc.schema.apply([&](schema::Schema& next) {
    DdlEffects fx;
    auto cur = next.find_keyspace(ks);
    if (!cur || !cur->find_type(s.type.name)) {
      if (s.if_exists) return fx;
      throw_invalid("Type '" + ks + "." + s.type.name + "' doesn't exist");
    }
    const std::string prefix =
        "Cannot drop user type '" + ks + "." + s.type.name + "' as it is still used by ";
    std::string users;
    for (const auto& [name, t] : cur->types) {
      if (name != s.type.name && schema::references_user_type(t, ks, s.type.name)) {
        users += (users.empty() ? "" : ", ") + name;
      }
    }
    if (!users.empty()) throw_invalid(prefix + "user types " + users);
    for (const auto& [name, table] : cur->tables) {
      for (const auto& c : table->columns) {
        if (!schema::references_user_type(c.type, ks, s.type.name)) continue;
        users += (users.empty() ? "" : ", ") + name;
        break;
      }
    }
    if (!users.empty()) throw_invalid(prefix + "tables " + users);
    edit_keyspace(next, *cur, fx).types.erase(s.type.name);
    dropped = true;
    return fx;
  });
  if (!dropped) return VoidResult{};
  return announce(
      ctx, schema_change(SchemaChange::Change::kDropped, SchemaChange::Target::kType, ks, s.type.name));
}

}  // namespace krill::cql
