// Internal to node/: the node's side of `krill load` (docs/load.md), behind the HTTP
// routes of admin/api_load.h. Blocking (storage I/O): call on the request pool only.
#pragma once

#include <string>

#include "admin/api.h"
#include "schema/schema.h"
#include "storage/engine.h"

namespace krill::node {

// The schema record (docs/format.md) of a user keyspace, or "" when there is none (or it
// is a system keyspace).
std::string keyspace_record(const schema::Schema& schema, const std::string& keyspace);

// Ingests every *.sst file in `dir` into keyspace.table atomically, then removes `dir`.
// Refuses (400) a table whose id is not `table_id` (when given: the table was dropped and
// re-created since the loader read the schema), a table with secondary indexes or
// materialized views (loading would leave them stale), and an empty or unreadable
// directory; 404 for an unknown table.
admin::IngestResult ingest_staged(storage::Engine& engine, const schema::Schema& schema,
                                  const std::string& keyspace, const std::string& table,
                                  const std::string& table_id, const std::string& dir);

}  // namespace krill::node
