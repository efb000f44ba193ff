// Internal to tools/load/: the parallel front half of `krill load`. Reads CSV files in
// blocks, cuts them at record boundaries, parses and converts the chunks on worker threads
// and hands the results back to the caller's thread in input order (so "the later line
// wins" holds for duplicate keys, and the first error reported is the first in the input).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/error.h"
#include "tools/load/csv.h"

namespace krill::tools::load {

struct PipelineOptions {
  std::vector<std::string> files;  // "-" is standard input
  CsvOptions csv;
  bool header = false;      // skip each file's first record
  std::string null_marker;  // an unquoted field equal to this is null
  size_t expected_fields = 0;
  int threads = 2;  // converting workers
  size_t block_bytes = 4 << 20;
};

// Converts one record's values (one per field; nullopt = null) into `out`, appending bytes
// in a format the consumer understands. Throws common::CqlError on a bad row. Called
// concurrently from workers.
using RowEncoder = std::function<void(std::vector<std::optional<common::Bytes>>& values, std::string& out)>;
// Converts field `i` of a record. Throws common::CqlError(kInvalid).
using FieldParser = std::function<common::Bytes(size_t i, std::string_view text)>;

struct ChunkResult {
  std::string out;  // what the RowEncoder appended for every row of the chunk
  uint64_t rows = 0;
  uint64_t bytes = 0;  // input bytes of the chunk
};

// Runs the pipeline; `consume` gets each chunk's result in order and may return an error to
// stop. Returns the first error: a malformed row as "file:line: field N (column): message",
// an I/O error, or the consumer's. `field_names` names columns in messages.
common::Status run_pipeline(const PipelineOptions& options, const std::vector<std::string>& field_names,
                            const FieldParser& parse, const RowEncoder& encode,
                            const std::function<common::Status(ChunkResult&)>& consume);

}  // namespace krill::tools::load
