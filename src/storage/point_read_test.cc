// Reads of tables without clustering columns take the point-lookup path (read_point in
// engine.cc); scans still iterate. Every case here checks that both give the same answer,
// whether the records sit in the memtable, in files, or are split across both.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <thread>

#include "common/murmur3.h"
#include "storage/engine.h"
#include "storage/test_engine.h"

namespace krill::storage {
namespace {

using common::Bytes;

class PointReadTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    dir_ = test_support::fresh_test_dir("krill_point_");
    auto e = Engine::open(test_support::small_engine_options(dir_));
    ASSERT_TRUE(e.is_ok()) << e.status().message();
    engine_ = std::move(e.value());
    layout_ = std::make_shared<TableLayout>();
    layout_->id = "p1";  // no clustering columns
    ASSERT_TRUE(engine_->create_table("p1").is_ok());
  }
  void TearDown() override {
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }

  // With the parameter set, every write is flushed to its own file, so a read merges
  // records from several files instead of the memtable.
  void apply(PartitionWrite w) {
    w.layout = layout_;
    w.token = common::murmur3_token(w.partition_key);
    ASSERT_TRUE(engine_->write({w}, false).is_ok());
    if (GetParam()) {
      ASSERT_TRUE(engine_->flush_table("p1").is_ok());
    }
  }
  void put(const Bytes& pk, uint32_t column, const std::string& v, int64_t ts, int32_t expiry = 0) {
    PartitionWrite w;
    w.partition_key = pk;
    RowWrite r;
    r.fragment.marker = Liveness{ts, 0, 0};
    Cell c;
    c.column_id = column;
    c.timestamp = ts;
    c.value = v;
    if (expiry != 0) {
      c.flags = Cell::kExpiring;
      c.ttl = 10;
      c.local_time = expiry;
      r.fragment.marker = Liveness{ts, 10, expiry};
    }
    r.fragment.cells.push_back(c);
    w.rows.push_back(r);
    apply(w);
  }
  void delete_partition(const Bytes& pk, int64_t ts) {
    PartitionWrite w;
    w.partition_key = pk;
    w.partition_deletion = Deletion{ts, 1};
    apply(w);
  }
  void delete_row(const Bytes& pk, int64_t ts) {
    PartitionWrite w;
    w.partition_key = pk;
    RowWrite r;
    r.fragment.deletion = Deletion{ts, 1};
    w.rows.push_back(r);
    apply(w);
  }

  // Reads `pk` by point lookups and by a scan over the whole ring; both must agree.
  std::optional<RowFragment> read(const Bytes& pk, int32_t now = 100) {
    ReadOptions ro;
    ro.now = now;
    auto point = engine_->read_partition(*layout_, pk, common::murmur3_token(pk), ro);
    EXPECT_TRUE(point.is_ok()) << point.status().message();
    ScanOptions so;
    so.now = now;
    auto scan = engine_->scan(*layout_, so);
    EXPECT_TRUE(scan.is_ok()) << scan.status().message();
    std::optional<RowFragment> from_scan;
    for (auto& p : scan.value().partitions)
      if (p.partition_key == pk && !p.rows.empty()) from_scan = p.rows[0].fragment;
    EXPECT_LE(point.value().rows.size(), 1u);
    EXPECT_FALSE(point.value().static_row.has_value());
    std::optional<RowFragment> from_point;
    if (!point.value().rows.empty()) {
      EXPECT_TRUE(point.value().rows[0].clustering.empty());
      from_point = point.value().rows[0].fragment;
    }
    EXPECT_EQ(from_point.has_value(), from_scan.has_value()) << "point read and scan disagree on " << pk;
    if (from_point && from_scan) {
      EXPECT_EQ(from_point->cells.size(), from_scan->cells.size());
      EXPECT_EQ(from_point->marker.has_value(), from_scan->marker.has_value());
    }
    return from_point;
  }

  static std::string value_of(const RowFragment& row, uint32_t column) {
    for (const auto& c : row.cells)
      if (c.column_id == column) return c.value;
    return "<none>";
  }

  std::filesystem::path dir_;
  std::unique_ptr<Engine> engine_;
  std::shared_ptr<TableLayout> layout_;
};

TEST_P(PointReadTest, AbsentPartitionIsEmpty) {
  put("other", 1, "x", 10);
  EXPECT_FALSE(read("missing").has_value());
}

TEST_P(PointReadTest, CellsOfSeveralWritesMergeNewestFirst) {
  put("k", 1, "old", 10);
  put("k", 2, "b", 11);
  put("k", 1, "new", 20);
  put("k", 1, "late-but-older", 15);
  auto row = read("k");
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(value_of(*row, 1), "new");
  EXPECT_EQ(value_of(*row, 2), "b");
}

TEST_P(PointReadTest, PartitionDeletionShadowsOlderWritesOnly) {
  put("k", 1, "a", 10);
  delete_partition("k", 15);
  EXPECT_FALSE(read("k").has_value());
  put("k", 2, "b", 20);
  auto row = read("k");
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(value_of(*row, 1), "<none>");
  EXPECT_EQ(value_of(*row, 2), "b");
}

TEST_P(PointReadTest, RowDeletion) {
  put("k", 1, "a", 10);
  delete_row("k", 12);
  EXPECT_FALSE(read("k").has_value());
}

TEST_P(PointReadTest, ExpiredCellsAndMarkerAreDropped) {
  put("k", 1, "ttl", 10, /*expiry=*/50);
  ASSERT_TRUE(read("k", 40).has_value());
  EXPECT_FALSE(read("k", 60).has_value());
}

TEST_P(PointReadTest, DroppedColumnsAreNotReturned) {
  put("k", 1, "a", 10);
  put("k", 2, "b", 10);
  layout_->dropped_column_ids = {2};
  auto row = read("k");
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(value_of(*row, 1), "a");
  EXPECT_EQ(value_of(*row, 2), "<none>");
}

TEST_P(PointReadTest, PagingPositionPastTheOnlyRowFallsBackToTheIterator) {
  put("k", 1, "a", 10);
  ReadOptions ro;
  ro.now = 100;
  ro.after_clustering = std::vector<Bytes>{};
  auto r = engine_->read_partition(*layout_, "k", common::murmur3_token("k"), ro);
  ASSERT_TRUE(r.is_ok());
  EXPECT_TRUE(r.value().rows.empty());
  ro.after_clustering.reset();
  ro.row_limit = 0;
  r = engine_->read_partition(*layout_, "k", common::murmur3_token("k"), ro);
  ASSERT_TRUE(r.is_ok());
  EXPECT_TRUE(r.value().rows.empty());
}

TEST_P(PointReadTest, ManyPartitionsAcrossFiles) {
  for (int i = 0; i < 50; ++i) put("p" + std::to_string(i), 1, "v" + std::to_string(i), 10 + i);
  for (int i = 0; i < 50; i += 7) delete_partition("p" + std::to_string(i), 100);
  for (int i = 0; i < 50; ++i) {
    auto row = read("p" + std::to_string(i));
    EXPECT_EQ(row.has_value(), i % 7 != 0) << i;
    if (row) {
      EXPECT_EQ(value_of(*row, 1), "v" + std::to_string(i));
    }
  }
}

// A cache-only read (for reactor threads) of data on disk answers from memory or says it
// would block; it never answers wrongly. Checked on a cold cache after a reopen.
TEST_P(PointReadTest, CacheOnlyReadsAnswerRightlyOrWouldBlock) {
  const std::string big(8192, 'x');
  for (int i = 0; i < 300; ++i) put("k" + std::to_string(i), 1, big + std::to_string(i), 10);
  ASSERT_TRUE(engine_->flush_table("p1").is_ok());
  engine_.reset();
  EngineOptions o;
  o.data_dir = dir_.string();
  o.block_cache_bytes = 1 << 20;
  o.write_buffer_bytes = 1 << 20;
  auto e = Engine::open(o);
  ASSERT_TRUE(e.is_ok()) << e.status().message();
  engine_ = std::move(e.value());
  int blocked = 0;
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 300; ++i) {
      const Bytes pk = "k" + std::to_string(i);
      ReadOptions ro;
      ro.now = 100;
      ro.cache_only = true;
      auto r = engine_->read_partition(*layout_, pk, common::murmur3_token(pk), ro);
      if (!r.is_ok()) {
        ASSERT_TRUE(r.status().is_would_block()) << r.status().message();
        ++blocked;
        ro.cache_only = false;
        r = engine_->read_partition(*layout_, pk, common::murmur3_token(pk), ro);
        ASSERT_TRUE(r.is_ok()) << r.status().message();
      }
      ASSERT_EQ(r.value().rows.size(), 1u) << pk;
      EXPECT_EQ(value_of(r.value().rows[0].fragment, 1), big + std::to_string(i));
    }
  }
  EXPECT_GT(blocked, 0);  // the cold cache did make some reads wait
  const Bytes absent = "absent";
  ReadOptions ro;
  ro.cache_only = true;
  auto r = engine_->read_partition(*layout_, absent, common::murmur3_token(absent), ro);
  ASSERT_TRUE(r.is_ok() || r.status().is_would_block());
  if (r.is_ok()) {
    EXPECT_TRUE(r.value().rows.empty());
  }
}

// A partition deletion and a write applied together (one batch, as a BATCH of DELETE and
// INSERT) are seen together by a concurrent point read: never the old header with the new
// row, which would bring back cells the deletion removed.
TEST_P(PointReadTest, ConcurrentReadsSeeDeletionAndWriteTogether) {
  std::atomic<bool> done{false};
  std::atomic<int> anomalies{0};
  std::atomic<int> reads{0};
  std::thread reader([&] {
    while (!done.load()) {
      for (bool cache_only : {true, false}) {
        ReadOptions ro;
        ro.now = 100;
        ro.cache_only = cache_only;
        auto r = engine_->read_partition(*layout_, "k", common::murmur3_token("k"), ro);
        if (!r.is_ok()) continue;
        reads.fetch_add(1);
        // Each generation deletes the partition and writes one cell in its own column:
        // exactly one cell is ever live.
        if (!r.value().rows.empty() && r.value().rows[0].fragment.cells.size() != 1) anomalies.fetch_add(1);
      }
    }
  });
  for (int i = 1; i <= 3000; ++i) {
    PartitionWrite w;
    w.layout = layout_;
    w.partition_key = "k";
    w.token = common::murmur3_token("k");
    w.partition_deletion = Deletion{10LL * i - 1, 1};
    RowWrite r;
    r.fragment.marker = Liveness{10LL * i, 0, 0};
    Cell c;
    c.column_id = static_cast<uint32_t>(i % 5) + 1;
    c.timestamp = 10LL * i;
    c.value = "v" + std::to_string(i);
    r.fragment.cells.push_back(c);
    w.rows.push_back(r);
    ASSERT_TRUE(engine_->write({w}, false).is_ok());
  }
  done = true;
  reader.join();
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(anomalies.load(), 0);
}

INSTANTIATE_TEST_SUITE_P(MemtableOrFiles, PointReadTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Files" : "Memtable"; });

}  // namespace
}  // namespace krill::storage
