// cassandra-stress style progress lines and final report (see report.h).
#include "tools/stress/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace krill::tools::stress {

namespace {

double ms(uint64_t ns) { return static_cast<double>(ns) / 1e6; }

double rate(uint64_t count, double seconds) {
  return seconds > 0 ? static_cast<double>(count) / seconds : 0.0;
}

std::string fmt(const char* format, auto... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, format, args...);
  return buf;
}

}  // namespace

std::string with_commas(uint64_t v) {
  std::string digits = std::to_string(v);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string hhmmss(double seconds) {
  const auto s = static_cast<uint64_t>(std::llround(std::max(0.0, seconds)));
  return fmt("%02llu:%02llu:%02llu", static_cast<unsigned long long>(s / 3600),
             static_cast<unsigned long long>(s / 60 % 60), static_cast<unsigned long long>(s % 60));
}

std::string progress_header() {
  return fmt("%-10s%11s,%8s,%8s,%8s,%8s,%8s,%8s,%8s,%8s,%8s,%7s,%9s,%7s,%7s,%8s,%8s,%8s,%8s", "type",
             "total ops", "op/s", "pk/s", "row/s", "mean", "med", ".95", ".99", ".999", "max", "time",
             "stderr", "errors", "gc: #", "max ms", "sum ms", "sdv ms", "mb");
}

std::string progress_line(uint64_t total_ops, const Period& in, double elapsed, uint64_t total_errors) {
  const Histogram& h = *in.latency;
  return fmt(
      "%-10s%11llu,%8.0f,%8.0f,%8.0f,%8.2f,%8.2f,%8.2f,%8.2f,%8.2f,%8.2f,%7.1f,%9.5f,%7llu,%7d,%8d,%8d,%8d,%"
      "8d",
      "total,", static_cast<unsigned long long>(total_ops), rate(in.ops, in.seconds),
      rate(in.partitions, in.seconds), rate(in.rows, in.seconds), h.mean() / 1e6, ms(h.percentile(0.5)),
      ms(h.percentile(0.95)), ms(h.percentile(0.99)), ms(h.percentile(0.999)), ms(h.max()), elapsed, 0.0,
      static_cast<unsigned long long>(total_errors), 0, 0, 0, 0, 0);
}

std::string final_report(const Period& t, const std::string& op) {
  const Histogram& h = *t.latency;
  const auto rate_line = [&](const char* name, uint64_t count, const char* unit) {
    const std::string r = with_commas(static_cast<uint64_t>(std::llround(rate(count, t.seconds))));
    return fmt("%-26s: %9s %-5s [%s: %s %s]\n", name, r.c_str(), unit, op.c_str(), r.c_str(), unit);
  };
  const auto lat_line = [&](const char* name, double value_ms) {
    return fmt("%-26s: %9.3f ms [%s: %.3f ms]\n", name, value_ms, op.c_str(), value_ms);
  };
  std::string out = "\nResults:\n";
  out += rate_line("Op rate", t.ops, "op/s");
  out += rate_line("Partition rate", t.partitions, "pk/s");
  out += rate_line("Row rate", t.rows, "row/s");
  out += lat_line("Latency mean", h.mean() / 1e6);
  out += lat_line("Latency median", ms(h.percentile(0.5)));
  out += lat_line("Latency 95th percentile", ms(h.percentile(0.95)));
  out += lat_line("Latency 99th percentile", ms(h.percentile(0.99)));
  out += lat_line("Latency 99.9th percentile", ms(h.percentile(0.999)));
  out += lat_line("Latency max", ms(h.max()));
  const std::string parts = with_commas(t.partitions);
  const std::string errs = with_commas(t.errors);
  out += fmt("%-26s: %9s [%s: %s]\n", "Total partitions", parts.c_str(), op.c_str(), parts.c_str());
  out += fmt("%-26s: %9s [%s: %s]\n", "Total errors", errs.c_str(), op.c_str(), errs.c_str());
  out += fmt("%-26s: 0\n", "Total GC count");
  out += fmt("%-26s: 0.000 KiB\n", "Total GC memory");
  out += fmt("%-26s: %6.1f seconds\n", "Total GC time", 0.0);
  out += fmt("%-26s: %6s ms\n", "Avg GC time", "NaN");
  out += fmt("%-26s: %6.1f ms\n", "StdDev GC time", 0.0);
  out += fmt("%-26s: %s\n", "Total operation time", hhmmss(t.seconds).c_str());
  return out;
}

}  // namespace krill::tools::stress
