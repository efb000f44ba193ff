#include "schema/system_keyspaces.h"

#include <algorithm>
#include <map>

#include "common/values.h"

namespace krill::schema {
namespace {

using common::Bytes;
using common::DataType;

struct ColumnSpec {
  const char* name;
  const char* type;
  ColumnKind kind;
  int position;
};

constexpr ColumnKind P = ColumnKind::kPartitionKey;
constexpr ColumnKind C = ColumnKind::kClustering;
constexpr ColumnKind R = ColumnKind::kRegular;

// Table options shared by tables and views in system_schema.
#define KRILL_TABLE_PARAM_COLUMNS                                                                           \
  {"additional_write_policy", "text", R, -1}, {"bloom_filter_fp_chance", "double", R, -1},                  \
      {"caching", "frozen<map<text, text>>", R, -1}, {"cdc", "boolean", R, -1}, {"comment", "text", R, -1}, \
      {"compaction", "frozen<map<text, text>>", R, -1}, {"compression", "frozen<map<text, text>>", R, -1},  \
      {"crc_check_chance", "double", R, -1}, {"dclocal_read_repair_chance", "double", R, -1},               \
      {"default_time_to_live", "int", R, -1}, {"extensions", "frozen<map<text, blob>>", R, -1},             \
      {"gc_grace_seconds", "int", R, -1}, {"id", "uuid", R, -1}, {"max_index_interval", "int", R, -1},      \
      {"memtable_flush_period_in_ms", "int", R, -1}, {"min_index_interval", "int", R, -1},                  \
      {"read_repair", "text", R, -1}, {"read_repair_chance", "double", R, -1}, {                            \
    "speculative_retry", "text", R, -1                                                                      \
  }

struct TableSpec {
  const char* name;
  std::vector<ColumnSpec> columns;
};

std::vector<TableSpec> system_tables() {
  return {
      {"local",
       {{"key", "text", P, 0},
        {"bootstrapped", "text", R, -1},
        {"broadcast_address", "inet", R, -1},
        {"broadcast_port", "int", R, -1},
        {"cluster_name", "text", R, -1},
        {"cql_version", "text", R, -1},
        {"data_center", "text", R, -1},
        {"gossip_generation", "int", R, -1},
        {"host_id", "uuid", R, -1},
        {"listen_address", "inet", R, -1},
        {"listen_port", "int", R, -1},
        {"native_protocol_version", "text", R, -1},
        {"partitioner", "text", R, -1},
        {"rack", "text", R, -1},
        {"release_version", "text", R, -1},
        {"rpc_address", "inet", R, -1},
        {"rpc_port", "int", R, -1},
        {"schema_version", "uuid", R, -1},
        {"tokens", "set<text>", R, -1},
        {"truncated_at", "map<uuid, blob>", R, -1}}},
      {"peers",
       {{"peer", "inet", P, 0},
        {"data_center", "text", R, -1},
        {"host_id", "uuid", R, -1},
        {"preferred_ip", "inet", R, -1},
        {"rack", "text", R, -1},
        {"release_version", "text", R, -1},
        {"rpc_address", "inet", R, -1},
        {"schema_version", "uuid", R, -1},
        {"tokens", "set<text>", R, -1}}},
      {"peers_v2",
       {{"peer", "inet", P, 0},
        {"peer_port", "int", C, 0},
        {"data_center", "text", R, -1},
        {"host_id", "uuid", R, -1},
        {"native_address", "inet", R, -1},
        {"native_port", "int", R, -1},
        {"preferred_ip", "inet", R, -1},
        {"preferred_port", "int", R, -1},
        {"rack", "text", R, -1},
        {"release_version", "text", R, -1},
        {"schema_version", "uuid", R, -1},
        {"tokens", "set<text>", R, -1}}},
  };
}

std::vector<TableSpec> system_schema_tables() {
  return {
      {"keyspaces",
       {{"keyspace_name", "text", P, 0},
        {"durable_writes", "boolean", R, -1},
        {"replication", "frozen<map<text, text>>", R, -1}}},
      {"tables",
       {{"keyspace_name", "text", P, 0},
        {"table_name", "text", C, 0},
        {"flags", "frozen<set<text>>", R, -1},
        KRILL_TABLE_PARAM_COLUMNS}},
      {"columns",
       {{"keyspace_name", "text", P, 0},
        {"table_name", "text", C, 0},
        {"column_name", "text", C, 1},
        {"clustering_order", "text", R, -1},
        {"column_name_bytes", "blob", R, -1},
        {"kind", "text", R, -1},
        {"position", "int", R, -1},
        {"type", "text", R, -1}}},
      {"dropped_columns",
       {{"keyspace_name", "text", P, 0},
        {"table_name", "text", C, 0},
        {"column_name", "text", C, 1},
        {"dropped_time", "timestamp", R, -1},
        {"kind", "text", R, -1},
        {"type", "text", R, -1}}},
      {"types",
       {{"keyspace_name", "text", P, 0},
        {"type_name", "text", C, 0},
        {"field_names", "frozen<list<text>>", R, -1},
        {"field_types", "frozen<list<text>>", R, -1}}},
      {"functions",
       {{"keyspace_name", "text", P, 0},
        {"function_name", "text", C, 0},
        {"argument_types", "frozen<list<text>>", C, 1},
        {"argument_names", "frozen<list<text>>", R, -1},
        {"body", "text", R, -1},
        {"called_on_null_input", "boolean", R, -1},
        {"language", "text", R, -1},
        {"return_type", "text", R, -1}}},
      {"aggregates",
       {{"keyspace_name", "text", P, 0},
        {"aggregate_name", "text", C, 0},
        {"argument_types", "frozen<list<text>>", C, 1},
        {"final_func", "text", R, -1},
        {"initcond", "text", R, -1},
        {"return_type", "text", R, -1},
        {"state_func", "text", R, -1},
        {"state_type", "text", R, -1}}},
      {"triggers",
       {{"keyspace_name", "text", P, 0},
        {"table_name", "text", C, 0},
        {"trigger_name", "text", C, 1},
        {"options", "frozen<map<text, text>>", R, -1}}},
      {"indexes",
       {{"keyspace_name", "text", P, 0},
        {"table_name", "text", C, 0},
        {"index_name", "text", C, 1},
        {"kind", "text", R, -1},
        {"options", "frozen<map<text, text>>", R, -1}}},
      {"views",
       {{"keyspace_name", "text", P, 0},
        {"view_name", "text", C, 0},
        {"base_table_id", "uuid", R, -1},
        {"base_table_name", "text", R, -1},
        {"include_all_columns", "boolean", R, -1},
        {"where_clause", "text", R, -1},
        KRILL_TABLE_PARAM_COLUMNS}},
  };
}

// A stable, name-derived id for built-in tables (version 3 style bits).
common::Uuid name_uuid(const std::string& ks, const std::string& table) {
  common::Uuid u;
  uint64_t h1 = 1469598103934665603ull, h2 = 1099511628211ull;
  for (char c : ks + "." + table) {
    h1 = (h1 ^ static_cast<uint8_t>(c)) * 1099511628211ull;
    h2 = (h2 ^ static_cast<uint8_t>(c)) * 1469598103934665603ull + 7;
  }
  for (int i = 0; i < 8; ++i) {
    u.bytes[i] = static_cast<uint8_t>(h1 >> (56 - 8 * i));
    u.bytes[8 + i] = static_cast<uint8_t>(h2 >> (56 - 8 * i));
  }
  u.bytes[6] = static_cast<uint8_t>((u.bytes[6] & 0x0f) | 0x30);
  u.bytes[8] = static_cast<uint8_t>((u.bytes[8] & 0x3f) | 0x80);
  return u;
}

std::shared_ptr<KeyspaceDef> make_keyspace(const std::string& name, const std::vector<TableSpec>& specs) {
  auto ks = std::make_shared<KeyspaceDef>();
  ks->name = name;
  ks->durable_writes = true;
  ks->replication = {{"class", "org.apache.cassandra.locator.LocalStrategy"}};
  ks->is_system = true;
  for (const auto& spec : specs) {
    auto t = std::make_shared<TableDef>();
    t->keyspace = name;
    t->name = spec.name;
    t->id = name_uuid(name, spec.name);
    t->is_virtual = true;
    t->params.comment = "";
    std::vector<ColumnDef> keys, others;
    for (const auto& c : spec.columns) {
      ColumnDef col;
      col.name = c.name;
      col.type = DataType::parse(c.type);
      col.kind = c.kind;
      col.position = c.position;
      col.id = t->next_column_id++;
      (c.kind == R ? others : keys).push_back(col);
    }
    std::sort(others.begin(), others.end(),
              [](const ColumnDef& a, const ColumnDef& b) { return a.name < b.name; });
    t->columns = keys;
    t->columns.insert(t->columns.end(), others.begin(), others.end());
    ks->tables[t->name] = t;
  }
  return ks;
}

// Builds one row in the table's column order from (name, value) pairs.
class RowBuilder {
 public:
  explicit RowBuilder(const TableDef& t) : table_(t), row_(t.columns.size()) {}
  RowBuilder& set(const std::string& col, std::optional<Bytes> v) {
    for (size_t i = 0; i < table_.columns.size(); ++i) {
      if (table_.columns[i].name == col) row_[i] = std::move(v);
    }
    return *this;
  }
  VirtualRow take() { return std::move(row_); }

 private:
  const TableDef& table_;
  VirtualRow row_;
};

Bytes text(const std::string& s) { return s; }
Bytes boolean(bool b) { return common::encode_boolean(b); }
Bytes int32(int32_t v) { return common::encode_int(v); }
Bytes dbl(double v) { return common::encode_double(v); }
Bytes string_map(const std::map<std::string, std::string>& m) {
  std::vector<std::pair<Bytes, Bytes>> pairs(m.begin(), m.end());
  return common::encode_pairs(pairs);
}
Bytes string_list(const std::vector<std::string>& l) { return common::encode_elements({l.begin(), l.end()}); }

std::vector<std::string> token_strings(const std::vector<int64_t>& tokens) {
  std::vector<std::string> out;
  for (int64_t t : tokens) out.push_back(std::to_string(t));
  std::sort(out.begin(), out.end());
  return out;
}

void add_params(RowBuilder& b, const TableParams& p, const common::Uuid& id) {
  b.set("additional_write_policy", text(p.additional_write_policy))
      .set("bloom_filter_fp_chance", dbl(p.bloom_filter_fp_chance))
      .set("caching", string_map(p.caching))
      .set("cdc", boolean(p.cdc))
      .set("comment", text(p.comment))
      .set("compaction", string_map(p.compaction))
      .set("compression", string_map(p.compression))
      .set("crc_check_chance", dbl(p.crc_check_chance))
      .set("dclocal_read_repair_chance", dbl(0.0))
      .set("default_time_to_live", int32(p.default_time_to_live))
      .set("extensions", common::encode_pairs({}))
      .set("gc_grace_seconds", int32(p.gc_grace_seconds))
      .set("id", id.to_bytes())
      .set("max_index_interval", int32(p.max_index_interval))
      .set("memtable_flush_period_in_ms", int32(p.memtable_flush_period_in_ms))
      .set("min_index_interval", int32(p.min_index_interval))
      .set("read_repair", text(p.read_repair))
      .set("read_repair_chance", dbl(0.0))
      .set("speculative_retry", text(p.speculative_retry));
}

std::vector<VirtualRow> schema_rows(const TableDef& t, const Schema& schema) {
  std::vector<VirtualRow> rows;
  for (const auto& [ks_name, ks] : schema.keyspaces) {
    if (t.name == "keyspaces") {
      rows.push_back(RowBuilder(t)
                         .set("keyspace_name", text(ks_name))
                         .set("durable_writes", boolean(ks->durable_writes))
                         .set("replication", string_map(ks->replication))
                         .take());
      continue;
    }
    if (t.name == "types") {
      for (const auto& [type_name, type] : ks->types) {
        std::vector<std::string> field_types;
        for (const auto& f : type.params()) field_types.push_back(f.cql_name());
        rows.push_back(RowBuilder(t)
                           .set("keyspace_name", text(ks_name))
                           .set("type_name", text(type_name))
                           .set("field_names", string_list(type.field_names()))
                           .set("field_types", string_list(field_types))
                           .take());
      }
      continue;
    }
    for (const auto& [table_name, table] : ks->tables) {
      if (t.name == "dropped_columns") {
        for (const auto& [column_name, d] : table->dropped_columns) {
          rows.push_back(RowBuilder(t)
                             .set("keyspace_name", text(ks_name))
                             .set("table_name", text(table_name))
                             .set("column_name", text(column_name))
                             .set("dropped_time", common::encode_bigint(d.dropped_time / 1000))
                             .set("kind", text(column_kind_name(d.kind)))
                             .set("type", text(d.type.cql_name()))
                             .take());
        }
      } else if (t.name == "tables") {
        if (table->view) continue;  // views are listed in system_schema.views
        RowBuilder b(t);
        b.set("keyspace_name", text(ks_name)).set("table_name", text(table_name));
        b.set("flags", string_list({"compound"}));
        add_params(b, table->params, table->id);
        rows.push_back(b.take());
      } else if (t.name == "indexes") {
        for (const auto& i : table->indexes) {
          rows.push_back(RowBuilder(t)
                             .set("keyspace_name", text(ks_name))
                             .set("table_name", text(table_name))
                             .set("index_name", text(i.name))
                             .set("kind", text("COMPOSITES"))
                             .set("options", string_map({{"target", i.target()}}))
                             .take());
        }
      } else if (t.name == "views") {
        if (!table->view) continue;
        RowBuilder b(t);
        b.set("keyspace_name", text(ks_name))
            .set("view_name", text(table_name))
            .set("base_table_id", table->view->base_id.to_bytes())
            .set("base_table_name", text(table->view->base_table))
            .set("include_all_columns", boolean(table->view->include_all_columns))
            .set("where_clause", text(table->view->where_clause));
        add_params(b, table->params, table->id);
        rows.push_back(b.take());
      } else if (t.name == "columns") {
        for (const auto& c : table->columns) {
          const char* order = c.kind == ColumnKind::kClustering ? (c.descending ? "desc" : "asc") : "none";
          rows.push_back(RowBuilder(t)
                             .set("keyspace_name", text(ks_name))
                             .set("table_name", text(table_name))
                             .set("column_name", text(c.name))
                             .set("clustering_order", text(order))
                             .set("column_name_bytes", Bytes(c.name))
                             .set("kind", text(column_kind_name(c.kind)))
                             .set("position", int32(c.position))
                             .set("type", text(c.type.cql_name()))
                             .take());
        }
      }
    }
  }
  // Rows in primary-key order: keyspace, then table, then column name (text sorts bytewise).
  auto key_of = [&t](const VirtualRow& r) {
    std::vector<Bytes> key;
    for (size_t i = 0; i < t.columns.size() && t.columns[i].kind != ColumnKind::kRegular; ++i) {
      key.push_back(r[i].value_or(Bytes()));
    }
    return key;
  };
  std::stable_sort(rows.begin(), rows.end(),
                   [&](const VirtualRow& a, const VirtualRow& b) { return key_of(a) < key_of(b); });
  return rows;
}

}  // namespace

void add_system_keyspaces(Schema& schema) {
  schema.keyspaces["system"] = make_keyspace("system", system_tables());
  schema.keyspaces["system_schema"] = make_keyspace("system_schema", system_schema_tables());
}

std::vector<VirtualRow> virtual_table_rows(const TableDef& table, const Schema& schema,
                                           const NodeInfo& node) {
  if (table.keyspace == "system_schema") return schema_rows(table, schema);
  std::vector<VirtualRow> rows;
  if (table.keyspace == "system" && table.name == "local") {
    rows.push_back(RowBuilder(table)
                       .set("key", text("local"))
                       .set("bootstrapped", text("COMPLETED"))
                       .set("broadcast_address", node.listen_address)
                       .set("broadcast_port", int32(node.listen_port))
                       .set("cluster_name", text(node.cluster_name))
                       .set("cql_version", text(node.cql_version))
                       .set("data_center", text(node.data_center))
                       .set("gossip_generation", int32(node.gossip_generation))
                       .set("host_id", node.host_id.to_bytes())
                       .set("listen_address", node.listen_address)
                       .set("listen_port", int32(node.listen_port))
                       .set("native_protocol_version", text(node.native_protocol_version))
                       .set("partitioner", text(node.partitioner))
                       .set("rack", text(node.rack))
                       .set("release_version", text(node.release_version))
                       .set("rpc_address", node.rpc_address)
                       .set("rpc_port", int32(node.native_port))
                       .set("schema_version", schema.version.to_bytes())
                       .set("tokens", string_list(token_strings(node.tokens)))
                       .take());
  }
  // system.peers and system.peers_v2 are empty on a single node (never list the local node).
  return rows;
}

}  // namespace krill::schema
