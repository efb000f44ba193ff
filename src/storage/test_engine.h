// Test support for storage unit tests (not linked into krill): a fresh directory per test
// and the small engine options the tests open engines with.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "storage/engine.h"

namespace krill::storage::test_support {

// An empty directory under gtest's temp dir, named `prefix` + the running test's name
// (parameterised names have their '/' replaced). Whatever was there is removed.
inline std::filesystem::path fresh_test_dir(const std::string& prefix) {
  std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::replace(name.begin(), name.end(), '/', '_');
  auto dir = std::filesystem::path(::testing::TempDir()) / (prefix + name);
  std::filesystem::remove_all(dir);
  return dir;
}

// Options for an engine in `dir` with an 8 MiB block cache and 8 MiB of memtables.
inline EngineOptions small_engine_options(const std::filesystem::path& dir) {
  EngineOptions o;
  o.data_dir = dir.string();
  o.block_cache_bytes = 8 << 20;
  o.write_buffer_bytes = 8 << 20;
  return o;
}

}  // namespace krill::storage::test_support
