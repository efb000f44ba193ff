// Internal to admin/: the logging routes of the HTTP API (ScyllaDB's logger API plus the
// ring of recent lines), over NodeView::logs. None blocks; they run on the request pool
// like every route but /healthz and /readyz.
//
//   GET  /system/logger                 ["cql_server", "http", "init", ...] (sorted)
//   GET  /system/logger/{name}          "info"; 400 for an unknown logger
//   POST /system/logger/{name}?level=L  sets one logger; 400 for an unknown logger or level
//   POST /system/logger?level=L         sets every logger (and the default for new ones)
//   GET  /krill/logger                  {"default": "info", "loggers": [{"name", "level"}]}
//   POST /krill/logger/reset[?logger=N] back to the configured level(s)
//   GET  /krill/log[?lines=N]           the last N lines (default 100, at most the ring):
//                                       [{"time": "2024-05-01T12:00:00.123Z", "level": "info",
//                                         "logger": "init", "message": "..."}], oldest first
// Levels: trace, debug, info, warn, error, critical, off (any case; also warning, err, fatal).
#pragma once

#include <boost/json/value.hpp>
#include <optional>

#include "admin/api.h"

namespace krill::admin {

// The response when `r` is a logging route, nullopt otherwise. Never throws.
std::optional<HttpResponse> handle_logging_routes(const NodeView& view, const HttpRequest& r);

// For /krill/host: {"recent_lines": [...last 20...], "syslog": {counters}}; null without logs.
boost::json::value logging_host_info(const NodeView& view);

}  // namespace krill::admin
