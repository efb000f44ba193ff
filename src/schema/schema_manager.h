// Owns the node's schema: loads it at start, applies DDL atomically, persists it in the
// storage engine's meta records, and publishes immutable snapshots.
//
// Thread safety: current() is lock-free for readers (an atomic shared_ptr). DDL calls are
// serialised by a mutex and block on storage I/O: call them from the request pool, never
// from a reactor thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/uuid.h"
#include "schema/schema.h"
#include "storage/engine.h"

namespace krill::schema {

// What a DDL change touched, so the manager can persist it and adjust storage.
struct DdlEffects {
  std::vector<std::string> keyspaces_changed;                   // to persist
  std::vector<std::string> keyspaces_dropped;                   // to delete
  std::vector<std::shared_ptr<const TableDef>> tables_created;  // column families to create
  std::vector<std::shared_ptr<const TableDef>> tables_dropped;  // column families to drop
  std::vector<std::shared_ptr<const TableDef>> tables_truncated;
  // Extra column families (secondary indexes) to create / drop. A dropped or truncated
  // table's own indexes need not be listed: they follow their table.
  std::vector<std::shared_ptr<const storage::TableLayout>> layouts_created;
  std::vector<std::shared_ptr<const storage::TableLayout>> layouts_dropped;

  bool empty() const {
    return keyspaces_changed.empty() && keyspaces_dropped.empty() && tables_created.empty() &&
           tables_dropped.empty() && tables_truncated.empty() && layouts_created.empty() &&
           layouts_dropped.empty();
  }
};

class SchemaManager {
 public:
  SchemaManager(storage::Engine& engine, common::UuidGenerator& uuids);

  // Loads the persisted keyspaces and adds the built-in system keyspaces.
  common::Status load();

  std::shared_ptr<const Schema> current() const { return current_.load(); }

  // Applies a change: `change` edits a copy of the current schema and reports its effects;
  // it may throw common::CqlError to refuse the change (nothing is applied then). On success
  // the change is persisted, storage adjusted, and a snapshot with a new version published.
  // Returns the new snapshot; when the change reports no effects, nothing is published and
  // the current snapshot is returned. Throws CqlError(kServerError) when persisting fails.
  using Change = std::function<DdlEffects(Schema& next)>;
  std::shared_ptr<const Schema> apply(const Change& change);

 private:
  common::Status persist(const Schema& next, const DdlEffects& effects);
  // Tells the engine the compaction settings the table's `compaction` option maps to.
  common::Status record_compaction(const TableDef& t);

  storage::Engine& engine_;
  common::UuidGenerator& uuids_;
  std::mutex ddl_mu_;  // serialises apply()
  std::atomic<std::shared_ptr<const Schema>> current_;
};

// Serialisation of a keyspace definition (docs/format.md, "Schema records"). Virtual
// system keyspaces are never serialised.
std::string encode_keyspace(const KeyspaceDef& ks);
// Throws CqlError(kServerError) on malformed input.
KeyspaceDef decode_keyspace(const std::string& json);

}  // namespace krill::schema
