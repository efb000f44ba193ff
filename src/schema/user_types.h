// User-defined types in a keyspace: dependency order, references from other types and
// tables, and keeping every use of a type in step when the type changes.
//
// A keyspace stores each user type once (KeyspaceDef::types, not frozen). Columns and
// other types hold copies of that DataType, so after ALTER TYPE every copy is rebuilt
// (refresh_user_types) in the new schema snapshot.
#pragma once

#include <string>
#include <vector>

#include "common/types.h"
#include "schema/schema.h"

namespace krill::schema {

// True when `type` is, or contains at any depth, the user type keyspace.name.
bool references_user_type(const common::DataType& type, const std::string& keyspace, const std::string& name);

// `type` with every user type replaced by a tuple of its field types (frozen), as Cassandra
// records the type of a dropped column.
common::DataType expand_user_types(const common::DataType& type);

// The names of ks.types ordered so that a type comes after every type it uses; ties by name.
std::vector<std::string> types_in_dependency_order(const KeyspaceDef& ks);

// Resolves the plain (unqualified) names of ks's user types; unknown names give nullopt.
// The returned lookup refers to `ks`, which must outlive it.
common::DataType::UdtLookup keyspace_type_lookup(const KeyspaceDef& ks);

// Rebuilds, in dependency order, every user type's field types and then every column type
// of every table of `ks` from the current definitions in ks.types (after a type was added
// a field or had fields renamed). Tables are copied only when a column changes.
// Throws common::CqlError(kInvalid) if a type no longer resolves.
void refresh_user_types(KeyspaceDef& ks);

}  // namespace krill::schema
