// Unit tests of `krill stress`: argument parsing, the histogram, keys/values and the report.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "tools/stress/histogram.h"
#include "tools/stress/options.h"
#include "tools/stress/report.h"
#include "tools/stress/workload.h"

namespace krill::tools::stress {
namespace {

Options parse_ok(std::vector<std::string> args) {
  Options o;
  const std::string err = parse_options(args, o);
  EXPECT_EQ(err, "");
  return o;
}

std::string parse_err(std::vector<std::string> args) {
  Options o;
  return parse_options(args, o);
}

TEST(StressOptions, CassandraStressSyntax) {
  const Options o = parse_ok({"write",
                              "n=1000",
                              "cl=ONE",
                              "no-warmup",
                              "-rate",
                              "threads=50",
                              "-node",
                              "127.0.0.1,127.0.0.2",
                              "-port",
                              "native=9142",
                              "-pop",
                              "seq=1..500",
                              "-col",
                              "n=FIXED(3)",
                              "size=FIXED(20)",
                              "-schema",
                              "replication(factor=2)",
                              "keyspace=ks1",
                              "-mode",
                              "native",
                              "cql3",
                              "connectionsPerHost=2",
                              "io=2"});
  EXPECT_EQ(o.command, Command::kWrite);
  EXPECT_EQ(o.n, 1000u);
  EXPECT_EQ(o.consistency, client::Consistency::kOne);
  EXPECT_EQ(o.threads, 50);
  EXPECT_EQ(o.nodes, (std::vector<std::string>{"127.0.0.1", "127.0.0.2"}));
  EXPECT_EQ(o.port, 9142);
  ASSERT_TRUE(o.population);
  EXPECT_EQ(o.population->kind, Population::Kind::kSeq);
  EXPECT_EQ(o.population->max, 500u);
  EXPECT_EQ(o.columns, 3);
  EXPECT_EQ(o.col_size_min, 20u);
  EXPECT_EQ(o.replication_factor, 2);
  EXPECT_EQ(o.keyspace, "ks1");
  EXPECT_EQ(o.connections_per_host, 2);
  EXPECT_EQ(o.io_threads, 2);
}

TEST(StressOptions, DefaultsFollowCassandraStress) {
  const Options w = parse_ok({"write", "n=2000"});
  EXPECT_EQ(w.consistency, client::Consistency::kLocalOne);
  EXPECT_EQ(w.nodes, (std::vector<std::string>{"127.0.0.1"}));
  EXPECT_EQ(w.port, 9042);
  EXPECT_EQ(w.columns, 5);
  EXPECT_EQ(w.col_size_max, 34u);
  EXPECT_EQ(w.effective_population().kind, Population::Kind::kSeq);
  EXPECT_EQ(w.effective_population().max, 2000u);
  const Options r = parse_ok({"read", "n=2k"});
  EXPECT_EQ(r.n, 2000u);
  EXPECT_EQ(r.effective_population().kind, Population::Kind::kGaussian);
}

TEST(StressOptions, RatesDurationsDistributions) {
  const Options o =
      parse_ok({"mixed", "ratio(write=1,read=3)", "duration=2m", "-rate", "threads=10", "fixed=5000/s",
                "-pop", "dist=gaussian(1..1M,5)", "-col", "size=UNIFORM(10..20)"});
  EXPECT_EQ(o.command, Command::kMixed);
  EXPECT_DOUBLE_EQ(o.write_ratio, 1);
  EXPECT_DOUBLE_EQ(o.read_ratio, 3);
  EXPECT_DOUBLE_EQ(*o.duration_s, 120);
  EXPECT_DOUBLE_EQ(*o.fixed_rate, 5000);
  EXPECT_EQ(o.population->kind, Population::Kind::kGaussian);
  EXPECT_EQ(o.population->max, 1000000u);
  EXPECT_DOUBLE_EQ(o.population->stdvrng, 5);
  EXPECT_EQ(o.col_size_min, 10u);
  EXPECT_EQ(o.col_size_max, 20u);
  double s = 0;
  EXPECT_TRUE(parse_duration("30s", s));
  EXPECT_DOUBLE_EQ(s, 30);
  EXPECT_TRUE(parse_duration("1h", s));
  EXPECT_DOUBLE_EQ(s, 3600);
  EXPECT_FALSE(parse_duration("abc", s));
  EXPECT_EQ(o.rate_tick_us, 100);  // default
  EXPECT_EQ(parse_ok({"write", "n=10", "-rate", "fixed=10/s", "tick=250us"}).rate_tick_us, 250);
  EXPECT_EQ(parse_ok({"write", "n=10", "-rate", "fixed=10/s", "tick=0"}).rate_tick_us, 0);
}

TEST(StressOptions, Errors) {
  EXPECT_NE(parse_err({}), "");
  EXPECT_NE(parse_err({"delete", "n=1"}), "");
  EXPECT_NE(parse_err({"write"}), "");  // neither n= nor duration=
  EXPECT_NE(parse_err({"write", "n=x"}), "");
  EXPECT_NE(parse_err({"write", "n=10", "-rate", "threads=0"}), "");
  EXPECT_NE(parse_err({"write", "n=10", "-bogus", "x"}), "");
  EXPECT_NE(parse_err({"write", "n=10", "-pop", "seq=5..1"}), "");
  EXPECT_NE(parse_err({"write", "n=10", "-col", "size=GAUSSIAN(1..3)"}), "");
  EXPECT_NE(parse_err({"write", "n=10", "-rate", "fixed=10/s", "throttle=10/s"}), "");
  EXPECT_NE(parse_err({"write", "n=10", "-mode", "unprepared"}), "");
  EXPECT_NE(parse_err({"write", "n=10", "-rate", "tick=-1us"}), "");
  EXPECT_NE(parse_err({"write", "n=10", "-rate", "tick=fast"}), "");
  Options o;
  EXPECT_EQ(parse_options({"help"}, o), "");
  EXPECT_TRUE(o.help);
  EXPECT_NE(usage().find("-rate threads=N"), std::string::npos);
}

TEST(StressHistogram, BucketsAreContiguousAndPrecise) {
  for (size_t i = 1; i < Histogram::bucket_count(); ++i) {
    ASSERT_EQ(Histogram::lowest_in(i), Histogram::highest_in(i - 1) + 1) << i;
  }
  for (uint64_t v : {0ull, 1ull, 2047ull, 2048ull, 4095ull, 123456ull, 987654321ull, 1ull << 40}) {
    const size_t i = Histogram::index_of(v);
    EXPECT_LE(Histogram::lowest_in(i), v);
    EXPECT_GE(Histogram::highest_in(i), v);
    EXPECT_LE(static_cast<double>(Histogram::highest_in(i) - Histogram::lowest_in(i)),
              static_cast<double>(v) / 1000.0 + 1);
  }
}

TEST(StressHistogram, Percentiles) {
  Histogram h;
  EXPECT_EQ(h.percentile(0.99), 0u);
  for (uint64_t v = 1; v <= 100000; ++v) h.record(v * 1000);  // 1 us .. 100 ms
  EXPECT_EQ(h.count(), 100000u);
  EXPECT_EQ(h.min(), 1000u);
  EXPECT_EQ(h.max(), 100000000u);
  EXPECT_NEAR(h.mean(), 50000500.0, 1.0);
  EXPECT_NEAR(static_cast<double>(h.percentile(0.5)), 50e6, 50e6 * 0.002);
  EXPECT_NEAR(static_cast<double>(h.percentile(0.99)), 99e6, 99e6 * 0.002);
  EXPECT_NEAR(static_cast<double>(h.percentile(0.999)), 99.9e6, 99.9e6 * 0.002);
  EXPECT_EQ(h.percentile(1.0), h.max());

  Histogram other;
  other.record(5);
  other.record(1ull << 50);  // clamped into the last bucket, max stays exact
  h.merge(other);
  EXPECT_EQ(h.count(), 100002u);
  EXPECT_EQ(h.min(), 5u);
  EXPECT_EQ(h.max(), 1ull << 50);
  h.reset();
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.max(), 0u);
  h.record(7);
  EXPECT_EQ(h.percentile(0.5), 7u);
}

TEST(StressWorkload, KeysValuesAndCql) {
  char key[kKeySize];
  format_key(42, key);
  EXPECT_EQ(std::string(key, kKeySize), "0000000042");
  std::string a(34, '\0');
  std::string b(34, '\0');
  fill_value(7, 1, a.data(), a.size());
  fill_value(7, 1, b.data(), b.size());
  EXPECT_EQ(a, b);
  fill_value(7, 2, b.data(), b.size());
  EXPECT_NE(a, b);

  Options o;
  EXPECT_EQ(
      create_table_cql(o),
      "CREATE TABLE IF NOT EXISTS \"keyspace1\".standard1 (key blob PRIMARY KEY, \"C0\" blob, \"C1\" blob, "
      "\"C2\" blob, \"C3\" blob, \"C4\" blob)");
  EXPECT_EQ(
      insert_cql(o),
      "INSERT INTO \"keyspace1\".standard1 (key,\"C0\",\"C1\",\"C2\",\"C3\",\"C4\") VALUES (?,?,?,?,?,?)");
  EXPECT_EQ(select_cql(o), "SELECT * FROM \"keyspace1\".standard1 WHERE key = ?");
  EXPECT_NE(create_keyspace_cql(o).find("'replication_factor': 1"), std::string::npos);
}

TEST(StressWorkload, Populations) {
  Population seq{Population::Kind::kSeq, 1, 3, 3.0};
  KeyChooser s(seq, 1);
  EXPECT_EQ(s.next(0), 1u);
  EXPECT_EQ(s.next(2), 3u);
  EXPECT_EQ(s.next(3), 1u);  // wraps
  Population g{Population::Kind::kGaussian, 1, 1000, 3.0};
  KeyChooser k(g, 1);
  double sum = 0;
  for (int i = 0; i < 10000; ++i) {
    const uint64_t v = k.next(0);
    ASSERT_GE(v, 1u);
    ASSERT_LE(v, 1000u);
    sum += static_cast<double>(v);
  }
  EXPECT_NEAR(sum / 10000, 500.5, 10);
}

TEST(StressReport, CassandraStressFields) {
  Histogram h;
  for (int i = 1; i <= 1000; ++i) h.record(static_cast<uint64_t>(i) * 10000);  // 0.01 .. 10 ms
  Period p{1000, 1000, 2000, 0, 2.0, &h};
  const std::string r = final_report(p, "READ");
  for (const char* field :
       {"Op rate                   :       500 op/s  [READ: 500 op/s]",
        "Partition rate            :       500 pk/s", "Row rate                  :     1,000 row/s",
        "Latency mean              :     5.005 ms", "Latency median", "Latency 95th percentile",
        "Latency 99th percentile", "Latency 99.9th percentile", "Latency max               :    10.000 ms",
        "Total partitions          :     1,000 [READ: 1,000]", "Total errors              :         0",
        "Total GC count            : 0", "Total operation time      : 00:00:02"}) {
    EXPECT_NE(r.find(field), std::string::npos) << field << "\n" << r;
  }
  EXPECT_EQ(with_commas(1234567), "1,234,567");
  EXPECT_EQ(with_commas(12), "12");
  EXPECT_EQ(hhmmss(3725.4), "01:02:05");
  const std::string line = progress_line(1000, p, 2.0, 0);
  EXPECT_EQ(line.rfind("total,", 0), 0u);
  EXPECT_NE(progress_header().find("op/s"), std::string::npos);
}

}  // namespace
}  // namespace krill::tools::stress
