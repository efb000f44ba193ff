// CSV for `krill load` (RFC 4180): records separated by LF or CRLF; a field is either bare
// or enclosed in the quote character, inside which delimiters and line breaks are data and a
// doubled quote is one quote. A bare field may not contain the quote character. The last
// record may lack its line break.
//
// Input is cut into chunks at record boundaries (ChunkSplitter, sequential) so that chunks
// can be parsed in parallel (CsvParser, one per thread). Line numbers are physical lines
// (a quoted line break starts a new line), 1-based, so errors can name file:line.
// Pure, no I/O; each object is used by one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace krill::tools::load {

struct CsvOptions {
  char delimiter = ',';
  char quote = '"';
};

// Finds record boundaries in a stream fed block by block.
class ChunkSplitter {
 public:
  explicit ChunkSplitter(CsvOptions options) : options_(options) {}
  // Scans `data` (the bytes following everything scanned before) and returns how many of
  // its bytes form whole records, i.e. the offset just after the last line break that is
  // outside quotes (0 when there is none). State carries over to the next call, which must
  // start at the returned offset.
  size_t complete_prefix(std::string_view data);
  // Line breaks (all, quoted or not) in data[0, n): advances line numbers across chunks.
  static uint64_t count_lines(std::string_view data, size_t n);

 private:
  CsvOptions options_;
};

// One field of a record: its text (unescaped) and whether it was quoted.
struct CsvField {
  std::string_view text;
  bool quoted = false;
};

class CsvParser {
 public:
  // Parses `chunk` (whole records) whose first byte is on line `first_line`.
  CsvParser(CsvOptions options, std::string_view chunk, uint64_t first_line);

  // Reads the next record into `fields` (views valid until the next call). Returns false
  // at the end of the chunk. Blank lines are skipped. On malformed input (a quote inside
  // a bare field, text after a closing quote, an unterminated quote) returns false with
  // error() set; line() then names the offending line.
  bool next(std::vector<CsvField>& fields);
  const std::string& error() const { return error_; }
  // The line the last record returned (or the error) starts on.
  uint64_t line() const { return record_line_; }
  // The 1-based field number the error is in (0 when none).
  size_t error_field() const { return error_field_; }

 private:
  CsvOptions options_;
  std::string_view data_;
  size_t pos_ = 0;
  uint64_t line_;
  uint64_t record_line_ = 0;
  size_t error_field_ = 0;
  std::string error_;
  std::string scratch_;          // unescaped quoted fields of the current record
  std::vector<size_t> offsets_;  // per field: start in data_ (bare) or scratch_ (quoted)
};

}  // namespace krill::tools::load
