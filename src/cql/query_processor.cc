#include "cql/query_processor.h"

#include <chrono>
#include <ctime>
#include <list>
#include <mutex>
#include <unordered_map>

#include "common/murmur3.h"
#include "cql/derived_writes.h"
#include "cql/execution.h"
#include "cql/lwt.h"

namespace krill::cql {

using common::Bytes;
using common::BytesView;
using common::CqlError;
using common::ErrorCode;
using common::throw_invalid;

namespace {

// Prepared statements by id, least recently prepared evicted first. Thread-safe.
class PreparedStatements {
 public:
  explicit PreparedStatements(size_t capacity) : capacity_(capacity) {}

  std::shared_ptr<const Prepared> find(BytesView id) {
    std::lock_guard lock(mu_);
    auto it = map_.find(id);
    return it == map_.end() ? nullptr : it->second.first;
  }

  void erase(const Bytes& id) {
    std::lock_guard lock(mu_);
    auto it = map_.find(id);
    if (it == map_.end()) return;
    order_.erase(it->second.second);
    map_.erase(it);
  }

  void insert(const Bytes& id, std::shared_ptr<const Prepared> p) {
    std::lock_guard lock(mu_);
    auto it = map_.find(id);
    if (it != map_.end()) {
      order_.erase(it->second.second);
      map_.erase(it);
    }
    order_.push_front(id);
    map_[id] = {std::move(p), order_.begin()};
    while (map_.size() > capacity_) {
      map_.erase(order_.back());
      order_.pop_back();
    }
  }

 private:
  std::mutex mu_;
  size_t capacity_;
  std::list<Bytes> order_;  // GUARDED_BY(mu_), most recent first
  // Transparent: find() looks ids up without copying them.
  struct Hash {
    using is_transparent = void;
    size_t operator()(BytesView v) const { return std::hash<BytesView>{}(v); }
  };
  std::unordered_map<Bytes, std::pair<std::shared_ptr<const Prepared>, std::list<Bytes>::iterator>, Hash,
                     std::equal_to<>>
      map_;
};

CqlError unprepared(BytesView id) {
  common::ErrorDetail d;
  d.prepared_id = Bytes(id);
  return CqlError(ErrorCode::kUnprepared,
                  "Prepared query with ID " + common::to_hex(id) +
                      " not found (either the query was not prepared on this host (maybe the host has been "
                      "restarted?), it has been evicted from the internal cache, or the schema it depends on "
                      "changed)",
                  d);
}

Bytes statement_id(const std::string& keyspace, std::string_view query) {
  std::string key = keyspace;
  key.push_back('\0');
  key.append(query);
  Bytes id;
  common::put_be64(id, static_cast<uint64_t>(common::murmur3_h1(key)));
  common::put_be64(id, static_cast<uint64_t>(common::murmur3_h1("krill-prepared:" + key)));
  return id;
}

bool is_ddl(const Statement& s) {
  return std::holds_alternative<UseStatement>(s) || std::holds_alternative<CreateKeyspaceStatement>(s) ||
         std::holds_alternative<AlterKeyspaceStatement>(s) ||
         std::holds_alternative<DropKeyspaceStatement>(s) ||
         std::holds_alternative<CreateTableStatement>(s) || std::holds_alternative<DropTableStatement>(s) ||
         std::holds_alternative<TruncateStatement>(s) || std::holds_alternative<AlterTableStatement>(s) ||
         std::holds_alternative<CreateTypeStatement>(s) || std::holds_alternative<AlterTypeStatement>(s) ||
         std::holds_alternative<DropTypeStatement>(s) || std::holds_alternative<DescribeStatement>(s) ||
         std::holds_alternative<CreateIndexStatement>(s) || std::holds_alternative<DropIndexStatement>(s) ||
         std::holds_alternative<CreateViewStatement>(s) || std::holds_alternative<AlterViewStatement>(s) ||
         std::holds_alternative<DropViewStatement>(s);
}

}  // namespace

struct QueryProcessor::Impl {
  Services svc;
  PreparedStatements prepared;

  Impl(schema::SchemaManager& schema, coordinator::Coordinator& coord, const schema::NodeInfo& node,
       common::UuidGenerator& uuids, EventSink* events, ProcessorLimits limits)
      : svc{schema, coord, node, uuids, events, limits, {0}, {}}, prepared(limits.prepared_cache_entries) {}

  ExecContext context(const QueryOptions& options, ClientState& state, uint16_t consistency) {
    ExecContext ctx{svc, svc.schema.current(), options, state};
    ctx.timestamp = options.timestamp ? *options.timestamp : svc.next_timestamp();
    ctx.now = static_cast<int32_t>(std::time(nullptr));
    ctx.consistency = coordinator::consistency_from_code(consistency);
    return ctx;
  }

  ResultMessage run(const ParsedStatement& parsed, ExecContext& ctx) {
    const Statement& st = parsed.statement;
    if (ctx.options.values.size() < static_cast<size_t>(parsed.bind_count) && parsed.bind_count > 0) {
      throw_invalid("There were " + std::to_string(parsed.bind_count) + " markers(?) in CQL but " +
                    std::to_string(ctx.options.values.size()) + " bound variables");
    }
    if (is_ddl(st)) return execute_ddl(st, ctx);
    if (auto* s = std::get_if<SelectStatement>(&st)) return execute_select(*s, ctx);
    if (auto* s = std::get_if<InsertStatement>(&st)) return execute_modification(*s, ctx);
    if (auto* s = std::get_if<UpdateStatement>(&st)) return execute_modification(*s, ctx);
    if (auto* s = std::get_if<DeleteStatement>(&st)) return execute_modification(*s, ctx);
    if (auto* s = std::get_if<BatchStatement>(&st)) return run_batch_statement(*s, ctx);
    throw_invalid("This statement is not supported yet");
  }

  ResultMessage run_batch_statement(const BatchStatement& b, ExecContext& ctx) {
    check_batch_type(static_cast<uint8_t>(b.type));
    if (auto ts = evaluate_integer(b.using_clause.timestamp,
                                   common::DataType::native(common::TypeKind::kBigint), "[timestamp]", ctx)) {
      ctx.timestamp = *ts;
    }
    std::vector<ConditionalStatement> conditional;
    bool any_conditions = false;
    for (const auto& child : b.statements) {
      check_child_timestamp(child, b.using_clause.timestamp != nullptr);
      check_child_kind(static_cast<uint8_t>(b.type), child, ctx);
      conditional.push_back(ConditionalStatement{&child, &ctx});
      any_conditions = any_conditions || has_conditions(child);
    }
    if (any_conditions) return execute_conditional(conditional);
    std::vector<storage::PartitionWrite> writes;
    for (const auto& child : b.statements) build_modification(child, ctx, writes);
    apply_writes(ctx, writes, ctx.consistency);
    return VoidResult{};
  }

  // Counter updates go in COUNTER batches, and only there.
  static void check_child_kind(uint8_t batch_type, const ModificationStatement& child,
                               const ExecContext& ctx) {
    bool counter = is_counter_modification(child, ctx);
    if (batch_type == 2 && !counter) throw_invalid("Only counter mutations are allowed in COUNTER batches");
    if (batch_type != 2 && counter) throw_invalid("Counter mutations are only allowed in COUNTER batches");
  }

  static void check_batch_type(uint8_t type) {
    if (type > 2) throw CqlError(ErrorCode::kProtocolError, "Invalid BATCH type " + std::to_string(type));
  }

  static void check_child_timestamp(const ModificationStatement& child, bool batch_has_timestamp) {
    if (!batch_has_timestamp) return;
    bool has = std::visit([](const auto& s) { return s.using_clause.timestamp != nullptr; }, child);
    if (has) throw_invalid("Timestamp must be set either on BATCH or individual statements");
  }

  std::shared_ptr<const Prepared> do_prepare(std::string_view cql, const ClientState& state) {
    auto p = std::make_shared<Prepared>();
    p->query = std::string(cql);
    p->keyspace = state.keyspace;
    p->parsed = parse_statement(cql, svc.limits.parser);
    auto schema = svc.schema.current();
    describe_statement(*p, *schema);
    p->schema_version = schema->version;
    return p;
  }

  // A prepared statement whose metadata no longer matches the schema (after ALTER TABLE,
  // say) is dropped and reported unprepared, so the driver prepares it again and learns the
  // new columns, as Cassandra does. Otherwise the statement prepared against the current
  // schema replaces it, so later executions skip this check. Returns the statement to run.
  // REQUIRES: p was found under `id`.
  std::shared_ptr<const Prepared> check_still_valid(BytesView id, std::shared_ptr<const Prepared> p) {
    auto schema = svc.schema.current();
    if (schema->version == p->schema_version) return p;
    ClientState state{p->keyspace};
    auto fresh = do_prepare(p->query, state);  // throws if the table is gone
    auto same = [](const std::vector<ColumnSpec>& a, const std::vector<ColumnSpec>& b) {
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].name != b[i].name || a[i].type != b[i].type) return false;
      }
      return true;
    };
    if (same(fresh->result_columns, p->result_columns) && same(fresh->bind_specs, p->bind_specs)) {
      prepared.insert(Bytes(id), fresh);
      return fresh;
    }
    prepared.erase(Bytes(id));
    throw unprepared(id);
  }
};

QueryProcessor::QueryProcessor(schema::SchemaManager& schema, coordinator::Coordinator& coordinator,
                               const schema::NodeInfo& node, common::UuidGenerator& uuids, EventSink* events,
                               ProcessorLimits limits)
    : impl_(std::make_unique<Impl>(schema, coordinator, node, uuids, events, limits)) {}

QueryProcessor::~QueryProcessor() = default;

ResultMessage QueryProcessor::query(std::string_view cql, const QueryOptions& options, ClientState& state) {
  ParsedStatement parsed = parse_statement(cql, impl_->svc.limits.parser);
  ExecContext ctx = impl_->context(options, state, options.consistency);
  return impl_->run(parsed, ctx);
}

PreparedResult QueryProcessor::prepare(std::string_view cql, ClientState& state) {
  auto p = impl_->do_prepare(cql, state);
  Bytes id = statement_id(state.keyspace, cql);
  impl_->prepared.insert(id, p);
  PreparedResult r;
  r.id = id;
  r.bind_columns = p->bind_specs;
  r.pk_indexes = p->pk_indexes;
  r.result_columns = p->result_columns;
  return r;
}

ResultMessage QueryProcessor::execute(BytesView id, const QueryOptions& options, ClientState& state,
                                      WriteGroup* group, bool no_block) {
  auto p = impl_->prepared.find(id);
  if (!p) throw unprepared(id);
  if (no_block) {
    const Statement& st = p->parsed.statement;
    const bool quick =
        std::holds_alternative<SelectStatement>(st) || std::holds_alternative<InsertStatement>(st) ||
        std::holds_alternative<UpdateStatement>(st) || std::holds_alternative<DeleteStatement>(st);
    if (!quick || group == nullptr) throw common::WouldBlock{};
  }
  p = impl_->check_still_valid(id, std::move(p));
  if (options.values.size() != static_cast<size_t>(p->parsed.bind_count)) {
    throw_invalid("There were " + std::to_string(p->parsed.bind_count) + " markers(?) in CQL but " +
                  std::to_string(options.values.size()) + " bound variables");
  }
  ExecContext ctx = impl_->context(options, state, options.consistency);
  ctx.prepared_keyspace = p->keyspace;
  ctx.selection = p->selection;
  ctx.group = group;
  ctx.no_block = no_block;
  return impl_->run(p->parsed, ctx);
}

ResultMessage QueryProcessor::batch(const std::vector<BatchChildRequest>& children,
                                    const BatchRequestOptions& options, ClientState& state) {
  Impl::check_batch_type(options.type);
  QueryOptions base;
  base.consistency = options.consistency;
  base.serial_consistency = options.serial_consistency;
  base.timestamp = options.timestamp;
  ExecContext shared = impl_->context(base, state, options.consistency);
  if (shared.consistency == coordinator::Consistency::kSerial ||
      shared.consistency == coordinator::Consistency::kLocalSerial) {
    throw_invalid("You must use conditional updates for serializable writes");
  }
  // Each child keeps its own statement, bound values and context until the batch is applied.
  struct Child {
    ModificationStatement statement;
    QueryOptions options;
    std::unique_ptr<ExecContext> ctx;
  };
  std::vector<Child> parsed_children;
  parsed_children.reserve(children.size());
  bool any_conditions = false;
  for (const auto& child : children) {
    std::shared_ptr<const Prepared> p;
    ParsedStatement parsed;
    const ParsedStatement* ps = nullptr;
    std::string prepared_ks;
    if (child.is_prepared) {
      p = impl_->prepared.find(child.id);
      if (!p) throw unprepared(child.id);
      p = impl_->check_still_valid(child.id, std::move(p));
      ps = &p->parsed;
      prepared_ks = p->keyspace;
    } else {
      parsed = parse_statement(child.query, impl_->svc.limits.parser);
      ps = &parsed;
    }
    const Statement& st = ps->statement;
    ModificationStatement m;
    if (auto* s = std::get_if<InsertStatement>(&st))
      m = *s;
    else if (auto* s = std::get_if<UpdateStatement>(&st))
      m = *s;
    else if (auto* s = std::get_if<DeleteStatement>(&st))
      m = *s;
    else
      throw_invalid("Invalid statement in batch: only UPDATE, INSERT and DELETE statements are allowed.");
    if (child.values.size() != static_cast<size_t>(ps->bind_count)) {
      throw_invalid("There were " + std::to_string(ps->bind_count) + " markers(?) in CQL but " +
                    std::to_string(child.values.size()) + " bound variables");
    }
    Child& c = parsed_children.emplace_back(Child{std::move(m), base, nullptr});
    c.options.values = child.values;
    c.options.names = child.names;
    c.ctx = std::make_unique<ExecContext>(impl_->svc, shared.schema, c.options, state);
    c.ctx->prepared_keyspace = prepared_ks;
    c.ctx->timestamp = shared.timestamp;
    c.ctx->now = shared.now;
    c.ctx->consistency = shared.consistency;
    Impl::check_child_kind(options.type, c.statement, *c.ctx);
    any_conditions = any_conditions || has_conditions(c.statement);
  }
  if (any_conditions) {
    std::vector<ConditionalStatement> conditional;
    for (auto& c : parsed_children) conditional.push_back(ConditionalStatement{&c.statement, c.ctx.get()});
    return execute_conditional(conditional);
  }
  std::vector<storage::PartitionWrite> writes;
  for (auto& c : parsed_children) build_modification(c.statement, *c.ctx, writes);
  apply_writes(shared, writes, shared.consistency);
  return VoidResult{};
}

}  // namespace krill::cql
