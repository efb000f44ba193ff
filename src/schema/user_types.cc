#include "schema/user_types.h"

#include <set>

namespace krill::schema {

using common::DataType;
using common::TypeKind;

bool references_user_type(const DataType& type, const std::string& keyspace, const std::string& name) {
  if (!type.valid()) return false;
  const TypeKind k = type.kind();
  if (k == TypeKind::kUdt && type.udt_keyspace() == keyspace && type.udt_name() == name) return true;
  if (k == TypeKind::kUdt || k == TypeKind::kTuple || type.is_collection()) {
    for (const auto& p : type.params()) {
      if (references_user_type(p, keyspace, name)) return true;
    }
  }
  return false;
}

DataType expand_user_types(const DataType& type) {
  if (!type.valid()) return type;
  switch (type.kind()) {
    case TypeKind::kUdt:
    case TypeKind::kTuple: {
      std::vector<DataType> elements;
      for (const auto& p : type.params()) elements.push_back(expand_user_types(p));
      return DataType::tuple(std::move(elements));
    }
    case TypeKind::kList:
      return DataType::list(expand_user_types(type.params()[0]), type.is_frozen());
    case TypeKind::kSet:
      return DataType::set(expand_user_types(type.params()[0]), type.is_frozen());
    case TypeKind::kMap:
      return DataType::map(expand_user_types(type.params()[0]), expand_user_types(type.params()[1]),
                           type.is_frozen());
    default:
      return type;
  }
}

namespace {

// The names of ks's user types that `type` uses directly or through collections/tuples.
void collect_type_names(const DataType& type, const std::string& keyspace, std::set<std::string>& out) {
  if (!type.valid()) return;
  const TypeKind k = type.kind();
  if (k == TypeKind::kUdt && type.udt_keyspace() == keyspace) {
    out.insert(type.udt_name());
    return;  // a type's own fields are visited when that type is ordered
  }
  if (k == TypeKind::kTuple || type.is_collection()) {
    for (const auto& p : type.params()) collect_type_names(p, keyspace, out);
  }
}

bool uses_any_user_type(const DataType& type) {
  if (!type.valid()) return false;
  if (type.kind() == TypeKind::kUdt) return true;
  if (type.kind() == TypeKind::kTuple || type.is_collection()) {
    for (const auto& p : type.params()) {
      if (uses_any_user_type(p)) return true;
    }
  }
  return false;
}

}  // namespace

std::vector<std::string> types_in_dependency_order(const KeyspaceDef& ks) {
  std::map<std::string, std::set<std::string>> deps;
  for (const auto& [name, t] : ks.types) {
    std::set<std::string> d;
    for (const auto& p : t.params()) collect_type_names(p, ks.name, d);
    d.erase(name);
    deps[name] = std::move(d);
  }
  std::vector<std::string> order;
  std::set<std::string> done;
  while (order.size() < deps.size()) {
    bool progressed = false;
    for (const auto& [name, d] : deps) {  // by name: the first ready type goes next
      if (done.count(name)) continue;
      bool ready = true;
      for (const auto& x : d) {
        if (deps.count(x) && !done.count(x)) ready = false;
      }
      if (!ready) continue;
      order.push_back(name);
      done.insert(name);
      progressed = true;
      break;
    }
    if (!progressed) {  // a cycle cannot be created; keep the rest by name rather than loop
      for (const auto& [name, d] : deps) {
        if (!done.count(name)) order.push_back(name);
      }
      break;
    }
  }
  return order;
}

DataType::UdtLookup keyspace_type_lookup(const KeyspaceDef& ks) {
  return [&ks](const std::string& name) { return ks.find_type(name); };
}

void refresh_user_types(KeyspaceDef& ks) {
  auto lookup = keyspace_type_lookup(ks);
  for (const auto& name : types_in_dependency_order(ks)) {
    const DataType old = ks.types.at(name);
    std::vector<DataType> fields;
    for (const auto& f : old.params()) {
      fields.push_back(uses_any_user_type(f) ? DataType::parse(f.cql_name(), lookup) : f);
    }
    ks.types[name] = DataType::udt(ks.name, name, old.field_names(), std::move(fields));
  }
  for (auto& [table_name, table] : ks.tables) {
    std::shared_ptr<TableDef> copy;
    for (size_t i = 0; i < table->columns.size(); ++i) {
      const DataType& type = table->columns[i].type;
      if (!uses_any_user_type(type)) continue;
      DataType fresh = DataType::parse(type.cql_name(), lookup);
      if (fresh == type) continue;
      if (!copy) copy = std::make_shared<TableDef>(*table);
      copy->columns[i].type = std::move(fresh);
    }
    if (copy) {
      copy->refresh_layout();
      table = std::move(copy);
    }
  }
}

}  // namespace krill::schema
