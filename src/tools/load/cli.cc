// `krill load` command line: options, target selection, dispatch to a loading mode.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>

#include "common/error.h"
#include "tools/load/load.h"
#include "tools/load/load_internal.h"

namespace krill::tools::load {

namespace {

bool parse_size(const std::string& s, uint64_t& out) {
  if (s.empty()) return false;
  size_t pos = 0;
  double v = 0;
  try {
    v = std::stod(s, &pos);
  } catch (const std::exception&) {
    return false;
  }
  std::string unit = s.substr(pos);
  uint64_t mult = 1;
  if (unit == "K" || unit == "k") {
    mult = 1ull << 10;
  } else if (unit == "M" || unit == "m") {
    mult = 1ull << 20;
  } else if (unit == "G" || unit == "g") {
    mult = 1ull << 30;
  } else if (!unit.empty()) {
    return false;
  }
  if (v <= 0) return false;
  out = static_cast<uint64_t>(v * static_cast<double>(mult));
  return true;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string::npos) end = s.size();
    std::string part = s.substr(start, end - start);
    while (!part.empty() && part.front() == ' ') part.erase(0, 1);
    while (!part.empty() && part.back() == ' ') part.pop_back();
    if (!part.empty()) out.push_back(part);
    start = end + 1;
  }
  return out;
}

// The column names in the first record of `file` (for --header without --columns).
std::vector<std::string> header_columns(const std::string& file, CsvOptions csv) {
  std::vector<std::string> out;
  std::ifstream in(file, std::ios::binary);
  std::string head(1 << 20, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  CsvParser parser(csv, head, 1);
  std::vector<CsvField> fields;
  if (parser.next(fields)) {
    for (const auto& f : fields) out.emplace_back(f.text);
  }
  return out;
}

}  // namespace

ProgressPrinter::ProgressPrinter(Progress& p, bool enabled) : p_(p) {
  if (!enabled) return;
  thread_ = std::thread([this] {
    const auto start = std::chrono::steady_clock::now();
    bool printed = false;
    while (!stop_.load()) {
      for (int i = 0; i < 5 && !stop_.load(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const uint64_t rows = p_.rows.load();
      std::fprintf(stderr, "\r%-9s %12llu rows  %9.0f rows/s  %7.1f MiB read  %12llu keys written  %6.1f s ",
                   p_.phase.load(), static_cast<unsigned long long>(rows), secs > 0 ? rows / secs : 0.0,
                   static_cast<double>(p_.bytes.load()) / (1 << 20),
                   static_cast<unsigned long long>(p_.merged.load()), secs);
      printed = true;
    }
    if (printed) std::fprintf(stderr, "\n");
  });
}

void ProgressPrinter::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

int run(int argc, char** argv) {
  CLI::App app{"krill load: bulk-load CSV files into a table (docs/load.md)", "krill load"};
  LoadOptions o;
  std::string columns, delimiter = ",", memory = "256M", sst_size = "256M", timestamp;
  int threads = 0;
  bool no_progress = false;
  app.add_option("--keyspace,-k", o.keyspace, "Keyspace")->required();
  app.add_option("--table,-t", o.table, "Table")->required();
  app.add_option("--columns,-c", columns,
                 "Columns of the CSV fields, comma-separated (default: all, table order)");
  app.add_flag("--header", o.pipeline.header,
               "Skip the first record of each file; without --columns it names the columns");
  app.add_option("--delimiter,-d", delimiter, "Field delimiter (one character; \\t for tab)")
      ->default_str(",");
  app.add_option("--null", o.pipeline.null_marker, "Unquoted field text meaning null (default: empty)");
  app.add_option("--timestamp", timestamp, "Write timestamp in microseconds (default: now)");
  app.add_option("--http-address", o.http_address, "The running node's HTTP address")
      ->default_str("127.0.0.1");
  app.add_option("--http-port", o.http_port, "The running node's HTTP port")->default_val(8000);
  app.add_option("--data-dir", o.data_dir, "Load into a STOPPED node's data directory instead");
  app.add_option("--memory", memory, "Memory for sorting and buffers, e.g. 256M, 1G")->default_str("256M");
  app.add_option("--threads", threads, "Parsing threads (default: number of cores)");
  app.add_option("--sst-size", sst_size, "Cut SST files at about this size")->default_str("256M");
  app.add_flag("--no-progress", no_progress, "No progress line even on a terminal");
  app.add_flag("--verbose,-v", o.verbose, "Print runs and files");
  app.add_flag("--write-path", o.write_path, "Send prepared INSERTs over CQL instead (benchmarking)");
  app.add_option("--cql-host", o.cql_host, "--write-path: CQL address")->default_str("127.0.0.1");
  app.add_option("--cql-port", o.cql_port, "--write-path: CQL port")->default_val(9042);
  app.add_option("--connections", o.connections, "--write-path: connections")->default_val(2);
  app.add_option("--in-flight", o.in_flight, "--write-path: requests in flight per connection")
      ->default_val(256);
  app.add_option("--report-every", o.report_every, "--write-path: print the rate of every N rows");
  app.add_option("files", o.pipeline.files, "CSV files ('-' for standard input)")->required();
  try {
    std::vector<std::string> args(argv, argv + argc);  // the arguments after "load"
    std::reverse(args.begin(), args.end());            // CLI11 takes them last first
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  auto usage = [](const std::string& m) {
    std::fprintf(stderr, "krill load: %s\n", m.c_str());
    return 2;
  };
  if (delimiter == "\\t" || delimiter == "tab") delimiter = "\t";
  if (delimiter.size() != 1 || delimiter[0] == '"' || delimiter[0] == '\n' || delimiter[0] == '\r')
    return usage("--delimiter must be one character other than a quote or line break");
  o.pipeline.csv.delimiter = delimiter[0];
  if (!parse_size(memory, o.memory_bytes) || o.memory_bytes < (16ull << 20))
    return usage("bad --memory '" + memory + "' (at least 16M; examples: 256M, 1G)");
  if (!parse_size(sst_size, o.sst_bytes) || o.sst_bytes < (1ull << 20))
    return usage("bad --sst-size '" + sst_size + "' (at least 1M)");
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  o.timestamp = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
  o.now = static_cast<int32_t>(std::time(nullptr));
  if (!timestamp.empty()) {
    try {
      size_t pos = 0;
      o.timestamp = std::stoll(timestamp, &pos);
      if (pos != timestamp.size()) throw std::invalid_argument("trailing text");
    } catch (const std::exception&) {
      return usage("bad --timestamp '" + timestamp + "' (microseconds since the epoch)");
    }
  }
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  o.pipeline.threads = threads > 0 ? threads : cores;
  o.merge_parts = 1;
  while (o.merge_parts * 2 <= std::min(cores, 16)) o.merge_parts *= 2;
  o.progress = !no_progress && ::isatty(2);
  o.columns = split(columns, ',');
  if (o.columns.empty() && o.pipeline.header && o.pipeline.files[0] != "-")
    o.columns = header_columns(o.pipeline.files[0], o.pipeline.csv);
  if (o.write_path && !o.data_dir.empty()) return usage("--write-path needs a running node, not --data-dir");
  if (o.in_flight < 1 || o.in_flight > 32768 || o.connections < 1 || o.connections > 64)
    return usage("--in-flight must be 1..32768 and --connections 1..64");

  std::unique_ptr<Target> target;
  if (!o.data_dir.empty()) {
    auto t = data_dir_target(o.data_dir);
    if (!t.is_ok()) {
      std::fprintf(stderr, "krill load: %s\n", t.status().message().c_str());
      return 1;
    }
    target = std::move(t.value());
  } else {
    target = http_target(o.http_address, o.http_port);
  }
  auto table = target->table(o.keyspace, o.table);
  if (!table.is_ok()) {
    std::fprintf(stderr, "krill load: %s\n", table.status().message().c_str());
    return 1;
  }
  try {
    const auto& t = *table.value();
    if (!t.indexes.empty())
      throw common::CqlError(common::ErrorCode::kInvalid,
                             "table " + t.keyspace + "." + t.name +
                                 " has secondary indexes, which a bulk load would leave "
                                 "stale (use INSERTs or COPY FROM)");
    cql::InsertEncoder encoder(table.value(), o.columns);
    for (const auto* c : encoder.columns()) o.field_names.push_back(c->name);
    o.pipeline.expected_fields = o.field_names.size();
    if (o.write_path) return run_write_path_load(o, encoder);
    return run_sst_load(o, *target, encoder);
  } catch (const common::CqlError& e) {
    std::fprintf(stderr, "krill load: %s\n", e.what());
    return 1;
  }
}

}  // namespace krill::tools::load
