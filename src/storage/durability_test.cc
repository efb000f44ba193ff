// Commit-log modes, compaction purging, snapshots and the format version record.
#include <gtest/gtest.h>

#include <atomic>
#include <ctime>
#include <filesystem>
#include <thread>

#include "common/murmur3.h"
#include "common/values.h"
#include "storage/compaction_filter.h"
#include "storage/engine.h"
#include "storage/test_engine.h"
#include "storage/wal_sync.h"

namespace krill::storage {
namespace {

using common::Bytes;
using common::DataType;
using common::TypeKind;

int32_t now_s() { return static_cast<int32_t>(std::time(nullptr)); }

class DurabilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test_support::fresh_test_dir("krill_dur_");
    layout_ = std::make_shared<TableLayout>();
    layout_->id = "t1";
    layout_->clustering = ClusteringLayout{{DataType::native(TypeKind::kInt)}, {false}};
  }
  void TearDown() override {
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }
  common::Status open(CommitlogSync mode = CommitlogSync::kPeriodic) {
    engine_.reset();
    EngineOptions o = test_support::small_engine_options(dir_);
    o.commitlog_sync = mode;
    o.commitlog_sync_group_window_ms = 0;
    auto e = Engine::open(o);
    if (!e.is_ok()) return e.status();
    engine_ = std::move(e.value());
    auto st = engine_->set_table_compaction("t1", compaction_);
    if (!st.is_ok()) return st.status();
    return engine_->create_table("t1");
  }

  PartitionWrite row_write(const Bytes& pk, int32_t ck) {
    PartitionWrite w;
    w.layout = layout_;
    w.partition_key = pk;
    w.token = common::murmur3_token(pk);
    RowWrite r;
    r.clustering = {common::encode_int(ck)};
    w.rows.push_back(r);
    return w;
  }
  void put(const Bytes& pk, int32_t ck, int64_t ts, int32_t ttl = 0) {
    PartitionWrite w = row_write(pk, ck);
    RowFragment& f = w.rows[0].fragment;
    f.marker = Liveness{ts, ttl, ttl ? now_s() - 1 : 0};
    Cell c;
    c.column_id = 1;
    c.timestamp = ts;
    c.value = std::string(100, 'x');
    if (ttl) {
      c.flags = Cell::kExpiring;
      c.ttl = ttl;
      c.local_time = now_s() - 1;  // already expired
    }
    f.cells.push_back(c);
    ASSERT_TRUE(engine_->write({w}, false).is_ok());
  }
  void delete_row(const Bytes& pk, int32_t ck, int64_t ts) {
    PartitionWrite w = row_write(pk, ck);
    w.rows[0].fragment.deletion = Deletion{ts, now_s() - 5};
    ASSERT_TRUE(engine_->write({w}, false).is_ok());
  }
  void delete_partition(const Bytes& pk, int64_t ts) {
    PartitionWrite w = row_write(pk, 0);
    w.rows.clear();
    w.partition_deletion = Deletion{ts, now_s() - 5};
    ASSERT_TRUE(engine_->write({w}, false).is_ok());
  }
  size_t live_rows(const Bytes& pk) {
    ReadOptions o;
    o.now = now_s();
    auto r = engine_->read_partition(*layout_, pk, common::murmur3_token(pk), o);
    EXPECT_TRUE(r.is_ok());
    return r.is_ok() ? r.value().rows.size() : 0;
  }
  Engine::TableStats stats() {
    auto s = engine_->table_stats("t1");
    EXPECT_TRUE(s.is_ok());
    return s.value();
  }

  std::filesystem::path dir_;
  std::unique_ptr<Engine> engine_;
  std::shared_ptr<TableLayout> layout_;
  CompactionSettings compaction_;  // the style t1 is created with
};

TEST(WalSyncerTest, GroupCommitSharesOneFsyncAmongConcurrentWriters) {
  std::atomic<int> in_sync{0};
  WalSyncer syncer(CommitlogSync::kGroup, 1000, 0, [&] {
    in_sync.fetch_add(1);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a slow disk
    return common::Status::ok();
  });
  std::vector<std::thread> writers;
  for (int i = 0; i < 16; ++i) {
    writers.emplace_back([&] {
      for (int j = 0; j < 5; ++j) ASSERT_TRUE(syncer.wait_durable().is_ok());
    });
  }
  for (auto& t : writers) t.join();
  std::printf("group commit: 80 durable writes, %llu fsyncs\n",
              static_cast<unsigned long long>(syncer.sync_count()));
  // 80 durable writes; with 16 writers queuing behind each 20 ms fsync, far fewer fsyncs.
  EXPECT_LT(syncer.sync_count(), 40u);
  EXPECT_GE(syncer.sync_count(), 5u);
}

TEST(WalSyncerTest, FailedFsyncFailsTheWaitersAndStaysFailed) {
  WalSyncer syncer(CommitlogSync::kGroup, 1000, 0, [] { return common::Status::error("EIO"); });
  EXPECT_FALSE(syncer.wait_durable().is_ok());
  EXPECT_NE(syncer.wait_durable().message().find("EIO"), std::string::npos);
}

TEST(WalSyncerTest, PeriodicModeSyncsOnItsTimer) {
  std::atomic<int> n{0};
  WalSyncer syncer(CommitlogSync::kPeriodic, 10, 0, [&] {
    n.fetch_add(1);
    return common::Status::ok();
  });
  EXPECT_TRUE(syncer.wait_durable().is_ok());  // no-op: periodic writers do not wait
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  syncer.stop();
  EXPECT_GE(n.load(), 3);
}

TEST_F(DurabilityTest, EveryModeWritesAndReadsBack) {
  for (auto mode : {CommitlogSync::kPeriodic, CommitlogSync::kBatch, CommitlogSync::kGroup}) {
    ASSERT_TRUE(open(mode).is_ok());
    put("p" + std::string(commitlog_sync_name(mode)), 1, 1);
    EXPECT_EQ(live_rows("p" + std::string(commitlog_sync_name(mode))), 1u);
    if (mode == CommitlogSync::kGroup) {
      EXPECT_GE(engine_->wal_sync_count(), 1u);
    }
  }
}

// Both compaction styles purge the same way: the filter runs in every compaction.
class CompactionPurgeTest : public DurabilityTest,
                            public ::testing::WithParamInterface<CompactionSettings::Style> {};

INSTANTIATE_TEST_SUITE_P(Styles, CompactionPurgeTest,
                         ::testing::Values(CompactionSettings::Style::kLeveled,
                                           CompactionSettings::Style::kTiered));

TEST_P(CompactionPurgeTest, CompactionPurgesTombstonesAndExpiredDataPastGcGrace) {
  compaction_.style = GetParam();
  ASSERT_TRUE(open().is_ok());
  ASSERT_EQ(engine_->table_stats("t1").value().compaction_style, style_name(GetParam()));
  layout_->gc_grace_seconds = 0;
  for (int i = 0; i < 200; ++i) put("dead", i, 10);
  for (int i = 0; i < 200; ++i) delete_row("dead", i, 20);  // row tombstones
  for (int i = 0; i < 200; ++i) put("expired", i, 10, 1);   // TTL already past
  for (int i = 0; i < 200; ++i) put("shadowed", i, 10);
  delete_partition("shadowed", 20);  // other keys than the rows
  for (int i = 0; i < 50; ++i) put("alive", i, 10);
  ASSERT_TRUE(engine_->flush_table("t1").is_ok());
  auto before = stats();
  ASSERT_TRUE(engine_->compact_table("t1").is_ok());
  auto after = stats();
  std::printf("compaction purge (%s): %llu -> %llu keys, %llu -> %llu bytes\n", style_name(GetParam()),
              static_cast<unsigned long long>(before.estimated_keys),
              static_cast<unsigned long long>(after.estimated_keys),
              static_cast<unsigned long long>(before.disk_bytes),
              static_cast<unsigned long long>(after.disk_bytes));
  EXPECT_EQ(after.estimated_keys, 50u);
  EXPECT_LT(after.disk_bytes, before.disk_bytes);
  EXPECT_EQ(live_rows("alive"), 50u);
  EXPECT_EQ(live_rows("dead"), 0u);
  EXPECT_EQ(live_rows("shadowed"), 0u);
  // A write older than the purged partition deletion is visible again: that is what
  // gc_grace_seconds trades (Cassandra behaves the same).
}

TEST_F(DurabilityTest, CompactionKeepsTombstonesWithinGcGrace) {
  ASSERT_TRUE(open().is_ok());
  layout_->gc_grace_seconds = 3600;
  for (int i = 0; i < 100; ++i) put("dead", i, 10);
  for (int i = 0; i < 100; ++i) delete_row("dead", i, 20);
  put("shadowed", 1, 10);
  delete_partition("shadowed", 20);
  ASSERT_TRUE(engine_->compact_table("t1").is_ok());
  // 100 row tombstones + the partition header stay; the shadowed row is dropped.
  EXPECT_EQ(stats().estimated_keys, 101u);
  EXPECT_EQ(live_rows("dead"), 0u);
  put("dead", 1, 15);  // older than the row tombstone: still shadowed
  EXPECT_EQ(live_rows("dead"), 0u);
}

TEST_F(DurabilityTest, PurgingAPartitionDeletionNeverResurrectsUnmergedRows) {
  ASSERT_TRUE(open().is_ok());
  layout_->gc_grace_seconds = 3600;
  put("p", 1, 10);
  delete_partition("p", 20);
  ASSERT_TRUE(engine_->compact_table("t1").is_ok());  // the header is now a stored value
  layout_->gc_grace_seconds = 0;
  for (int i = 0; i < 20; ++i) put("p", i, 15);  // shadowed, written as fresh operands
  ASSERT_TRUE(engine_->compact_table("t1").is_ok());
  EXPECT_EQ(live_rows("p"), 0u);
  EXPECT_EQ(stats().estimated_keys, 0u);
}

TEST_F(DurabilityTest, PurgeRowConvertsExpiredCellsAndDropsDueTombstones) {
  RowFragment row;
  Cell live{1, "", 0, 5, 0, 0, "v"};
  Cell expiring{2, "", Cell::kExpiring, 5, 10, 1000, "v"};
  Cell tomb{3, "", Cell::kTombstone, 5, 0, 1000, ""};
  row.cells = {live, expiring, tomb};
  EXPECT_TRUE(purge_row(row, Deletion{}, 1005, 100, {}));
  ASSERT_EQ(row.cells.size(), 3u);
  EXPECT_TRUE(row.cells[1].flags & Cell::kTombstone);
  EXPECT_TRUE(row.cells[1].value.empty());
  EXPECT_TRUE(purge_row(row, Deletion{}, 1100, 100, {}));
  ASSERT_EQ(row.cells.size(), 1u);
  EXPECT_EQ(row.cells[0].column_id, 1u);
  EXPECT_TRUE(purge_row(row, Deletion{}, 1100, 100, {1}));  // dropped column
  EXPECT_TRUE(row.cells.empty());
}

TEST_F(DurabilityTest, SnapshotsRestoreByCopyingAndAutoSnapshotPrecedesDropAndTruncate) {
  ASSERT_TRUE(open().is_ok());
  put("p", 1, 10);
  ASSERT_TRUE(engine_->snapshot("manual", {}).is_ok());
  EXPECT_FALSE(engine_->snapshot("manual", {}).is_ok());   // tags are unique
  EXPECT_FALSE(engine_->snapshot("../x", {}).is_ok());     // and stay inside snapshots/
  EXPECT_FALSE(engine_->snapshot("s", {"nope"}).is_ok());  // unknown table
  ASSERT_TRUE(engine_->truncate_table("t1").is_ok());
  EXPECT_EQ(live_rows("p"), 0u);
  ASSERT_TRUE(engine_->drop_table("t1").is_ok());
  auto tags = engine_->list_snapshots();
  ASSERT_TRUE(tags.is_ok());
  ASSERT_EQ(tags.value().size(), 3u);
  EXPECT_NE(tags.value()[0].find("-truncated-t1"), std::string::npos);
  EXPECT_NE(tags.value()[1].find("-dropped-t1"), std::string::npos);
  EXPECT_EQ(tags.value()[2], "manual");
  engine_.reset();
  // Restore: replace db/ with the snapshot.
  std::filesystem::remove_all(dir_ / "db");
  std::filesystem::copy(dir_ / "snapshots" / "manual", dir_ / "db", std::filesystem::copy_options::recursive);
  ASSERT_TRUE(open().is_ok());
  EXPECT_EQ(live_rows("p"), 1u);
  ASSERT_TRUE(engine_->clear_snapshot("manual").is_ok());
  EXPECT_EQ(engine_->list_snapshots().value().size(), 2u);
  ASSERT_TRUE(engine_->clear_snapshot("").is_ok());
  EXPECT_TRUE(engine_->list_snapshots().value().empty());
}

TEST_F(DurabilityTest, NewerFormatVersionRefusesToOpen) {
  ASSERT_TRUE(open().is_ok());
  auto v = engine_->scan_meta(kFormatVersionKey);
  ASSERT_TRUE(v.is_ok());
  ASSERT_EQ(v.value().size(), 1u);
  EXPECT_EQ(v.value()[0].second, std::to_string(kStorageFormatVersion));
  ASSERT_TRUE(engine_->put_meta(kFormatVersionKey, std::to_string(kStorageFormatVersion + 1), true).is_ok());
  auto s = open();
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("newer than this binary supports"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace krill::storage
