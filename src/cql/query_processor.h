// The CQL entry point: parses, prepares and executes statements.
//
// QueryProcessor turns a request (text or prepared id, bound values, options) into a
// ResultMessage (result.h), using the schema manager for DDL and metadata and the
// coordinator for data. Errors a client should see are thrown as common::CqlError.
//
// Thread safety: all methods may be called concurrently from the request pool. They block
// on storage I/O: never call them from a reactor thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/uuid.h"
#include "coordinator/coordinator.h"
#include "cql/parser.h"
#include "cql/result.h"
#include "schema/schema_manager.h"
#include "schema/system_keyspaces.h"

namespace krill::cql {

class PreparedCache;

struct BoundValue {
  enum class Kind { kSet, kNull, kUnset };
  Kind kind = Kind::kNull;
  common::Bytes bytes;
};

struct QueryOptions {
  uint16_t consistency = 0x0001;  // ONE
  std::vector<BoundValue> values;
  std::vector<std::string> names;  // non-empty when values are named
  bool skip_metadata = false;
  int32_t page_size = -1;  // <= 0: everything in one page
  std::optional<common::Bytes> paging_state;
  std::optional<uint16_t> serial_consistency;
  std::optional<int64_t> timestamp;  // client-side default timestamp, microseconds
};

// Per-connection state.
struct ClientState {
  std::string keyspace;  // set by USE; "" when none
};

struct BatchChildRequest {
  bool is_prepared = false;
  std::string query;
  common::Bytes id;
  std::vector<BoundValue> values;
  std::vector<std::string> names;
};

struct BatchRequestOptions {
  uint8_t type = 0;  // 0 logged, 1 unlogged, 2 counter
  uint16_t consistency = 0x0001;
  std::optional<uint16_t> serial_consistency;
  std::optional<int64_t> timestamp;
};

// Plain writes of several requests applied as one storage write (one RocksDB WriteBatch, one
// WAL append). An EXECUTE run with a group whose statement is a plain INSERT, UPDATE or
// DELETE (no IF condition, no materialized view on the table) only stages its writes and
// returns its result, which stands once flush() has applied them; anything else runs as
// usual. flush() applies all staged writes at once. If that fails, nothing was applied: on a
// storage failure (WRITE_FAILURE, a full disk) every staged request fails with it; on any
// other error each request's writes are applied alone, so each gets its own outcome.
// Not thread-safe: one group per pool task, flushed before its responses are sent.
class WriteGroup {
 public:
  WriteGroup() = default;
  WriteGroup(const WriteGroup&) = delete;
  WriteGroup& operator=(const WriteGroup&) = delete;

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  // For the statement executors: stages one request's writes (moved from `writes`).
  void stage(coordinator::Coordinator& coordinator, std::vector<storage::PartitionWrite>& writes,
             coordinator::Consistency cl);
  // Applies what is staged and empties the group. One outcome per staged request, in
  // staging order: nullopt when applied, else the error that request fails with.
  std::vector<std::optional<common::CqlError>> flush();
  // flush() for a reactor thread: applies what is staged without waiting and empties the
  // group; outcomes as flush() gives them for a success or a storage failure (WRITE_FAILURE,
  // nothing applied). When the write would wait, or fails otherwise, throws
  // common::WouldBlock with the group unchanged: flush() on the request pool then applies it.
  std::vector<std::optional<common::CqlError>> flush_now();

 private:
  struct Entry {
    size_t begin = 0;
    size_t end = 0;
    coordinator::Consistency cl = coordinator::Consistency::kOne;
  };
  // Every staged request's outcome is `e` (a storage failure: nothing was applied).
  void fail_all(const common::CqlError& e, std::vector<std::optional<common::CqlError>>& outcomes) const;
  coordinator::Coordinator* coordinator_ = nullptr;
  std::vector<storage::PartitionWrite> writes_;
  std::vector<Entry> entries_;
};

// Told about schema changes so that transport can push SCHEMA_CHANGE events.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_schema_change(const SchemaChange& change) = 0;
};

struct ProcessorLimits {
  ParserLimits parser;
  size_t prepared_cache_entries = 10000;  // least recently prepared statements are evicted past this
  int32_t max_page_size = 1 << 20;        // rows; larger page sizes are capped
};

class QueryProcessor {
 public:
  QueryProcessor(schema::SchemaManager& schema, coordinator::Coordinator& coordinator,
                 const schema::NodeInfo& node, common::UuidGenerator& uuids, EventSink* events,
                 ProcessorLimits limits);
  ~QueryProcessor();

  ResultMessage query(std::string_view cql, const QueryOptions& options, ClientState& state);
  PreparedResult prepare(std::string_view cql, ClientState& state);
  // Unknown id: CqlError(kUnprepared) carrying the id. With `group`, a plain modification
  // only stages its writes there (see WriteGroup). With `no_block` (on a reactor thread;
  // REQUIRES group), only a single-partition SELECT or a plain modification runs, from
  // memory; anything that would wait throws common::WouldBlock, having changed nothing, and
  // is to be executed again without no_block on the request pool.
  ResultMessage execute(common::BytesView id, const QueryOptions& options, ClientState& state,
                        WriteGroup* group = nullptr, bool no_block = false);
  ResultMessage batch(const std::vector<BatchChildRequest>& children, const BatchRequestOptions& options,
                      ClientState& state);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace krill::cql
