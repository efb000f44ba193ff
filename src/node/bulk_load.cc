#include "node/bulk_load.h"

#include <algorithm>
#include <filesystem>

#include "schema/schema_manager.h"

namespace krill::node {

namespace fs = std::filesystem;

std::string keyspace_record(const schema::Schema& schema, const std::string& keyspace) {
  auto ks = schema.find_keyspace(keyspace);
  if (!ks || ks->is_system) return "";
  return schema::encode_keyspace(*ks);
}

admin::IngestResult ingest_staged(storage::Engine& engine, const schema::Schema& schema,
                                  const std::string& keyspace, const std::string& table,
                                  const std::string& table_id, const std::string& dir) {
  auto fail = [](int status, std::string message) {
    return admin::IngestResult{0, status, std::move(message)};
  };
  auto ks = schema.find_keyspace(keyspace);
  if (!ks || ks->is_system) return fail(404, "unknown keyspace " + keyspace);
  auto t = ks->find_table(table);
  if (!t) return fail(404, "unknown table " + keyspace + "." + table);
  if (!table_id.empty() && t->id.to_string() != table_id)
    return fail(400, "table " + keyspace + "." + table + " was dropped and re-created during the load");
  if (!t->indexes.empty())
    return fail(400, "table " + keyspace + "." + table +
                         " has secondary indexes, which a bulk load would leave stale");
  for (const auto& [name, other] : ks->tables) {
    if (other->view && other->view->base_table == table)
      return fail(400, "table " + keyspace + "." + table + " has materialized view " + name +
                           ", which a bulk load would leave stale");
  }
  if (t->view) return fail(400, "cannot load into materialized view " + keyspace + "." + table);
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".sst") files.push_back(e.path().string());
  }
  if (ec) return fail(400, "cannot read " + dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  if (!files.empty()) {
    auto st = engine.ingest_files(t->layout->id, files);
    if (!st.is_ok()) return fail(500, st.message());
  }
  fs::remove_all(dir, ec);  // the files were moved into the database; leftovers are ours
  return admin::IngestResult{static_cast<int>(files.size()), 200, ""};
}

}  // namespace krill::node
