#include <gtest/gtest.h>

#include "common/error.h"
#include "schema/schema_manager.h"
#include "schema/user_types.h"

namespace krill::schema {
namespace {

using common::DataType;
using common::TypeKind;

DataType N(TypeKind k) { return DataType::native(k); }

// ks with types address(street text, zip int) and person(name text, home frozen<address>),
// and a table t(k int, c frozen<address>, p frozen<person>, PRIMARY KEY (k, c)).
KeyspaceDef sample_keyspace() {
  KeyspaceDef ks;
  ks.name = "ks";
  ks.replication = {{"class", "org.apache.cassandra.locator.SimpleStrategy"}, {"replication_factor", "1"}};
  ks.types["address"] =
      DataType::udt("ks", "address", {"street", "zip"}, {N(TypeKind::kText), N(TypeKind::kInt)});
  ks.types["person"] =
      DataType::udt("ks", "person", {"name", "home"}, {N(TypeKind::kText), ks.types["address"].frozen()});
  auto t = std::make_shared<TableDef>();
  t->keyspace = "ks";
  t->name = "t";
  t->id = *common::Uuid::parse("5a1c395e-b41f-11e5-9f22-ba0be0483c18");
  t->columns.push_back(ColumnDef{"k", N(TypeKind::kInt), ColumnKind::kPartitionKey, 0, false, 0});
  t->columns.push_back(ColumnDef{"c", ks.types["address"].frozen(), ColumnKind::kClustering, 0, true, 1});
  t->columns.push_back(ColumnDef{"p", ks.types["person"].frozen(), ColumnKind::kRegular, -1, false, 3});
  t->next_column_id = 4;  // id 2 was dropped
  t->dropped_columns["v"] = DroppedColumn{"v", DataType::tuple({N(TypeKind::kText), N(TypeKind::kInt)}),
                                          ColumnKind::kRegular, 1700000000000000};
  t->refresh_layout();
  ks.tables["t"] = t;
  return ks;
}

TEST(SchemaTest, KeyspaceWithTypesRoundTrips) {
  KeyspaceDef ks = sample_keyspace();
  KeyspaceDef back = decode_keyspace(encode_keyspace(ks));
  ASSERT_EQ(back.types.size(), 2u);
  EXPECT_EQ(back.types.at("address"), ks.types.at("address"));
  EXPECT_EQ(back.types.at("person"), ks.types.at("person"));
  auto t = back.find_table("t");
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->columns.size(), 3u);
  EXPECT_EQ(t->columns[1].type, ks.types.at("address").frozen());
  EXPECT_EQ(t->columns[2].type, ks.types.at("person").frozen());
  EXPECT_EQ(t->next_column_id, 4u);
  ASSERT_EQ(t->dropped_columns.size(), 1u);
  const DroppedColumn& d = t->dropped_columns.at("v");
  EXPECT_EQ(d.type.cql_name(), "tuple<text, int>");
  EXPECT_EQ(d.kind, ColumnKind::kRegular);
  EXPECT_EQ(d.dropped_time, 1700000000000000);
  EXPECT_EQ(t->layout->dropped_column_ids, (std::vector<uint32_t>{2}));
}

TEST(SchemaTest, RecordsWithoutTypesStillDecode) {
  // A record as written before user types and dropped columns existed.
  const std::string old =
      R"({"format":1,"name":"old","durable_writes":true,"replication":{"class":"org.apache.cassandra.locator.SimpleStrategy","replication_factor":"1"},)"
      R"("tables":[{"name":"t","id":"5a1c395e-b41f-11e5-9f22-ba0be0483c18","next_column_id":2,"params":)"
      R"({"additional_write_policy":"99p","bloom_filter_fp_chance":0.01,"caching":{"keys":"ALL","rows_per_partition":"NONE"},)"
      R"("cdc":false,"comment":"","compaction":{"class":"x"},"compression":{},"crc_check_chance":1.0,"default_time_to_live":0,)"
      R"("gc_grace_seconds":864000,"max_index_interval":2048,"memtable_flush_period_in_ms":0,"min_index_interval":128,)"
      R"("read_repair":"BLOCKING","speculative_retry":"99p"},"columns":[{"name":"k","type":"int","kind":"partition_key",)"
      R"("position":0,"descending":false,"id":0},{"name":"v","type":"text","kind":"regular","position":-1,"descending":false,"id":1}]}]})";
  KeyspaceDef ks = decode_keyspace(old);
  EXPECT_TRUE(ks.types.empty());
  auto t = ks.find_table("t");
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(t->dropped_columns.empty());
  EXPECT_TRUE(t->layout->dropped_column_ids.empty());
  // Without types, encoding leaves the new keys out.
  std::string again = encode_keyspace(ks);
  EXPECT_EQ(again.find("\"types\""), std::string::npos);
  EXPECT_EQ(again.find("dropped_columns"), std::string::npos);
}

TEST(SchemaTest, DependencyOrderPutsUsedTypesFirst) {
  KeyspaceDef ks = sample_keyspace();
  ks.types["aaa"] = DataType::udt("ks", "aaa", {"p"}, {ks.types["person"].frozen()});
  EXPECT_EQ(types_in_dependency_order(ks), (std::vector<std::string>{"address", "person", "aaa"}));
}

TEST(SchemaTest, ReferencesAndExpansion) {
  KeyspaceDef ks = sample_keyspace();
  const DataType& person = ks.types.at("person");
  EXPECT_TRUE(references_user_type(person, "ks", "address"));
  EXPECT_FALSE(references_user_type(person, "other", "address"));
  EXPECT_TRUE(references_user_type(DataType::list(person.frozen(), true), "ks", "person"));
  EXPECT_EQ(expand_user_types(person.frozen()).cql_name(), "tuple<text, tuple<text, int>>");
  EXPECT_EQ(
      expand_user_types(DataType::map(N(TypeKind::kInt), ks.types.at("address").frozen(), true)).cql_name(),
      "frozen<map<int, tuple<text, int>>>");
}

TEST(SchemaTest, RefreshRebuildsUsesOfAnAlteredType) {
  KeyspaceDef ks = sample_keyspace();
  auto before = ks.find_table("t");
  ks.types["address"] = DataType::udt("ks", "address", {"street", "zip", "city"},
                                      {N(TypeKind::kText), N(TypeKind::kInt), N(TypeKind::kText)});
  refresh_user_types(ks);
  EXPECT_EQ(ks.types.at("person").params()[1].field_names().size(), 3u);
  auto t = ks.find_table("t");
  EXPECT_NE(t, before);  // copied, never mutated in place
  EXPECT_EQ(before->columns[1].type.field_names().size(), 2u);
  EXPECT_EQ(t->columns[1].type.field_names().size(), 3u);
  EXPECT_TRUE(t->columns[1].type.is_frozen());
  EXPECT_EQ(t->columns[2].type.params()[1].field_names().size(), 3u);
  EXPECT_EQ(t->layout->clustering.types[0], t->columns[1].type);
}

TEST(SchemaTest, QualifiedTypeNamesReachTheLookup) {
  KeyspaceDef ks = sample_keyspace();
  std::vector<std::string> asked;
  auto lookup = [&](const std::string& name) -> std::optional<DataType> {
    asked.push_back(name);
    return ks.find_type("address");
  };
  EXPECT_EQ(DataType::parse("frozen<KS . Address>", lookup), ks.types.at("address").frozen());
  EXPECT_EQ(DataType::parse("list<frozen<\"Ks\".\"A b\">>", lookup).params()[0],
            ks.types.at("address").frozen());
  EXPECT_EQ(DataType::parse("frozen<list.address>", lookup), ks.types.at("address").frozen());
  EXPECT_EQ(asked, (std::vector<std::string>{"ks.address", "Ks.A b", "list.address"}));
  EXPECT_THROW(DataType::parse("ks.", lookup), common::CqlError);
}

}  // namespace
}  // namespace krill::schema
