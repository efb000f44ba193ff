// The built-in keyspaces drivers read: system (local, peers, peers_v2) and system_schema
// (keyspaces, tables, columns, dropped_columns, types, functions, aggregates, triggers,
// indexes, views), with the exact column names and types of Cassandra 4.0, and the rows
// they contain for a given schema snapshot and node.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/uuid.h"
#include "schema/schema.h"

namespace krill::schema {

// What the node says about itself in system.local (and, later, what peers say).
struct NodeInfo {
  std::string cluster_name = "Test Cluster";
  std::string release_version = "4.0.11";
  std::string cql_version = "3.4.5";
  std::string native_protocol_version = "4";
  std::string partitioner = "org.apache.cassandra.dht.Murmur3Partitioner";
  std::string data_center = "datacenter1";
  std::string rack = "rack1";
  common::Bytes listen_address;  // 4 or 16 bytes
  common::Bytes rpc_address;     // 4 or 16 bytes
  int32_t listen_port = 7000;
  int32_t native_port = 9042;
  common::Uuid host_id;
  std::vector<int64_t> tokens;
  int32_t gossip_generation = 0;
};

// Adds the system keyspaces (virtual tables) to `schema`.
void add_system_keyspaces(Schema& schema);

using VirtualRow = std::vector<std::optional<common::Bytes>>;

// The rows of a virtual table, in the order of table.columns, sorted by primary key.
// REQUIRES: table.is_virtual.
std::vector<VirtualRow> virtual_table_rows(const TableDef& table, const Schema& schema, const NodeInfo& node);

}  // namespace krill::schema
