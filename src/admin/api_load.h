// Internal to admin/: the bulk-load routes of the HTTP API, used by `krill load`
// (docs/load.md). Both block (storage I/O) and run on the request pool.
//
//   GET  /krill/load/schema?keyspace=KS
//        200 {"data_dir", "staging_dir", "keyspace": <the keyspace's schema record,
//        docs/format.md>}; 404 for an unknown keyspace.
//   POST /krill/load?keyspace=KS&table=T&table_id=UUID&path=DIR
//        ingests the SST files (*.sst) in DIR, which must lie under the staging dir, into
//        KS.T atomically; 200 {"files": N}; 400 bad request (path outside the staging
//        dir, table id changed, table with indexes or views); 404 unknown table.
#pragma once

#include <optional>

#include "admin/api.h"

namespace krill::admin {

// The response when `r` is a bulk-load route, nullopt otherwise. Never throws.
std::optional<HttpResponse> handle_load_routes(const NodeView& view, const HttpRequest& r);

// Decodes one query parameter ("a=1&b=x%2Fy"): "" when absent. '+' is a space.
std::string query_param(const std::string& query, const std::string& name);

}  // namespace krill::admin
