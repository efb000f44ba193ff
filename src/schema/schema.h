// Keyspaces, tables and their columns: an immutable snapshot of the schema.
//
// A Schema value never changes once published; DDL builds a new one (schema_manager.h).
// Readers hold a std::shared_ptr<const Schema> for as long as they need a consistent view,
// so no locks are needed to read it. Names are case-sensitive (the parser already
// lower-cased unquoted identifiers).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/types.h"
#include "common/uuid.h"
#include "storage/engine.h"

namespace krill::schema {

enum class ColumnKind { kPartitionKey, kClustering, kRegular, kStatic };

const char* column_kind_name(ColumnKind k);  // "partition_key", "clustering", "regular", "static"

struct ColumnDef {
  std::string name;
  common::DataType type;
  ColumnKind kind = ColumnKind::kRegular;
  int position = -1;        // index within the partition key / clustering key; -1 otherwise
  bool descending = false;  // clustering order
  uint32_t id = 0;          // storage id of the column's cells; never reused within a table
};

// Table options as system_schema.tables shows them (Cassandra 4.0 names and defaults).
struct TableParams {
  std::string additional_write_policy = "99p";
  double bloom_filter_fp_chance = 0.01;
  std::map<std::string, std::string> caching{{"keys", "ALL"}, {"rows_per_partition", "NONE"}};
  bool cdc = false;
  std::string comment;
  std::map<std::string, std::string> compaction{
      {"class", "org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy"},
      {"max_threshold", "32"},
      {"min_threshold", "4"}};
  std::map<std::string, std::string> compression{{"chunk_length_in_kb", "16"},
                                                 {"class", "org.apache.cassandra.io.compress.LZ4Compressor"}};
  double crc_check_chance = 1.0;
  int32_t default_time_to_live = 0;
  int32_t gc_grace_seconds = 864000;
  int32_t max_index_interval = 2048;
  int32_t memtable_flush_period_in_ms = 0;
  int32_t min_index_interval = 128;
  std::string read_repair = "BLOCKING";
  std::string speculative_retry = "99p";
};

// A column removed by ALTER TABLE DROP (system_schema.dropped_columns). Its cells stay in
// storage under the old column id, which no live column ever uses again.
struct DroppedColumn {
  std::string name;
  common::DataType type;  // user types expanded to tuples (expand_user_types)
  ColumnKind kind = ColumnKind::kRegular;
  int64_t dropped_time = 0;  // microseconds since epoch
};

// A secondary index on a table (system_schema.indexes). Its entries live in their own
// column family (indexes.h describes the layout); `layout` is derived from the base table.
struct IndexDef {
  std::string name;
  std::string column;       // the indexed column
  std::string target_kind;  // "" (the value), "keys", "values", "entries" or "full"
  common::Uuid id;          // names the index column family
  std::shared_ptr<const storage::TableLayout> layout;

  // The target as system_schema.indexes shows it: "c", "keys(c)", "values(c)", ...
  std::string target() const;
};

// What makes a table a materialized view (system_schema.views).
struct ViewInfo {
  std::string base_table;  // in the same keyspace
  common::Uuid base_id;
  bool include_all_columns = false;
  std::string where_clause;  // CQL text, as DESCRIBE and system_schema.views show it
};

struct TableDef {
  std::string keyspace;
  std::string name;
  common::Uuid id;
  std::vector<ColumnDef> columns;  // partition key, clustering (in order), then others by name
  TableParams params;
  uint32_t next_column_id = 0;
  std::map<std::string, DroppedColumn> dropped_columns;  // by name; the latest drop of each name
  bool is_virtual = false;                               // contents computed by the node (system tables)
  std::shared_ptr<const storage::TableLayout> layout;    // null for virtual tables
  std::vector<IndexDef> indexes;                         // secondary indexes, by creation order
  std::optional<ViewInfo> view;                          // set when this is a materialized view

  const ColumnDef* find_column(const std::string& name) const;
  std::vector<const ColumnDef*> partition_key() const;
  std::vector<const ColumnDef*> clustering_key() const;
  bool has_static_columns() const;
  // Rebuilds `layout` from the columns. Called after any change to the columns. The layout
  // lists the ids below next_column_id that no column uses (dropped columns), so that their
  // cells are never read again.
  void refresh_layout();
};

// The storage compaction settings a table's `compaction` option maps to (docs/storage.md):
// size-tiered, time-window, incremental and unified strategies compact in tiers (RocksDB's
// universal style, min_threshold/max_threshold sorted runs at a time); leveled compacts in
// levels (sstable_size_in_mb per file). REQUIRES: params.compaction validated
// (validate_compaction).
storage::CompactionSettings compaction_settings(const TableParams& params);
// "" when the `compaction` map names a known strategy with valid sub-options, else the
// error Cassandra reports (a ConfigurationException).
std::string validate_compaction(const std::map<std::string, std::string>& compaction);

struct KeyspaceDef {
  std::string name;
  bool durable_writes = true;
  std::map<std::string, std::string> replication;  // includes "class"
  std::map<std::string, std::shared_ptr<const TableDef>> tables;
  // User-defined types by name: each a non-frozen kUdt DataType whose keyspace is `name`.
  std::map<std::string, common::DataType> types;
  bool is_system = false;  // system keyspaces cannot be altered or dropped

  std::shared_ptr<const TableDef> find_table(const std::string& name) const;
  // The user type `name` (not frozen), or nullopt.
  std::optional<common::DataType> find_type(const std::string& name) const;
};

struct Schema {
  std::map<std::string, std::shared_ptr<const KeyspaceDef>> keyspaces;
  common::Uuid version;

  std::shared_ptr<const KeyspaceDef> find_keyspace(const std::string& name) const;
  std::shared_ptr<const TableDef> find_table(const std::string& keyspace, const std::string& table) const;
};

}  // namespace krill::schema
