// The node's side of admin::NodeOps (admin/node_ops.h): table figures, flush / compact /
// snapshot / drain and live settings, answered from the storage engine and the schema.
//
// Snapshots are whole-database RocksDB checkpoints (storage/engine.h); which keyspaces and
// tables a snapshot was asked for is recorded beside it in <snapshot>/KRILL-SNAPSHOT, so
// that listsnapshots can name them and clearsnapshot <keyspaces> can pick them.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "admin/node_ops.h"

namespace spdlog {
class logger;
}
namespace krill::storage {
class Engine;
}
namespace krill::schema {
class SchemaManager;
}

namespace krill::node {

struct AdminOpsDeps {
  storage::Engine* engine = nullptr;
  schema::SchemaManager* schema = nullptr;
  std::atomic<bool>* serving = nullptr;     // cleared by drain
  std::function<void()> stop_cql;           // closes the CQL listener and connections
  std::function<uint64_t()> request_bytes;  // CQL request memory in flight
  uint64_t memory_budget = 0;
  uint64_t request_budget = 0;
  std::string data_dir;
  std::shared_ptr<spdlog::logger> log;
};

std::shared_ptr<admin::NodeOps> make_admin_ops(AdminOpsDeps deps);

}  // namespace krill::node
