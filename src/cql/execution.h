// Internal to cql/: what statement executors share. Not part of the public API.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "cql/ast.h"
#include "cql/query_processor.h"
#include "cql/result.h"
#include "schema/schema.h"

namespace krill::cql {

struct SelectionShape;

// The services a statement may use; owned by QueryProcessor.
struct Services {
  schema::SchemaManager& schema;
  coordinator::Coordinator& coordinator;
  const schema::NodeInfo& node;
  common::UuidGenerator& uuids;
  EventSink* events;
  ProcessorLimits limits;
  std::atomic<int64_t> last_timestamp{0};  // keeps server-side write timestamps strictly increasing
  // Serialises lightweight transactions per partition (striped by token).
  std::array<std::mutex, 256> partition_locks;

  int64_t next_timestamp();  // microseconds since epoch
};

// A statement ready to run: parsed once, with the metadata drivers need.
struct Prepared {
  std::string query;
  std::string keyspace;  // the session keyspace when prepared (for unqualified names)
  ParsedStatement parsed;
  std::vector<ColumnSpec> bind_specs;
  std::vector<uint16_t> pk_indexes;
  std::vector<ColumnSpec> result_columns;
  common::Uuid schema_version;  // the schema the metadata above was computed against
  // A SELECT's selection, built once (selection.h); null for other statements.
  std::shared_ptr<const SelectionShape> selection;
};

// One execution of a statement.
struct ExecContext {
  ExecContext(Services& s, std::shared_ptr<const schema::Schema> snapshot, const QueryOptions& o,
              ClientState& st)
      : svc(s), schema(std::move(snapshot)), options(o), state(st) {}

  Services& svc;
  std::shared_ptr<const schema::Schema> schema;
  const QueryOptions& options;
  ClientState& state;
  std::string prepared_keyspace;  // keyspace to use for unqualified names, "" = session keyspace
  // The prepared SELECT's selection; used when built for the table the execution reads.
  std::shared_ptr<const SelectionShape> selection;
  // Where a plain modification stages its writes instead of applying them (WriteGroup).
  WriteGroup* group = nullptr;
  // Running on a reactor thread: reads come from memory only (storage::ReadOptions::
  // cache_only), writes are staged in `group`, and whatever could wait (the disk, a lock, a
  // scan, a view update) throws common::WouldBlock before changing anything.
  bool no_block = false;
  int64_t timestamp = 0;  // default write timestamp, microseconds
  int32_t now = 0;        // seconds since epoch
  coordinator::Consistency consistency = coordinator::Consistency::kOne;
};

// Resolves the keyspace for a possibly unqualified name; throws kInvalid when none is set.
std::string resolve_keyspace(const std::string& qualifier, const ExecContext& ctx);
std::string resolve_keyspace(const std::string& qualifier, const std::string& session_keyspace);
// Looks up a table; throws kInvalid "table ks.t does not exist" / keyspace errors.
std::shared_ptr<const schema::TableDef> find_table(const schema::Schema& s, const std::string& ks,
                                                   const std::string& name);

// The value of a term for a receiver of type `type`.
struct TermValue {
  enum class Kind { kValue, kNull, kUnset };
  Kind kind = Kind::kNull;
  common::Bytes bytes;
  bool is_value() const { return kind == Kind::kValue; }
};

// Converts a term (literal, bind marker, collection literal, function call) to a value of
// `type`; validates bound values. `receiver` names the target in error messages.
TermValue evaluate_term(const Term& term, const common::DataType& type, const std::string& receiver,
                        const ExecContext& ctx);
// Same, but null or unset is an error ("Invalid null value for <receiver>").
common::Bytes evaluate_required(const Term& term, const common::DataType& type, const std::string& receiver,
                                const ExecContext& ctx);
// Evaluates an int-valued term such as LIMIT, TTL; nullopt when unset.
std::optional<int64_t> evaluate_integer(const TermPtr& term, const common::DataType& type,
                                        const std::string& receiver, const ExecContext& ctx);

// Records the bind specs of the markers inside `term` for a receiver.
void collect_bind_specs(const Term& term, const ColumnSpec& receiver, std::vector<ColumnSpec>& specs);

// Statement executors.
ResultMessage execute_ddl(const Statement& stmt, ExecContext& ctx);
ResultMessage execute_select(const SelectStatement& stmt, ExecContext& ctx);
// Builds the writes of an INSERT/UPDATE/DELETE; `batch_timestamp` overrides the default.
void build_modification(const ModificationStatement& stmt, ExecContext& ctx,
                        std::vector<storage::PartitionWrite>& writes);
ResultMessage execute_modification(const ModificationStatement& stmt, ExecContext& ctx);
// Whether the statement writes to a counter table.
bool is_counter_modification(const ModificationStatement& stmt, const ExecContext& ctx);

// Prepare-time metadata of a statement (bind specs, pk indexes, result columns).
void describe_statement(Prepared& p, const schema::Schema& schema);
// The columns a SELECT returns.
std::vector<ColumnSpec> select_result_columns(const SelectStatement& stmt, const schema::TableDef& table);

// The serialized partition key (routing key) from its component values.
common::Bytes make_partition_key(const std::vector<common::Bytes>& components);
// Splits a routing key into its components.
std::vector<common::Bytes> split_partition_key(common::BytesView key, size_t count);

}  // namespace krill::cql
