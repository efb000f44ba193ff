// Simulated power loss (reliability plan T2, the RocksDB method): writers record every
// acknowledged write; the power is cut at a random moment (power_loss_fs.h drops what no
// fsync made durable, or keeps a random torn part of it); the engine reopens on the real
// file system and every acknowledged write is looked for.
//   batch, group: no acknowledged write may be lost.
//   periodic: only writes acknowledged after the last WAL sync may be lost, i.e. within
//   commitlog_sync_period of the cut.
// Small memtables make flushes (SST files, MANIFEST updates) happen during the run, so cuts
// also land in the middle of those.
#include <gtest/gtest.h>

#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>

#include "common/murmur3.h"
#include "common/values.h"
#include "storage/engine.h"
#include "storage/power_loss_fs.h"

namespace krill::storage {
namespace {

using Clock = testing::PowerLossFs::Clock;

constexpr int kWriters = 4;
constexpr int kCuts = 6;  // per mode; half drop every unsynced byte, half keep a torn tail
constexpr int kSyncPeriodMs = 40;

struct Ack {
  int64_t key;
  Clock::time_point at;
};

class PowerLossTest : public ::testing::TestWithParam<CommitlogSync> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("krill_power_" + std::to_string(static_cast<int>(GetParam())));
    std::filesystem::remove_all(dir_);
    layout_ = std::make_shared<TableLayout>();
    layout_->id = "t1";
    layout_->clustering = ClusteringLayout{{}, {}};
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<Engine> open(rocksdb::Env* env) {
    EngineOptions o;
    o.data_dir = dir_.string();
    o.block_cache_bytes = 4 << 20;
    o.write_buffer_bytes = 1 << 20;  // 256 KiB memtables: flushes during the run
    o.commitlog_sync = GetParam();
    o.commitlog_sync_period_ms = kSyncPeriodMs;
    o.commitlog_sync_group_window_ms = 2;
    o.env = env;
    auto e = Engine::open(o);
    EXPECT_TRUE(e.is_ok()) << e.status().message();
    if (!e.is_ok()) return nullptr;
    EXPECT_TRUE(e.value()->create_table("t1").is_ok());
    return std::move(e.value());
  }

  PartitionWrite write_of(int64_t key) {
    PartitionWrite w;
    w.layout = layout_;
    w.partition_key = common::encode_bigint(key);
    w.token = common::murmur3_token(w.partition_key);
    RowWrite r;
    r.fragment.marker = Liveness{1, 0, 0};
    Cell c;
    c.column_id = 1;
    c.timestamp = 1;
    c.value = std::string(200, 'v');
    r.fragment.cells.push_back(c);
    w.rows.push_back(r);
    return w;
  }

  bool present(Engine& e, int64_t key) {
    auto pk = common::encode_bigint(key);
    auto r = e.read_partition(*layout_, pk, common::murmur3_token(pk), ReadOptions{});
    return r.is_ok() && !r.value().rows.empty();
  }

  std::filesystem::path dir_;
  std::shared_ptr<TableLayout> layout_;
};

TEST_P(PowerLossTest, AcknowledgedWritesSurvive) {
  const bool periodic = GetParam() == CommitlogSync::kPeriodic;
  std::mt19937_64 rng(20261123 + static_cast<int>(GetParam()));
  std::atomic<int64_t> next_key{0};
  uint64_t acked_total = 0;
  uint64_t lost_total = 0;
  uint64_t lost_outside_window = 0;
  double worst_loss_age_ms = 0;
  int files_changed = 0;

  for (int cut = 0; cut < kCuts; ++cut) {
    testing::PowerLossFs fs;
    auto engine = open(fs.env());
    ASSERT_TRUE(engine);
    std::vector<std::vector<Ack>> acks(kWriters);
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w] {
        // Bounded: stops at the cut, or after 200k writes.
        for (int i = 0; i < 200000 && !stop.load(); ++i) {
          int64_t key = next_key.fetch_add(1);
          if (engine->write({write_of(key)}, false).is_ok()) {
            acks[w].push_back({key, Clock::now()});
          }
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30 + rng() % 170));
    auto cut_at = Clock::now();
    fs.cut_power();
    stop = true;
    for (auto& t : writers) t.join();
    auto durable_before = fs.last_wal_sync_start();
    engine.reset();
    auto loss =
        cut % 2 == 0 ? testing::PowerLossFs::Loss::kDropUnsynced : testing::PowerLossFs::Loss::kRandomTail;
    files_changed += fs.apply_power_loss(loss, rng());

    auto reopened = open(nullptr);
    ASSERT_TRUE(reopened) << "the database did not reopen after power cut " << cut;
    for (const auto& per_writer : acks) {
      for (const auto& a : per_writer) {
        if (a.at >= cut_at) continue;  // after the cut: never acknowledged on a real machine
        ++acked_total;
        if (present(*reopened, a.key)) continue;
        ++lost_total;
        if (!periodic || a.at < durable_before) ++lost_outside_window;
        double age = std::chrono::duration<double, std::milli>(cut_at - a.at).count();
        worst_loss_age_ms = std::max(worst_loss_age_ms, age);
      }
    }
  }
  std::printf("power loss (%s): acknowledged writes lost %" PRIu64 " of %" PRIu64
              " over %d cuts; "
              "lost outside the sync window %" PRIu64
              "; oldest loss %.1f ms before the cut "
              "(window %d ms); %d files truncated or removed\n",
              periodic                              ? "periodic"
              : GetParam() == CommitlogSync::kBatch ? "batch"
                                                    : "group",
              lost_total, acked_total, kCuts, lost_outside_window, worst_loss_age_ms, kSyncPeriodMs,
              files_changed);
  EXPECT_GT(acked_total, 0u);
  EXPECT_GT(files_changed, 0);  // the cuts did take something away
  EXPECT_EQ(lost_outside_window, 0u);
  if (!periodic) {
    EXPECT_EQ(lost_total, 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, PowerLossTest,
                         ::testing::Values(CommitlogSync::kPeriodic, CommitlogSync::kBatch,
                                           CommitlogSync::kGroup),
                         [](const auto& info) {
                           switch (info.param) {
                             case CommitlogSync::kPeriodic:
                               return std::string("periodic");
                             case CommitlogSync::kBatch:
                               return std::string("batch");
                             default:
                               return std::string("group");
                           }
                         });

}  // namespace
}  // namespace krill::storage
