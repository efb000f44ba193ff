// RocksDB's own messages (flushes, compactions, background errors, recovery) go to the
// node's "storage" logger instead of a separate LOG file, so that they reach the console,
// the recent-log API and remote syslog with everything else.
//
// Levels: RocksDB's WARN, ERROR and FATAL map to warn, error and critical; its INFO (one
// or more lines per flush and compaction) maps to debug and its HEADER (the option dump
// at open) to trace, so that a node at the default level logs only what needs attention.
// A message is formatted only when the logger's current level lets it through.
#pragma once

#include <memory>

namespace rocksdb {
class Logger;
}
namespace spdlog {
class logger;
}

namespace krill::storage {

std::shared_ptr<rocksdb::Logger> make_rocksdb_logger(std::shared_ptr<spdlog::logger> log);

}  // namespace krill::storage
