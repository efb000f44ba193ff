#include "storage/engine.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/murmur3.h"
#include "common/values.h"
#include "storage/test_engine.h"

namespace krill::storage {
namespace {

using common::Bytes;
using common::DataType;
using common::TypeKind;

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test_support::fresh_test_dir("krill_engine_");
    open();
    layout_ = std::make_shared<TableLayout>();
    layout_->id = "t1";
    layout_->clustering = ClusteringLayout{{DataType::native(TypeKind::kInt)}, {false}};
    ASSERT_TRUE(engine_->create_table("t1").is_ok());
  }
  void TearDown() override {
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }
  void open() {
    auto e = Engine::open(test_support::small_engine_options(dir_));
    ASSERT_TRUE(e.is_ok()) << e.status().message();
    engine_ = std::move(e.value());
  }

  void put(const Bytes& pk, int32_t ck, const std::string& v, int64_t ts) {
    PartitionWrite w;
    w.layout = layout_;
    w.partition_key = pk;
    w.token = common::murmur3_token(pk);
    RowWrite r;
    r.clustering = {common::encode_int(ck)};
    r.fragment.marker = Liveness{ts, 0, 0};
    Cell c;
    c.column_id = 1;
    c.timestamp = ts;
    c.value = v;
    r.fragment.cells.push_back(c);
    w.rows.push_back(r);
    ASSERT_TRUE(engine_->write({w}, false).is_ok());
  }

  PartitionData read(const Bytes& pk, ReadOptions o = {}) {
    auto r = engine_->read_partition(*layout_, pk, common::murmur3_token(pk), o);
    EXPECT_TRUE(r.is_ok());
    return r.value();
  }

  std::filesystem::path dir_;
  std::unique_ptr<Engine> engine_;
  std::shared_ptr<TableLayout> layout_;
};

TEST_F(EngineTest, WritesAreReadBackInClusteringOrder) {
  for (int i : {5, -3, 10, 0}) put("p", i, "v" + std::to_string(i), 1);
  auto pd = read("p");
  ASSERT_EQ(pd.rows.size(), 4u);
  EXPECT_EQ(common::decode_int(pd.rows[0].clustering[0]), -3);
  EXPECT_EQ(common::decode_int(pd.rows[3].clustering[0]), 10);
  ReadOptions rev;
  rev.reversed = true;
  rev.row_limit = 2;
  auto r = read("p", rev);
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(common::decode_int(r.rows[0].clustering[0]), 10);
  EXPECT_EQ(common::decode_int(r.rows[1].clustering[0]), 5);
}

TEST_F(EngineTest, LastWriteWinsRegardlessOfArrivalOrder) {
  put("p", 1, "newer", 20);
  put("p", 1, "older", 10);
  auto pd = read("p");
  ASSERT_EQ(pd.rows.size(), 1u);
  EXPECT_EQ(pd.rows[0].fragment.cells[0].value, "newer");
}

TEST_F(EngineTest, SlicesAndResume) {
  for (int i = 0; i < 10; ++i) put("p", i, "v", 1);
  ReadOptions o;
  Slice s;
  s.start = SliceBound{{common::encode_int(2)}, false};
  s.end = SliceBound{{common::encode_int(6)}, true};
  o.slices = {s};
  auto pd = read("p", o);
  ASSERT_EQ(pd.rows.size(), 4u);  // 3..6
  EXPECT_EQ(common::decode_int(pd.rows[0].clustering[0]), 3);
  o.after_clustering = std::vector<Bytes>{common::encode_int(4)};
  pd = read("p", o);
  ASSERT_EQ(pd.rows.size(), 2u);  // 5, 6
  EXPECT_EQ(common::decode_int(pd.rows[0].clustering[0]), 5);
}

TEST_F(EngineTest, PartitionAndRowDeletions) {
  put("p", 1, "a", 10);
  put("p", 2, "b", 10);
  PartitionWrite del;
  del.layout = layout_;
  del.partition_key = "p";
  del.token = common::murmur3_token("p");
  RowWrite rd;
  rd.clustering = {common::encode_int(1)};
  rd.fragment.deletion = Deletion{11, 0};
  del.rows.push_back(rd);
  ASSERT_TRUE(engine_->write({del}, false).is_ok());
  EXPECT_EQ(read("p").rows.size(), 1u);
  PartitionWrite pdel;
  pdel.layout = layout_;
  pdel.partition_key = "p";
  pdel.token = common::murmur3_token("p");
  pdel.partition_deletion = Deletion{12, 0};
  ASSERT_TRUE(engine_->write({pdel}, false).is_ok());
  EXPECT_TRUE(read("p").rows.empty());
  put("p", 3, "after", 13);  // newer data survives the older partition deletion
  EXPECT_EQ(read("p").rows.size(), 1u);
}

TEST_F(EngineTest, RangeTombstonesDeleteOnlyTheirRangeAndOnlyOlderData) {
  for (int i = 0; i < 10; ++i) put("p", i, "v", 10);
  PartitionWrite w;
  w.layout = layout_;
  w.partition_key = "p";
  w.token = common::murmur3_token("p");
  // Deletes 3 < ck <= 6 at timestamp 20.
  w.range_tombstones.push_back(RangeTombstone{SliceBound{{common::encode_int(3)}, false},
                                              SliceBound{{common::encode_int(6)}, true}, Deletion{20, 0}});
  // An older deletion of everything from 8 on changes nothing.
  w.range_tombstones.push_back(
      RangeTombstone{SliceBound{{common::encode_int(8)}, true}, SliceBound{}, Deletion{5, 0}});
  ASSERT_TRUE(engine_->write({w}, false).is_ok());
  put("p", 5, "rewritten", 30);  // newer than the deletion: visible again
  auto pd = read("p");
  std::vector<int> cks;
  for (const auto& r : pd.rows) cks.push_back(common::decode_int(r.clustering[0]));
  EXPECT_EQ(cks, (std::vector<int>{0, 1, 2, 3, 5, 7, 8, 9}));
  engine_.reset();
  open();
  EXPECT_EQ(read("p").rows.size(), 8u);
}

TEST_F(EngineTest, DataSurvivesReopen) {
  put("p", 1, "durable", 1);
  ASSERT_TRUE(engine_->put_meta("schema/x", "y", true).is_ok());
  engine_.reset();
  open();
  auto pd = read("p");
  ASSERT_EQ(pd.rows.size(), 1u);
  EXPECT_EQ(pd.rows[0].fragment.cells[0].value, "durable");
  auto meta = engine_->scan_meta("schema/");
  ASSERT_TRUE(meta.is_ok());
  ASSERT_EQ(meta.value().size(), 1u);
  EXPECT_EQ(meta.value()[0].second, "y");
}

TEST_F(EngineTest, ScanWalksPartitionsInTokenOrderWithResume) {
  for (int p = 0; p < 20; ++p) put("key" + std::to_string(p), 0, "v", 1);
  ScanOptions so;
  so.partition_limit = 7;
  std::vector<PartitionData> all;
  for (int round = 0; round < 10; ++round) {
    auto r = engine_->scan(*layout_, so);
    ASSERT_TRUE(r.is_ok());
    for (auto& p : r.value().partitions) all.push_back(p);
    if (!r.value().more) break;
    so.start.token = all.back().token;
    so.start.after_partition_key = all.back().partition_key;
  }
  ASSERT_EQ(all.size(), 20u);
  for (size_t i = 1; i < all.size(); ++i) EXPECT_LE(all[i - 1].token, all[i].token);
}

TEST_F(EngineTest, TruncateAndDropRemoveData) {
  put("p", 1, "a", 1);
  ASSERT_TRUE(engine_->truncate_table("t1").is_ok());
  EXPECT_TRUE(read("p").rows.empty());
  ASSERT_TRUE(engine_->drop_table("t1").is_ok());
  auto r = engine_->read_partition(*layout_, "p", common::murmur3_token("p"), {});
  EXPECT_FALSE(r.is_ok());
}

TEST_F(EngineTest, CompactionStyleIsRecordedAndAppliedAtOpen) {
  CompactionSettings tiered;
  tiered.style = CompactionSettings::Style::kTiered;
  tiered.min_threshold = 2;
  // Recorded before the column family exists: created in that style.
  auto r = engine_->set_table_compaction("t2", tiered);
  ASSERT_TRUE(r.is_ok() && r.value());
  ASSERT_TRUE(engine_->create_table("t2").is_ok());
  auto stats = engine_->table_stats("t2");
  ASSERT_TRUE(stats.is_ok());
  EXPECT_EQ(stats.value().compaction_style, "tiered");

  // Write through several flushes in the leveled table, then switch it to tiered: the style
  // waits for the next open; the data reads back in both styles and after compaction.
  for (int round = 0; round < 4; ++round) {
    for (int i = 0; i < 50; ++i) put("p" + std::to_string(i), round, "v", 1 + round);
    ASSERT_TRUE(engine_->flush_table("t1").is_ok());
  }
  r = engine_->set_table_compaction("t1", tiered);
  ASSERT_TRUE(r.is_ok());
  EXPECT_FALSE(r.value());  // a style change applies at the next open
  stats = engine_->table_stats("t1");
  EXPECT_EQ(stats.value().compaction_style, "leveled");
  EXPECT_EQ(stats.value().configured_compaction_style, "tiered");
  // Thresholds of the running style change at once.
  tiered.min_threshold = 3;
  tiered.max_threshold = 8;
  r = engine_->set_table_compaction("t2", tiered);
  ASSERT_TRUE(r.is_ok());
  EXPECT_TRUE(r.value());

  engine_.reset();
  open();
  stats = engine_->table_stats("t1");
  EXPECT_EQ(stats.value().compaction_style, "tiered");
  EXPECT_EQ(read("p7").rows.size(), 4u);
  put("p7", 9, "after", 10);
  ASSERT_TRUE(engine_->compact_table("t1").is_ok());
  EXPECT_EQ(read("p7").rows.size(), 5u);

  // And back to leveled.
  r = engine_->set_table_compaction("t1", CompactionSettings{});
  ASSERT_TRUE(r.is_ok());
  engine_.reset();
  open();
  EXPECT_EQ(engine_->table_stats("t1").value().compaction_style, "leveled");
  EXPECT_EQ(engine_->table_stats("t2").value().compaction_style, "tiered");
  ASSERT_TRUE(engine_->compact_table("t1").is_ok());
  EXPECT_EQ(read("p7").rows.size(), 5u);
  EXPECT_EQ(read("p49").rows.size(), 4u);
}

// Cassandra accepts any min_threshold >= 2; RocksDB aborts the process if its compaction
// trigger passes its write-slowdown trigger (20), so both move together.
TEST_F(EngineTest, LargeTieredThresholdsApplyToAnOpenTable) {
  CompactionSettings tiered;
  tiered.style = CompactionSettings::Style::kTiered;
  ASSERT_TRUE(engine_->set_table_compaction("t2", tiered).is_ok());
  ASSERT_TRUE(engine_->create_table("t2").is_ok());
  tiered.min_threshold = 32;
  tiered.max_threshold = 64;
  auto r = engine_->set_table_compaction("t2", tiered);
  ASSERT_TRUE(r.is_ok());
  EXPECT_TRUE(r.value());
  engine_.reset();
  open();  // and at open
  EXPECT_EQ(engine_->table_stats("t2").value().compaction_style, "tiered");
}

// Cache-only reads through the iterator (tables with clustering columns): right rows, or
// would_block, never an error or a partial partition, on a cold cache.
TEST_F(EngineTest, CacheOnlyPartitionReadsAnswerRightlyOrWouldBlock) {
  const std::string big(4096, 'y');
  for (int p = 0; p < 60; ++p)
    for (int c = 0; c < 5; ++c) put("p" + std::to_string(p), c, big + std::to_string(c), 1);
  ASSERT_TRUE(engine_->flush_table("t1").is_ok());
  engine_.reset();
  open();  // an empty block cache
  int blocked = 0;
  for (int round = 0; round < 2; ++round) {
    for (int p = 0; p < 60; ++p) {
      const Bytes pk = "p" + std::to_string(p);
      ReadOptions o;
      o.cache_only = true;
      auto r = engine_->read_partition(*layout_, pk, common::murmur3_token(pk), o);
      if (!r.is_ok()) {
        ASSERT_TRUE(r.status().is_would_block()) << r.status().message();
        ++blocked;
        continue;
      }
      ASSERT_EQ(r.value().rows.size(), 5u) << pk;
      EXPECT_EQ(r.value().rows[4].fragment.cells[0].value, big + "4");
    }
    for (int p = 0; p < 60; ++p) read("p" + std::to_string(p));  // warms the cache
  }
  EXPECT_GT(blocked, 0);
}

TEST_F(EngineTest, MalformedCompactionFileFailsOpenWithItsName) {
  engine_.reset();
  {
    std::ofstream f(dir_ / "db" / "KRILL-COMPACTION");
    f << "t1 spiral 3\n";
  }
  EngineOptions o;
  o.data_dir = dir_.string();
  auto e = Engine::open(o);
  ASSERT_FALSE(e.is_ok());
  EXPECT_NE(e.status().message().find("KRILL-COMPACTION:1"), std::string::npos) << e.status().message();
}

}  // namespace
}  // namespace krill::storage
