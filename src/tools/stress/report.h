// cassandra-stress style output: the progress header and lines, and the final report
// ("Results:" with Op rate, Partition rate, Row rate, latencies in ms, totals and
// "Total operation time : HH:MM:SS"). Pure formatting: returns strings.
#pragma once

#include <cstdint>
#include <string>

#include "tools/stress/histogram.h"

namespace krill::tools::stress {

// Counts over a period (an interval or the whole run); latencies in nanoseconds.
struct Period {
  uint64_t ops = 0;
  uint64_t partitions = 0;
  uint64_t rows = 0;
  uint64_t errors = 0;
  double seconds = 0;  // the period's length
  const Histogram* latency = nullptr;
};

std::string progress_header();
// One progress line: `total_ops` so far, the interval's rates and latencies, `elapsed` since
// the start (s) and `total_errors` so far.
std::string progress_line(uint64_t total_ops, const Period& interval, double elapsed, uint64_t total_errors);
// The final report. `op_name` is "WRITE", "READ" or "MIXED" (shown in brackets as
// cassandra-stress does per operation type).
std::string final_report(const Period& total, const std::string& op_name);

// 1234567 -> "1,234,567".
std::string with_commas(uint64_t v);
// 3725.4 s -> "01:02:05".
std::string hhmmss(double seconds);

}  // namespace krill::tools::stress
