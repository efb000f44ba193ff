#include "tools/load/load.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>

#include "common/error.h"
#include "common/uuid.h"
#include "cql/insert_rows.h"
#include "storage/ingest.h"
#include "tools/load/entry_codec.h"
#include "tools/load/load_internal.h"
#include "tools/load/sorter.h"
#include "tools/load/target.h"

namespace krill::tools::load {

using common::Bytes;
using common::BytesView;
using common::Status;
using Clock = std::chrono::steady_clock;

namespace {

// Writes the sorted, de-duplicated entries of key-space parts into SST files, one thread
// per part. Returns the number of files written.
common::Result<int> write_ssts(const ExternalSorter& sorter, const std::string& dir, int parts,
                               uint64_t sst_bytes, Progress& progress) {
  std::vector<std::thread> threads;
  std::vector<Status> results(static_cast<size_t>(parts), Status::ok());
  std::atomic<int> files{0};
  for (int p = 0; p < parts; ++p) {
    threads.emplace_back([&, p] {
      storage::SstWriter writer;
      int seq = 0;
      bool open = false;
      auto open_next = [&] {
        char name[64];
        std::snprintf(name, sizeof name, "/part%02d-%05d.sst", p, seq++);
        open = true;
        return writer.open(dir + name);
      };
      Status st = sorter.merge(p, parts, [&](BytesView key, BytesView value) -> Status {
        if (!open) {
          auto s = open_next();
          if (!s.is_ok()) return s;
        }
        auto s = writer.add(key, value);
        if (!s.is_ok()) return s;
        progress.merged.fetch_add(1, std::memory_order_relaxed);
        if (writer.file_size() >= sst_bytes) {
          s = writer.finish();
          open = false;
          if (s.is_ok()) files.fetch_add(1);
          return s;
        }
        return Status::ok();
      });
      if (st.is_ok() && open) {
        st = writer.finish();
        if (st.is_ok() && writer.entries() > 0) files.fetch_add(1);
      }
      results[static_cast<size_t>(p)] = st;
    });
  }
  for (auto& t : threads) t.join();
  for (auto& r : results) {
    if (!r.is_ok()) return r;
  }
  return files.load();
}

}  // namespace

int run_sst_load(const LoadOptions& o, Target& target, const cql::InsertEncoder& encoder) {
  const auto start = Clock::now();
  Progress progress;
  ProgressPrinter printer(progress, o.progress);
  common::UuidGenerator uuids;
  const std::string staging = target.staging_root() + "/" + uuids.random().to_string();
  std::error_code ec;
  std::filesystem::create_directories(staging + "/runs", ec);
  if (ec) {
    std::fprintf(stderr, "krill load: cannot create %s: %s\n", staging.c_str(), ec.message().c_str());
    return 1;
  }
  auto cleanup = [&] { std::filesystem::remove_all(staging, ec); };

  Status st = Status::ok();
  int files = 0;
  uint64_t rows = 0;
  int runs = 0;
  {
    // Data and index of the sort buffer get 3/5 of the budget; the rest covers chunks in
    // flight, run readers and SST writers.
    ExternalSorter sorter(staging + "/runs", o.memory_bytes / 5 * 3);
    cql::WriteAttrs attrs{o.timestamp, 0, o.now};
    auto encode = [&](std::vector<std::optional<Bytes>>& values, std::string& out) {
      storage::PartitionWrite w = encoder.encode(values, attrs, uuids);
      storage::encode_partition_write(w,
                                      [&out](Bytes&& key, Bytes&& value) { append_entry(out, key, value); });
    };
    auto parse = [&](size_t i, std::string_view text) { return encoder.parse_field(i, text); };
    progress.phase = "reading";
    st = run_pipeline(o.pipeline, o.field_names, parse, encode, [&](ChunkResult& r) -> Status {
      const char* p = r.out.data();
      const char* end = p + r.out.size();
      while (p < end) {
        uint64_t klen = 0, vlen = 0;
        p += get_varint(p, end, klen);
        BytesView key(p, klen);
        p += klen;
        p += get_varint(p, end, vlen);
        BytesView value(p, vlen);
        p += vlen;
        auto s = sorter.add(key, value);
        if (!s.is_ok()) return s;
      }
      rows += r.rows;
      progress.rows.store(rows, std::memory_order_relaxed);
      progress.bytes.fetch_add(r.bytes, std::memory_order_relaxed);
      return Status::ok();
    });
    if (st.is_ok()) st = sorter.finish();
    runs = sorter.runs();
    if (st.is_ok()) {
      progress.phase = "writing";
      auto written = write_ssts(sorter, staging, o.merge_parts, o.sst_bytes, progress);
      if (written.is_ok())
        files = written.value();
      else
        st = written.status();
    }
  }
  std::filesystem::remove_all(staging + "/runs", ec);
  if (st.is_ok() && files > 0) {
    progress.phase = "ingesting";
    auto ingested = target.ingest(encoder.table(), staging);
    if (!ingested.is_ok()) st = ingested.status();
  }
  printer.stop();
  cleanup();
  if (!st.is_ok()) {
    std::fprintf(stderr, "krill load: %s\nNothing was loaded into %s.%s.\n", st.message().c_str(),
                 encoder.table().keyspace.c_str(), encoder.table().name.c_str());
    return 1;
  }
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("Loaded %llu rows into %s.%s in %.1f s (%.0f rows/s)\n", static_cast<unsigned long long>(rows),
              encoder.table().keyspace.c_str(), encoder.table().name.c_str(), secs,
              secs > 0 ? rows / secs : 0.0);
  if (o.verbose) {
    std::printf("  %d sorted runs spilled, %d SST files ingested, %llu distinct keys\n", runs, files,
                static_cast<unsigned long long>(progress.merged.load()));
  }
  std::fflush(stdout);
  return 0;
}

}  // namespace krill::tools::load
