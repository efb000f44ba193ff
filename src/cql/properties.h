// Internal to cql/: reading WITH-clause properties of keyspaces and tables.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cql/ast.h"
#include "schema/schema.h"

namespace krill::cql {

// Each throws CqlError(kSyntaxError/kConfigError) naming the property when the value has
// the wrong shape.
std::map<std::string, std::string> property_map(const Property& p);
std::string property_string(const Property& p);
bool property_bool(const Property& p);
double property_double(const Property& p);
int32_t property_int(const Property& p);

// Applies table options (comment, gc_grace_seconds, compaction, ...) with Cassandra's
// names and validation. Unknown names: CqlError(kSyntaxError) "Unknown property 'x'".
void apply_table_properties(schema::TableParams& params, const std::vector<Property>& props);

}  // namespace krill::cql
