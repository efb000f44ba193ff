#include "admin/metrics.h"

#include <gtest/gtest.h>

namespace krill::admin {
namespace {

TEST(Metrics, ClassifiesStatements) {
  EXPECT_EQ(classify_statement("SELECT * FROM t"), StatementKind::kRead);
  EXPECT_EQ(classify_statement("  insert into t (a) values (1)"), StatementKind::kInsert);
  EXPECT_EQ(classify_statement("Update t SET a = 1"), StatementKind::kUpdate);
  EXPECT_EQ(classify_statement("DELETE FROM t"), StatementKind::kDelete);
  EXPECT_EQ(classify_statement("BEGIN BATCH"), StatementKind::kBatch);
  EXPECT_EQ(classify_statement("CREATE TABLE t"), StatementKind::kOther);
  EXPECT_EQ(classify_statement(""), StatementKind::kOther);
}

TEST(Metrics, HistogramBucketsAreCumulativeInOutput) {
  Metrics m;
  m.read_latency.observe_micros(50);        // first bucket
  m.read_latency.observe_micros(300);       // le 0.0005
  m.read_latency.observe_micros(99999999);  // +Inf
  std::string out = render_prometheus(m, ProcessSample{});
  EXPECT_NE(out.find("scylla_storage_proxy_coordinator_read_latency_bucket{le=\"0.0001\"} 1\n"),
            std::string::npos);
  EXPECT_NE(out.find("scylla_storage_proxy_coordinator_read_latency_bucket{le=\"0.0005\"} 2\n"),
            std::string::npos);
  EXPECT_NE(out.find("scylla_storage_proxy_coordinator_read_latency_bucket{le=\"+Inf\"} 3\n"),
            std::string::npos);
  EXPECT_NE(out.find("scylla_storage_proxy_coordinator_read_latency_count 3\n"), std::string::npos);
}

TEST(Metrics, CountsErrorsByType) {
  Metrics m;
  m.count_error(0x2200);
  m.count_error(0x7777);
  std::string out = render_prometheus(m, ProcessSample{});
  EXPECT_NE(out.find("scylla_transport_cql_errors_total{type=\"invalid\"} 1\n"), std::string::npos);
  EXPECT_NE(out.find("scylla_transport_cql_errors_total{type=\"unknown\"} 1\n"), std::string::npos);
  EXPECT_NE(out.find("# TYPE scylla_transport_requests_served counter\n"), std::string::npos);
}

TEST(Metrics, ReadsRss) { EXPECT_GT(read_rss_bytes(), 0u); }

}  // namespace
}  // namespace krill::admin
