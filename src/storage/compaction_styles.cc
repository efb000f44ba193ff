#include "storage/compaction_styles.h"

#include <fcntl.h>
#include <rocksdb/options.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace krill::storage {

using common::Result;
using common::Status;

const char* style_name(CompactionSettings::Style style) {
  return style == CompactionSettings::Style::kTiered ? "tiered" : "leveled";
}

namespace {

// RocksDB requires compaction trigger <= slowdown trigger <= stop trigger (it aborts
// otherwise). Keep its default margins (4 / 20 / 36) above a larger min_threshold.
int slowdown_trigger(int compaction_trigger) { return std::max(20, compaction_trigger + 16); }
int stop_trigger(int compaction_trigger) { return std::max(36, compaction_trigger + 32); }

}  // namespace

void apply_compaction(const CompactionSettings& s, rocksdb::ColumnFamilyOptions& cf) {
  if (s.style == CompactionSettings::Style::kTiered) {
    cf.compaction_style = rocksdb::kCompactionStyleUniversal;
    cf.compaction_options_universal.min_merge_width = static_cast<unsigned>(s.min_threshold);
    cf.compaction_options_universal.max_merge_width = static_cast<unsigned>(s.max_threshold);
    // A tier forms once min_threshold sorted runs of similar size exist, as in STCS.
    cf.level0_file_num_compaction_trigger = s.min_threshold;
    cf.level0_slowdown_writes_trigger = slowdown_trigger(s.min_threshold);
    cf.level0_stop_writes_trigger = stop_trigger(s.min_threshold);
  } else {
    cf.compaction_style = rocksdb::kCompactionStyleLevel;
    cf.target_file_size_base = s.target_file_bytes;
  }
}

std::map<std::string, std::string> mutable_compaction_options(const CompactionSettings& s) {
  if (s.style == CompactionSettings::Style::kTiered) {
    return {{"compaction_options_universal", "{min_merge_width=" + std::to_string(s.min_threshold) +
                                                 ";max_merge_width=" + std::to_string(s.max_threshold) + "}"},
            {"level0_file_num_compaction_trigger", std::to_string(s.min_threshold)},
            {"level0_slowdown_writes_trigger", std::to_string(slowdown_trigger(s.min_threshold))},
            {"level0_stop_writes_trigger", std::to_string(stop_trigger(s.min_threshold))}};
  }
  return {{"target_file_size_base", std::to_string(s.target_file_bytes)}};
}

// One line per table: "<id> leveled <target_file_bytes>" or "<id> tiered <min> <max>".
Result<std::map<std::string, CompactionSettings>> load_compaction_file(const std::string& path) {
  std::map<std::string, CompactionSettings> out;
  std::ifstream in(path);
  if (!in) return out;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string id;
    std::string style;
    CompactionSettings s;
    bool ok = static_cast<bool>(fields >> id >> style);
    if (ok && style == "tiered") {
      s.style = CompactionSettings::Style::kTiered;
      ok = static_cast<bool>(fields >> s.min_threshold >> s.max_threshold) && s.min_threshold >= 2 &&
           s.max_threshold >= s.min_threshold;
    } else if (ok && style == "leveled") {
      ok = static_cast<bool>(fields >> s.target_file_bytes) && s.target_file_bytes > 0;
    } else {
      ok = false;
    }
    if (!ok) return Status::error(path + ":" + std::to_string(number) + ": malformed line '" + line + "'");
    out[id] = s;
  }
  return out;
}

Status save_compaction_file(const std::string& path, const std::map<std::string, CompactionSettings>& all) {
  std::ostringstream text;
  text << "# Compaction settings per table column family, kept by Krill (docs/storage.md).\n";
  for (const auto& [id, s] : all) {
    text << id << ' ' << style_name(s.style);
    if (s.style == CompactionSettings::Style::kTiered) {
      text << ' ' << s.min_threshold << ' ' << s.max_threshold << '\n';
    } else {
      text << ' ' << s.target_file_bytes << '\n';
    }
  }
  // Write a temporary file, fsync it, rename it over the old one: a crash leaves one or
  // the other, never half of one.
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::error("cannot write " + tmp);
  std::string data = text.str();
  bool ok = ::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size()) && ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) return Status::error("cannot write " + path);
  return Status::ok();
}

}  // namespace krill::storage
