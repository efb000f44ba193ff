// The operations routes (api_ops.cc, api_tables.cc, dashboard.cc) over a fake NodeOps, and
// the histograms and registry of table_metrics.h.
#include "admin/api_ops.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "admin/api.h"

namespace krill::admin {
namespace {

namespace json = boost::json;

struct FakeOps : NodeOps {
  uint64_t throughput = 64;
  std::vector<std::string> calls;
  std::string tables(const std::string& ks, const std::string& t, std::vector<TableReport>& out) override {
    if (!ks.empty() && ks != "ks") return "unknown keyspace " + ks;
    if (!t.empty() && t != "t") return "unknown table " + ks + "." + t;
    TableReport r;
    r.keyspace = "ks";
    r.table = "t";
    r.id = "id-1";
    r.sstable_count = 3;
    r.live_bytes = 4096;
    r.sstables_per_level = {1, 2};
    out.push_back(r);
    return "";
  }
  std::string flush(const std::string& ks, const std::vector<std::string>& t) override {
    calls.push_back("flush " + ks + " " + std::to_string(t.size()));
    return ks == "nope" ? "unknown keyspace nope" : "";
  }
  std::string compact(const std::string& ks, const std::vector<std::string>& t) override {
    calls.push_back("compact " + ks + (t.empty() ? "" : " " + t[0]));
    return "";
  }
  std::string snapshot(const std::string& tag, const std::vector<std::string>& kss,
                       const std::string& t) override {
    calls.push_back("snapshot " + tag + " " + std::to_string(kss.size()) + " " + t);
    return tag == "dup" ? "invalid request: snapshot 'dup' already exists" : "";
  }
  std::string snapshots(std::vector<SnapshotReport>& out) override {
    SnapshotReport s;
    s.tag = "s1";
    s.size_on_disk = 100;
    s.true_size = 10;
    s.tables.push_back({"ks", "t", 90, 9});
    out.push_back(s);
    return "";
  }
  std::string clear_snapshot(const std::string& tag, const std::vector<std::string>& kss) override {
    calls.push_back("clear " + tag + " " + std::to_string(kss.size()));
    return "";
  }
  std::string drain() override { return ""; }
  std::string operation_mode() override { return "NORMAL"; }
  uint64_t compaction_throughput_mb() override { return throughput; }
  std::string set_compaction_throughput_mb(uint64_t mb) override {
    throughput = mb;
    return "";
  }
  CompactionReport compactions() override {
    CompactionReport c;
    c.running.push_back({"ks", "t", "COMPACTION", 7, 50, 200, 1000});
    c.pending.push_back({"ks", "t", 2});
    c.completed = 5;
    return c;
  }
  MemoryReport memory() override { return MemoryReport{}; }
};

struct Fixture : ::testing::Test {
  Metrics metrics;
  std::shared_ptr<FakeOps> ops = std::make_shared<FakeOps>();
  AdminApi api{[this] {
    NodeView v;
    v.metrics = &metrics;
    v.ops = ops;
    v.listen_address = "127.0.0.1";
    v.tokens = {5, -3};
    v.ready = [] { return true; };
    return v;
  }()};

  HttpResponse call(const std::string& method, const std::string& target) {
    size_t q = target.find('?');
    return api.handle(
        HttpRequest{method, target.substr(0, q), q == std::string::npos ? "" : target.substr(q + 1), ""});
  }
  json::value body(const HttpResponse& r) { return json::parse(r.body); }
};

TEST_F(Fixture, Snapshots) {
  auto list = body(call("GET", "/storage_service/snapshots"));
  EXPECT_EQ(json::serialize(list.as_array()[0].at("value")), R"([{"ks":"ks","cf":"t","total":90,"live":9}])");
  EXPECT_EQ(body(call("GET", "/storage_service/snapshots/size/true")).to_number<uint64_t>(), 10u);
  EXPECT_EQ(call("POST", "/storage_service/snapshots?tag=a%2Db&kn=k1,k2").status, 200);
  EXPECT_EQ(ops->calls.back(), "snapshot a-b 2 ");
  EXPECT_EQ(call("POST", "/storage_service/snapshots?tag=dup").status, 400);
  EXPECT_EQ(call("POST", "/storage_service/snapshots?tag=x&cf=t").status, 400);  // cf needs one kn
  EXPECT_EQ(call("DELETE", "/storage_service/snapshots?tag=s1&kn=ks").status, 200);
  EXPECT_EQ(ops->calls.back(), "clear s1 1");
  EXPECT_EQ(call("PUT", "/storage_service/snapshots").status, 405);
}

TEST_F(Fixture, FlushCompactThroughput) {
  EXPECT_EQ(call("POST", "/storage_service/keyspace_flush/ks?cf=a,b").status, 200);
  EXPECT_EQ(ops->calls.back(), "flush ks 2");
  EXPECT_EQ(call("POST", "/storage_service/keyspace_flush/nope").status, 400);
  EXPECT_EQ(call("POST", "/storage_service/keyspace_compaction/ks?cf=t").status, 200);
  EXPECT_EQ(ops->calls.back(), "compact ks t");
  EXPECT_EQ(call("POST", "/storage_service/compaction_throughput?value=12").status, 200);
  EXPECT_EQ(call("GET", "/storage_service/compaction_throughput").body, "12");
  EXPECT_EQ(call("POST", "/storage_service/compaction_throughput?value=-1").status, 400);
  EXPECT_EQ(call("POST", "/storage_service/compaction_throughput").status, 400);
  EXPECT_EQ(ops->throughput, 12u);
}

TEST_F(Fixture, ColumnFamilyMetricsAndCompactions) {
  EXPECT_EQ(call("GET", "/column_family/metrics/live_ss_table_count/ks:t").body, "3");
  EXPECT_EQ(call("GET", "/column_family/metrics/live_disk_space_used/ks%3At").body, "4096");
  EXPECT_EQ(call("GET", "/column_family/sstables/per_level/ks:t").body, "[1,2]");
  EXPECT_EQ(call("GET", "/column_family/metrics/live_ss_table_count/ks").status, 400);
  EXPECT_EQ(call("GET", "/column_family/metrics/live_ss_table_count/nope:t").status, 400);
  EXPECT_EQ(call("GET", "/column_family/metrics/no_such/ks:t").status, 404);
  auto hist = body(call("GET", "/column_family/metrics/read_latency/estimated_histogram/ks:t"));
  EXPECT_EQ(hist.at("buckets").as_array().size(), hist.at("bucket_offsets").as_array().size() + 1);
  EXPECT_EQ(call("GET", "/compaction_manager/metrics/pending_tasks").body, "2");
  auto running = body(call("GET", "/compaction_manager/compactions"));
  EXPECT_EQ(running.as_array()[0].at("total").to_number<uint64_t>(), 200u);
  auto te = body(call("GET", "/storage_service/tokens_endpoint"));
  EXPECT_EQ(json::serialize(te), R"([{"key":"5","value":"127.0.0.1"},{"key":"-3","value":"127.0.0.1"}])");
}

TEST_F(Fixture, DashboardAndMetrics) {
  auto page = call("GET", "/");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.content_type.find("text/html"), std::string::npos);
  EXPECT_NE(page.body.find("/ui/dashboard.js"), std::string::npos);
  EXPECT_EQ(call("GET", "/ui/dashboard.js").content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(call("GET", "/ui/nothing.js").status, 404);
  EXPECT_TRUE(AdminApi::runs_inline(HttpRequest{"GET", "/ui/dashboard.css", "", ""}));
  auto doc = body(call("GET", "/krill/dashboard"));
  EXPECT_EQ(doc.at("tables").as_array().size(), 1u);
  EXPECT_EQ(doc.at("settings").at("compaction_throughput_mb").to_number<uint64_t>(), 64u);
  EXPECT_EQ(doc.at("latency").at("write").as_array().size(), LatencyHistogram::kBuckets + 1);
  auto m = call("GET", "/metrics").body;
  EXPECT_NE(m.find("scylla_column_family_live_sstable{ks=\"ks\",cf=\"t\"} 3\n"), std::string::npos);
  EXPECT_NE(m.find("scylla_compaction_manager_pending_compactions 2\n"), std::string::npos);
}

TEST(TableMetrics, HistogramPercentiles) {
  LatencyHistogram h;
  EXPECT_EQ(summarize(h).count, 0u);
  for (int i = 0; i < 90; ++i) h.add(100);
  for (int i = 0; i < 10; ++i) h.add(5000);
  auto s = summarize(h);
  EXPECT_EQ(s.count, 100u);
  EXPECT_GE(s.percentile(0.5), 100);
  EXPECT_LT(s.percentile(0.5), 125);
  EXPECT_GE(s.percentile(0.99), 5000);
  EXPECT_LT(s.percentile(0.99), 6100);
  EXPECT_DOUBLE_EQ(s.mean, (90 * 100 + 10 * 5000) / 100.0);
  h.add(uint64_t{1} << 40);  // overflow bucket
  EXPECT_TRUE(std::isinf(summarize(h).max));
}

TEST(TableMetrics, RegistryFindsAndFills) {
  TableMetricsRegistry r(4);
  TableMetrics* a = r.get("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(r.get("a"), a);
  EXPECT_EQ(r.find("a"), a);
  EXPECT_EQ(r.find("zz"), nullptr);
  EXPECT_NE(r.get("b"), nullptr);
  EXPECT_NE(r.get("c"), nullptr);
  EXPECT_NE(r.get("d"), nullptr);
  EXPECT_EQ(r.get("e"), nullptr);  // full: not recorded
}

TEST(ApiHelpers, QueryAndDecode) {
  EXPECT_EQ(query_value("a=1&tag=x%20y&b", "tag").value(), "x y");
  EXPECT_EQ(query_value("a=1&b", "b").value(), "");
  EXPECT_FALSE(query_value("a=1", "c").has_value());
  EXPECT_EQ(url_decode("ks%3at%"), "ks:t%");
  EXPECT_EQ(split_list(" a, ,b,"), (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace krill::admin
