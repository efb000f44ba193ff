// Secondary index storage layout (docs/format.md, "Index column families").
//
// An index is a hidden column family "t_<index id>" whose partition key is the indexed
// value (one component: the value's bytes; for entries() indexes the pair (key, value)
// serialized as a two-element collection) and whose clustering key is
// (base token bigint, base partition key blob, base clustering columns...). Each entry is
// a row holding only a liveness marker with the base cell's timestamp and TTL. Entries are
// written blindly and never deleted; readers re-check every base row they fetch.
#pragma once

#include <memory>

#include "schema/schema.h"

namespace krill::schema {

// The storage layout of `index` on table `base`.
std::shared_ptr<const storage::TableLayout> make_index_layout(const TableDef& base, const IndexDef& index);

// Finds an index by name in a keyspace: the table holding it, or null.
std::shared_ptr<const TableDef> table_of_index(const KeyspaceDef& ks, const std::string& index_name);

// The materialized views of table `base` in its keyspace.
std::vector<std::shared_ptr<const TableDef>> views_of(const KeyspaceDef& ks, const std::string& base);

}  // namespace krill::schema
