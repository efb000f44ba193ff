#include "tools/load/sorter.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <random>

namespace krill::tools::load {
namespace {

class SorterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("krill-sorter-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Adds `n` random keys (with repeats) and checks merge() against a std::map where the
  // last value added wins, for every split of the key space.
  void check(uint64_t memory, int n, int expect_min_runs) {
    ExternalSorter sorter(dir_.string(), memory);
    std::map<std::string, std::string> expected;
    std::mt19937_64 rng(42);
    for (int i = 0; i < n; ++i) {
      uint64_t k = rng() % static_cast<uint64_t>(n / 2 + 1);  // about half the keys repeat
      std::string key(8, '\0');
      uint64_t h = k * 0x9E3779B97F4A7C15ull;  // spread over every slice
      for (int b = 0; b < 8; ++b) key[b] = static_cast<char>(h >> (56 - 8 * b));
      key += "k" + std::to_string(k);
      std::string value = "v" + std::to_string(i) + std::string(i % 7, 'x');
      ASSERT_TRUE(sorter.add(key, value).is_ok());
      expected[key] = value;
    }
    ASSERT_TRUE(sorter.finish().is_ok());
    EXPECT_GE(sorter.runs(), expect_min_runs);
    for (int parts : {1, 2, 4, 16}) {
      std::vector<std::pair<std::string, std::string>> got;
      for (int p = 0; p < parts; ++p) {
        auto st = sorter.merge(p, parts, [&](common::BytesView k, common::BytesView v) {
          got.emplace_back(std::string(k), std::string(v));
          return common::Status::ok();
        });
        ASSERT_TRUE(st.is_ok()) << st.message();
      }
      ASSERT_EQ(got.size(), expected.size()) << parts;
      auto it = expected.begin();
      for (auto& [k, v] : got) {
        ASSERT_EQ(k, it->first);
        ASSERT_EQ(v, it->second);  // the last added value wins
        ++it;
      }
    }
  }

  std::filesystem::path dir_;
};

TEST_F(SorterTest, InMemory) { check(64 << 20, 20000, 0); }

TEST_F(SorterTest, SpillsRunsAndMergesThem) { check(1 << 20, 60000, 3); }

TEST_F(SorterTest, BadPartAndMissingDirectory) {
  ExternalSorter s(dir_.string(), 1 << 20);
  ASSERT_TRUE(s.finish().is_ok());
  auto st = s.merge(0, 3, [](common::BytesView, common::BytesView) { return common::Status::ok(); });
  EXPECT_FALSE(st.is_ok());

  ExternalSorter bad((dir_ / "missing").string(), 1 << 20);
  common::Status failed = common::Status::ok();
  for (int i = 0; i < 50000 && failed.is_ok(); ++i)
    failed = bad.add("key" + std::to_string(i), std::string(40, 'v'));
  EXPECT_FALSE(failed.is_ok());
  EXPECT_NE(failed.message().find("cannot create"), std::string::npos) << failed.message();
}

}  // namespace
}  // namespace krill::tools::load
