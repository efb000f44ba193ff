// CSV reading and writing for COPY (RFC 4180 with a configurable delimiter and quote).
//
// Reading: fields are separated by `delimiter`; a field that starts with `quote` runs to
// the matching quote and may hold delimiters, line breaks and doubled quotes ("" is one
// "); when `escape` is set, escape+char inside a quoted field is that char. Records end at
// LF or CRLF outside quotes; blank lines are skipped. Each field records whether it was
// quoted, so an empty quoted field ("") can differ from an empty unquoted one (NULL).
// Errors: text after a closing quote, an unterminated quoted field, a record longer than
// max_record_bytes; record_line() is then the line where the bad record starts.
// Writing quotes a field only when it must (delimiter, quote, CR or LF inside, or when the
// caller asks, e.g. for text equal to the NULL marker). Not thread-safe.
#pragma once

#include <cstddef>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace krill::tools::shell {

struct CsvDialect {
  char delimiter = ',';
  char quote = '"';
  char escape = '\0';  // '\0': none
  size_t max_record_bytes = 64u << 20;
};

struct CsvField {
  std::string text;
  bool quoted = false;
};

class CsvReader {
 public:
  CsvReader(std::istream& in, CsvDialect dialect) : in_(in), dialect_(dialect) {}
  // Reads the next record into `fields`. Returns false at the end of input, or on a
  // malformed record with error() set (the reader then skips to the next line, so reading
  // may continue).
  bool next(std::vector<CsvField>& fields);
  const std::string& error() const { return error_; }
  // 1-based line where the last record returned (or failed) started.
  long record_line() const { return record_line_; }

 private:
  bool get(char& c);
  void unget();  // REQUIRES: the last get() succeeded

  std::istream& in_;
  CsvDialect dialect_;
  std::string error_;
  long line_ = 1;  // line of the next character
  long record_line_ = 0;
  std::vector<char> buf_ = std::vector<char>(1 << 16);
  size_t pos_ = 0;
  size_t end_ = 0;
};

// Appends one field to `out`, quoted when needed or when `force_quote`.
void append_csv_field(std::string& out, std::string_view text, const CsvDialect& dialect,
                      bool force_quote = false);

}  // namespace krill::tools::shell
