// How each table's column family compacts, and where that choice is kept between runs.
//
// A table's CQL `compaction` option maps onto one of RocksDB's compaction styles
// (docs/storage.md, "Compaction strategies"): size-tiered strategies onto universal
// compaction, leveled onto leveled. RocksDB fixes a column family's style when it is opened,
// so the engine records every table's settings in a small file next to the database
// (`<data_dir>/db/KRILL-COMPACTION`, replaced atomically) and opens each column family with
// them. Thresholds and file sizes also change on an open column family; a style change
// takes effect the next time the engine opens.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "common/error.h"

namespace rocksdb {
struct ColumnFamilyOptions;
}

namespace krill::storage {

struct CompactionSettings {
  enum class Style { kLeveled, kTiered };
  Style style = Style::kLeveled;
  int min_threshold = 4;                      // tiered: fewest sorted runs merged together
  int max_threshold = 32;                     // tiered: most sorted runs merged together
  uint64_t target_file_bytes = 160ull << 20;  // leveled: size of one output file
  bool operator==(const CompactionSettings&) const = default;
};

// "leveled" / "tiered" (the file's and the logs' spelling).
const char* style_name(CompactionSettings::Style style);

// Applies the settings to options a column family is opened or created with.
void apply_compaction(const CompactionSettings& settings, rocksdb::ColumnFamilyOptions& cf);

// The options that may change on an open column family (DB::SetOptions), as name/value pairs.
std::map<std::string, std::string> mutable_compaction_options(const CompactionSettings& settings);

// Table id -> settings, read from / written to the file described above. A missing file
// reads as an empty map; a malformed line is an error naming it.
common::Result<std::map<std::string, CompactionSettings>> load_compaction_file(const std::string& path);
common::Status save_compaction_file(const std::string& path,
                                    const std::map<std::string, CompactionSettings>& settings);

}  // namespace krill::storage
