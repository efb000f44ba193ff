// Internal to krill_admin: the operations routes that AdminApi::handle() delegates to, and
// the small helpers they share. Each handle_* returns nullopt when the request is not one of
// its routes (then the next router is asked).
//
//   api_ops.cc        /storage_service/{snapshots, keyspace_compaction, compact, keyspace_flush?cf=,
//                     drain, operation_mode, compaction_throughput, tokens_endpoint, load_map},
//                     /compaction_manager/...
//   api_tables.cc     /column_family/metrics/..., /column_family/sstables/per_level,
//                     /storage_proxy/metrics/..., /krill/tables, /krill/memory
//   dashboard.cc      / and /ui/* (embedded assets), /krill/dashboard
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "admin/api.h"

namespace krill::admin {

std::optional<HttpResponse> handle_ops_routes(const NodeView& view, const HttpRequest& r);
std::optional<HttpResponse> handle_table_routes(const NodeView& view, const HttpRequest& r);
std::optional<HttpResponse> handle_dashboard_routes(const NodeView& view, const HttpRequest& r);
// True for the dashboard's static assets (served on the reactor: no blocking work).
bool is_dashboard_asset(const HttpRequest& r);

// JSON of table reports (with their latency summaries) and of the memory report, shared by
// /krill/tables, /krill/memory and /krill/dashboard.
boost::json::array tables_json(const NodeView& view, const std::vector<TableReport>& tables);
boost::json::object memory_report_json(const MemoryReport& m);

// Prometheus families for tables and compactions, appended to /metrics.
std::string render_ops_prometheus(const NodeView& view);

// Helpers.
HttpResponse json_reply(const boost::json::value& v, int status = 200);
HttpResponse json_fail(int status, const std::string& message);
// "" -> 200 with "", else 400 for the caller's mistakes (node_ops.h) and 500 otherwise.
HttpResponse ops_result(const std::string& error);
// Percent-decodes (and turns '+' into ' ' when `plus_is_space`).
std::string url_decode(std::string_view s, bool plus_is_space = false);
// The decoded value of `name` in a query string; nullopt when absent.
std::optional<std::string> query_value(const std::string& query, const std::string& name);
// "a,b,,c" -> {"a","b","c"}.
std::vector<std::string> split_list(const std::string& s, char sep = ',');
// True and the rest when `path` starts with `prefix`.
bool path_after(const std::string& path, const std::string& prefix, std::string& rest);

}  // namespace krill::admin
