#include "admin/api_load.h"

#include <boost/json.hpp>
#include <filesystem>

namespace krill::admin {

namespace json = boost::json;

namespace {

HttpResponse reply(int status, const json::value& v) {
  return HttpResponse{status, "application/json", json::serialize(v)};
}

HttpResponse error(int status, const std::string& message) {
  return reply(status, json::object{{"message", message}, {"code", status}});
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string url_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// True when `path` names a directory strictly inside `root` (after resolving symlinks
// and "..").
bool inside(const std::string& root, const std::string& path) {
  std::error_code ec;
  auto r = std::filesystem::weakly_canonical(root, ec);
  if (ec) return false;
  auto p = std::filesystem::weakly_canonical(path, ec);
  if (ec) return false;
  auto rs = r.string(), ps = p.string();
  return ps.size() > rs.size() + 1 && ps.compare(0, rs.size(), rs) == 0 && ps[rs.size()] == '/';
}

}  // namespace

std::string query_param(const std::string& query, const std::string& name) {
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t end = query.find('&', pos);
    if (end == std::string::npos) end = query.size();
    std::string_view part(query.data() + pos, end - pos);
    size_t eq = part.find('=');
    if (url_decode(part.substr(0, eq)) == name)
      return eq == std::string_view::npos ? "" : url_decode(part.substr(eq + 1));
    pos = end + 1;
  }
  return "";
}

std::optional<HttpResponse> handle_load_routes(const NodeView& view, const HttpRequest& r) {
  if (r.path != "/krill/load" && r.path != "/krill/load/schema") return std::nullopt;
  try {
    const std::string staging = view.data_dir + "/staging";
    const std::string ks = query_param(r.query, "keyspace");
    if (r.path == "/krill/load/schema") {
      if (r.method != "GET") return error(405, "method not allowed: use GET");
      if (ks.empty()) return error(400, "missing query parameter keyspace");
      if (!view.keyspace_schema) return error(503, "bulk load unavailable");
      std::string record = view.keyspace_schema(ks);
      if (record.empty()) return error(404, "unknown keyspace " + ks);
      return reply(
          200, json::object{
                   {"data_dir", view.data_dir}, {"staging_dir", staging}, {"keyspace", json::parse(record)}});
    }
    if (r.method != "POST") return error(405, "method not allowed: use POST");
    const std::string table = query_param(r.query, "table");
    const std::string path = query_param(r.query, "path");
    if (ks.empty() || table.empty() || path.empty())
      return error(400, "missing query parameter: keyspace, table and path are required");
    if (!inside(staging, path))
      return error(400, "path " + path + " is not inside the staging directory " + staging);
    if (!view.ingest) return error(503, "bulk load unavailable");
    IngestResult res = view.ingest(ks, table, query_param(r.query, "table_id"), path);
    if (!res.error.empty()) return error(res.status, res.error);
    return reply(200, json::object{{"files", res.files}});
  } catch (const std::exception& e) {
    return error(500, e.what());
  }
}

}  // namespace krill::admin
