#include "admin/api.h"

#include <gtest/gtest.h>

namespace krill::admin {
namespace {

NodeView view(Metrics* m, bool* ready, std::string* flushed) {
  NodeView v;
  v.cluster_name = "c1";
  v.release_version = "4.0.11";
  v.host_id = "11111111-2222-3333-4444-555555555555";
  v.tokens = {-5, 7};
  v.data_dir = "/tmp";
  v.metrics = m;
  v.ready = [ready] { return *ready; };
  v.keyspaces = [] { return std::vector<std::string>{"ks", "system"}; };
  v.tables = [] { return std::vector<std::pair<std::string, std::string>>{{"ks", "t"}}; };
  v.flush = [flushed](const std::string& ks) -> std::string {
    if (ks == "nope") return "unknown keyspace nope";
    *flushed = ks.empty() ? "*" : ks;
    return "";
  };
  v.live_data_bytes = [] { return uint64_t{1234}; };
  return v;
}

HttpResponse call(const AdminApi& api, const std::string& method, const std::string& path) {
  return api.handle(HttpRequest{method, path, "", ""});
}

TEST(AdminApi, HealthAndReadiness) {
  Metrics m;
  bool ready = false;
  std::string flushed;
  AdminApi api(view(&m, &ready, &flushed));
  EXPECT_EQ(call(api, "GET", "/healthz").body, "ok\n");
  EXPECT_EQ(call(api, "GET", "/readyz").status, 503);
  ready = true;
  EXPECT_EQ(call(api, "GET", "/readyz").status, 200);
  EXPECT_TRUE(AdminApi::runs_inline(HttpRequest{"GET", "/healthz", "", ""}));
  EXPECT_FALSE(AdminApi::runs_inline(HttpRequest{"GET", "/metrics", "", ""}));
}

TEST(AdminApi, StorageServiceJson) {
  Metrics m;
  bool ready = true;
  std::string flushed;
  AdminApi api(view(&m, &ready, &flushed));
  EXPECT_EQ(call(api, "GET", "/storage_service/cluster_name").body, "\"c1\"");
  EXPECT_EQ(call(api, "GET", "/storage_service/hostid/local").body,
            "\"11111111-2222-3333-4444-555555555555\"");
  EXPECT_EQ(call(api, "GET", "/storage_service/tokens").body, "[\"-5\",\"7\"]");
  EXPECT_EQ(call(api, "GET", "/storage_service/keyspaces").body, "[\"ks\",\"system\"]");
  EXPECT_EQ(call(api, "GET", "/storage_service/native_transport").body, "true");
  EXPECT_EQ(call(api, "GET", "/column_family/").body,
            "[{\"ks\":\"ks\",\"cf\":\"t\",\"type\":\"ColumnFamilies\"}]");
  EXPECT_EQ(call(api, "GET", "/no/such").status, 404);
  EXPECT_EQ(call(api, "PUT", "/storage_service/keyspaces").status, 405);
}

TEST(AdminApi, Flush) {
  Metrics m;
  bool ready = true;
  std::string flushed;
  AdminApi api(view(&m, &ready, &flushed));
  EXPECT_EQ(call(api, "POST", "/storage_service/keyspace_flush/ks").status, 200);
  EXPECT_EQ(flushed, "ks");
  EXPECT_EQ(call(api, "POST", "/storage_service/keyspace_flush/nope").status, 400);
  EXPECT_EQ(call(api, "POST", "/storage_service/flush").status, 200);
  EXPECT_EQ(flushed, "*");
  EXPECT_EQ(call(api, "GET", "/storage_service/keyspace_flush/ks").status, 404);
}

}  // namespace
}  // namespace krill::admin
