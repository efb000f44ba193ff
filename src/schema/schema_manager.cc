#include "schema/schema_manager.h"

#include <boost/json.hpp>

#include "schema/indexes.h"
#include "schema/system_keyspaces.h"
#include "schema/user_types.h"

namespace krill::schema {
namespace {

namespace json = boost::json;
using common::CqlError;
using common::ErrorCode;

constexpr const char* kKeyspacePrefix = "schema/keyspace/";
constexpr const char* kVersionKey = "schema/version";
constexpr int kSchemaRecordVersion = 1;

json::object string_map_json(const std::map<std::string, std::string>& m) {
  json::object o;
  for (const auto& [k, v] : m) o[k] = v;
  return o;
}

std::map<std::string, std::string> json_string_map(const json::value& v) {
  std::map<std::string, std::string> m;
  for (const auto& [k, val] : v.as_object()) m[std::string(k)] = std::string(val.as_string());
  return m;
}

json::object params_json(const TableParams& p) {
  return {{"additional_write_policy", p.additional_write_policy},
          {"bloom_filter_fp_chance", p.bloom_filter_fp_chance},
          {"caching", string_map_json(p.caching)},
          {"cdc", p.cdc},
          {"comment", p.comment},
          {"compaction", string_map_json(p.compaction)},
          {"compression", string_map_json(p.compression)},
          {"crc_check_chance", p.crc_check_chance},
          {"default_time_to_live", p.default_time_to_live},
          {"gc_grace_seconds", p.gc_grace_seconds},
          {"max_index_interval", p.max_index_interval},
          {"memtable_flush_period_in_ms", p.memtable_flush_period_in_ms},
          {"min_index_interval", p.min_index_interval},
          {"read_repair", p.read_repair},
          {"speculative_retry", p.speculative_retry}};
}

TableParams json_params(const json::object& o) {
  TableParams p;
  p.additional_write_policy = json::value_to<std::string>(o.at("additional_write_policy"));
  p.bloom_filter_fp_chance = o.at("bloom_filter_fp_chance").to_number<double>();
  p.caching = json_string_map(o.at("caching"));
  p.cdc = o.at("cdc").as_bool();
  p.comment = json::value_to<std::string>(o.at("comment"));
  p.compaction = json_string_map(o.at("compaction"));
  p.compression = json_string_map(o.at("compression"));
  p.crc_check_chance = o.at("crc_check_chance").to_number<double>();
  p.default_time_to_live = o.at("default_time_to_live").to_number<int32_t>();
  p.gc_grace_seconds = o.at("gc_grace_seconds").to_number<int32_t>();
  p.max_index_interval = o.at("max_index_interval").to_number<int32_t>();
  p.memtable_flush_period_in_ms = o.at("memtable_flush_period_in_ms").to_number<int32_t>();
  p.min_index_interval = o.at("min_index_interval").to_number<int32_t>();
  p.read_repair = json::value_to<std::string>(o.at("read_repair"));
  p.speculative_retry = json::value_to<std::string>(o.at("speculative_retry"));
  return p;
}

ColumnKind kind_from_name(const std::string& kind) {
  return kind == "partition_key" ? ColumnKind::kPartitionKey
         : kind == "clustering"  ? ColumnKind::kClustering
         : kind == "static"      ? ColumnKind::kStatic
                                 : ColumnKind::kRegular;
}

json::array types_json(const KeyspaceDef& ks) {
  json::array types;
  for (const auto& name : types_in_dependency_order(ks)) {  // so that decoding resolves in order
    const common::DataType& t = ks.types.at(name);
    json::array names, field_types;
    for (const auto& f : t.field_names()) names.push_back(json::value(f));
    for (const auto& f : t.params()) field_types.push_back(json::value(f.cql_name()));
    types.push_back(json::object{
        {"name", name}, {"field_names", std::move(names)}, {"field_types", std::move(field_types)}});
  }
  return types;
}

void decode_types(const json::array& types, KeyspaceDef& ks) {
  auto lookup = keyspace_type_lookup(ks);
  for (const auto& tv : types) {
    const auto& to = tv.as_object();
    std::string name = json::value_to<std::string>(to.at("name"));
    std::vector<std::string> names;
    std::vector<common::DataType> field_types;
    for (const auto& f : to.at("field_names").as_array()) names.push_back(json::value_to<std::string>(f));
    for (const auto& f : to.at("field_types").as_array()) {
      field_types.push_back(common::DataType::parse(json::value_to<std::string>(f), lookup));
    }
    ks.types[name] = common::DataType::udt(ks.name, name, std::move(names), std::move(field_types));
  }
}

json::array dropped_json(const TableDef& t) {
  json::array dropped;
  for (const auto& [name, d] : t.dropped_columns) {
    dropped.push_back(json::object{{"name", d.name},
                                   {"type", d.type.cql_name()},
                                   {"kind", column_kind_name(d.kind)},
                                   {"dropped_time", d.dropped_time}});
  }
  return dropped;
}

// Optional keys of a table record (absent in records written before indexes and views).
json::array indexes_json(const TableDef& t) {
  json::array out;
  for (const auto& i : t.indexes) {
    out.push_back(json::object{
        {"name", i.name}, {"column", i.column}, {"target_kind", i.target_kind}, {"id", i.id.to_string()}});
  }
  return out;
}

common::Uuid json_uuid(const json::value& v) {
  auto id = common::Uuid::parse(json::value_to<std::string>(v));
  if (!id) throw CqlError(ErrorCode::kServerError, "bad id in schema record");
  return *id;
}

void decode_indexes_and_view(const json::object& to, TableDef& t) {
  if (const auto* idx = to.if_contains("indexes")) {
    for (const auto& iv : idx->as_array()) {
      const auto& io = iv.as_object();
      IndexDef i;
      i.name = json::value_to<std::string>(io.at("name"));
      i.column = json::value_to<std::string>(io.at("column"));
      i.target_kind = json::value_to<std::string>(io.at("target_kind"));
      i.id = json_uuid(io.at("id"));
      i.layout = make_index_layout(t, i);
      t.indexes.push_back(std::move(i));
    }
  }
  if (const auto* view = to.if_contains("view")) {
    const auto& vo = view->as_object();
    ViewInfo v;
    v.base_table = json::value_to<std::string>(vo.at("base_table"));
    v.base_id = json_uuid(vo.at("base_id"));
    v.include_all_columns = vo.at("include_all_columns").as_bool();
    v.where_clause = json::value_to<std::string>(vo.at("where_clause"));
    t.view = std::move(v);
  }
}

}  // namespace

std::string encode_keyspace(const KeyspaceDef& ks) {
  json::array tables;
  for (const auto& [name, t] : ks.tables) {
    json::array columns;
    for (const auto& c : t->columns) {
      columns.push_back(json::object{{"name", c.name},
                                     {"type", c.type.cql_name()},
                                     {"kind", column_kind_name(c.kind)},
                                     {"position", c.position},
                                     {"descending", c.descending},
                                     {"id", c.id}});
    }
    json::object to{{"name", t->name},
                    {"id", t->id.to_string()},
                    {"next_column_id", t->next_column_id},
                    {"params", params_json(t->params)},
                    {"columns", std::move(columns)}};
    if (!t->dropped_columns.empty()) to["dropped_columns"] = dropped_json(*t);
    if (!t->indexes.empty()) to["indexes"] = indexes_json(*t);
    if (t->view) {
      to["view"] = json::object{{"base_table", t->view->base_table},
                                {"base_id", t->view->base_id.to_string()},
                                {"include_all_columns", t->view->include_all_columns},
                                {"where_clause", t->view->where_clause}};
    }
    tables.push_back(std::move(to));
  }
  json::object o{{"format", kSchemaRecordVersion},
                 {"name", ks.name},
                 {"durable_writes", ks.durable_writes},
                 {"replication", string_map_json(ks.replication)},
                 {"tables", std::move(tables)}};
  if (!ks.types.empty()) o["types"] = types_json(ks);
  return json::serialize(o);
}

KeyspaceDef decode_keyspace(const std::string& text) {
  try {
    json::object o = json::parse(text).as_object();
    if (o.at("format").to_number<int>() > kSchemaRecordVersion) {
      throw CqlError(ErrorCode::kServerError, "schema record written by a newer Krill (format " +
                                                  std::to_string(o.at("format").to_number<int>()) + ")");
    }
    KeyspaceDef ks;
    ks.name = json::value_to<std::string>(o.at("name"));
    ks.durable_writes = o.at("durable_writes").as_bool();
    ks.replication = json_string_map(o.at("replication"));
    if (const auto* types = o.if_contains("types"))
      decode_types(types->as_array(), ks);  // absent before UDTs
    auto lookup = keyspace_type_lookup(ks);
    for (const auto& tv : o.at("tables").as_array()) {
      const auto& to = tv.as_object();
      auto t = std::make_shared<TableDef>();
      t->keyspace = ks.name;
      t->name = json::value_to<std::string>(to.at("name"));
      auto id = common::Uuid::parse(json::value_to<std::string>(to.at("id")));
      if (!id) throw CqlError(ErrorCode::kServerError, "bad table id in schema record");
      t->id = *id;
      t->next_column_id = to.at("next_column_id").to_number<uint32_t>();
      t->params = json_params(to.at("params").as_object());
      for (const auto& cv : to.at("columns").as_array()) {
        const auto& co = cv.as_object();
        ColumnDef c;
        c.name = json::value_to<std::string>(co.at("name"));
        c.type = common::DataType::parse(json::value_to<std::string>(co.at("type")), lookup);
        c.kind = kind_from_name(json::value_to<std::string>(co.at("kind")));
        c.position = co.at("position").to_number<int>();
        c.descending = co.at("descending").as_bool();
        c.id = co.at("id").to_number<uint32_t>();
        t->columns.push_back(std::move(c));
      }
      if (const auto* dropped = to.if_contains("dropped_columns")) {
        for (const auto& dv : dropped->as_array()) {
          const auto& d = dv.as_object();
          DroppedColumn dc;
          dc.name = json::value_to<std::string>(d.at("name"));
          dc.type = common::DataType::parse(json::value_to<std::string>(d.at("type")));
          dc.kind = kind_from_name(json::value_to<std::string>(d.at("kind")));
          dc.dropped_time = d.at("dropped_time").to_number<int64_t>();
          t->dropped_columns[dc.name] = std::move(dc);
        }
      }
      t->refresh_layout();
      decode_indexes_and_view(to, *t);
      ks.tables[t->name] = t;
    }
    return ks;
  } catch (const CqlError&) {
    throw;
  } catch (const std::exception& e) {
    throw CqlError(ErrorCode::kServerError, std::string("malformed schema record: ") + e.what());
  }
}

SchemaManager::SchemaManager(storage::Engine& engine, common::UuidGenerator& uuids)
    : engine_(engine), uuids_(uuids) {
  auto s = std::make_shared<Schema>();
  add_system_keyspaces(*s);
  s->version = uuids_.random();
  current_.store(std::move(s));
}

common::Status SchemaManager::record_compaction(const TableDef& t) {
  if (!t.layout) return common::Status::ok();
  // A style change that needs a restart still succeeds: the schema holds the new option,
  // the engine applies it when it next opens (nodetool tablestats shows both).
  return engine_.set_table_compaction(t.layout->id, compaction_settings(t.params)).status();
}

common::Status SchemaManager::load() {
  auto records = engine_.scan_meta(kKeyspacePrefix);
  if (!records.is_ok()) return records.status();
  auto s = std::make_shared<Schema>();
  add_system_keyspaces(*s);
  try {
    for (const auto& [key, value] : records.value()) {
      auto ks = std::make_shared<KeyspaceDef>(decode_keyspace(value));
      for (const auto& [name, t] : ks->tables) {
        auto st = record_compaction(*t);
        if (!st.is_ok()) return st;
        st = engine_.create_table(t->layout->id);  // idempotent; repairs a crash between steps
        if (!st.is_ok()) return st;
        for (const auto& i : t->indexes) {
          st = engine_.create_table(i.layout->id);
          if (!st.is_ok()) return st;
        }
      }
      s->keyspaces[ks->name] = std::move(ks);
    }
  } catch (const CqlError& e) {
    return common::Status::error(e.what());
  }
  auto version = engine_.scan_meta(kVersionKey);
  if (version.is_ok() && !version.value().empty()) {
    if (auto v = common::Uuid::parse(version.value().front().second)) s->version = *v;
  } else {
    s->version = uuids_.random();
  }
  current_.store(std::move(s));
  return common::Status::ok();
}

common::Status SchemaManager::persist(const Schema& next, const DdlEffects& effects) {
  // Column families exist before the schema names them, and go only after it stops naming them.
  for (const auto& t : effects.tables_created) {
    auto s = record_compaction(*t);
    if (!s.is_ok()) return s;
    s = engine_.create_table(t->layout->id);
    if (!s.is_ok()) return s;
  }
  for (const auto& l : effects.layouts_created) {
    auto s = engine_.create_table(l->id);
    if (!s.is_ok()) return s;
  }
  for (const auto& name : effects.keyspaces_changed) {
    auto ks = next.find_keyspace(name);
    if (!ks) continue;
    auto s = engine_.put_meta(kKeyspacePrefix + name, encode_keyspace(*ks), false);
    if (!s.is_ok()) return s;
    // ALTER TABLE ... WITH compaction: the engine compares and only acts on a change.
    for (const auto& [table, t] : ks->tables) {
      s = record_compaction(*t);
      if (!s.is_ok()) return s;
    }
  }
  for (const auto& name : effects.keyspaces_dropped) {
    auto s = engine_.delete_meta(kKeyspacePrefix + name, false);
    if (!s.is_ok()) return s;
  }
  auto s = engine_.put_meta(kVersionKey, next.version.to_string(), true);
  if (!s.is_ok()) return s;
  for (const auto& t : effects.tables_dropped) {
    s = engine_.drop_table(t->layout->id);
    if (!s.is_ok()) return s;
    for (const auto& i : t->indexes) {
      s = engine_.drop_table(i.layout->id);
      if (!s.is_ok()) return s;
    }
  }
  for (const auto& l : effects.layouts_dropped) {
    s = engine_.drop_table(l->id);
    if (!s.is_ok()) return s;
  }
  for (const auto& t : effects.tables_truncated) {
    s = engine_.truncate_table(t->layout->id);
    if (!s.is_ok()) return s;
    for (const auto& i : t->indexes) {
      s = engine_.truncate_table(i.layout->id);
      if (!s.is_ok()) return s;
    }
  }
  return common::Status::ok();
}

std::shared_ptr<const Schema> SchemaManager::apply(const Change& change) {
  std::lock_guard lock(ddl_mu_);
  auto next = std::make_shared<Schema>(*current_.load());
  DdlEffects effects = change(*next);
  if (effects.empty()) return current_.load();
  next->version = uuids_.random();
  auto s = persist(*next, effects);
  if (!s.is_ok()) throw CqlError(ErrorCode::kServerError, "schema change not persisted: " + s.message());
  current_.store(next);
  return next;
}

}  // namespace krill::schema
