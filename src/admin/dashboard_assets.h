// The web dashboard's files (src/admin/dashboard/), embedded in the binary at build time by
// src/admin/dashboard/embed.cmake; dashboard.cc serves them at / and /ui/<name>.
#pragma once

#include <cstddef>

namespace krill::admin {

struct DashboardAsset {
  const char* name;  // file name, e.g. "index.html"
  const char* content_type;
  const unsigned char* data;
  size_t size;
};

extern const DashboardAsset kDashboardAssets[];
extern const size_t kDashboardAssetCount;

}  // namespace krill::admin
