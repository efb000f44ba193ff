// COPY statements: parsing `COPY ks.table (cols) FROM|TO 'file' WITH opt = value AND ...`
// and its options. The transfer itself lives in copy_from.cc / copy_to.cc (run by the
// Shell). Pure parsing, no I/O.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tools/shell/csv.h"

namespace krill::tools::shell {

struct CopyStatement {
  std::string keyspace;  // "" when not given; unquoted names lower-cased
  std::string table;
  std::vector<std::string> columns;                          // empty: every column
  bool from = true;                                          // FROM (import) or TO (export)
  std::string path;                                          // the file; empty with `stdio`
  bool stdio = false;                                        // STDIN / STDOUT
  std::vector<std::pair<std::string, std::string>> options;  // names upper-cased
};

// "" on success, else a message naming what is wrong.
std::string parse_copy(std::string_view text, CopyStatement& out);

struct CopyOptions {
  CsvDialect dialect;  // DELIMITER, QUOTE, ESCAPE, MAXRECORDSIZE (bytes, default 64 MiB)
  bool header = false;
  std::string null_text;           // NULL: the field text read/written for null
  long chunk_size = 5000;          // CHUNKSIZE: rows read between progress checks
  long max_batch_size = 20;        // MAXBATCHSIZE: rows per unlogged batch
  long max_rows = -1;              // MAXROWS: -1 = all
  long skip_rows = 0;              // SKIPROWS: data rows skipped after the header
  long max_requests = 32;          // MAXREQUESTS: batches in flight (FROM)
  long page_size = 1000;           // PAGESIZE: rows per page (TO)
  long max_parse_errors = -1;      // MAXPARSEERRORS: -1 = no limit
  long max_insert_errors = 1000;   // MAXINSERTERRORS: -1 = no limit
  long max_attempts = 5;           // MAXATTEMPTS: tries per batch on timeouts/overload
  long ingest_rate = 0;            // INGESTRATE: rows/s at most, 0 = no limit
  long ttl = -1;                   // TTL (FROM): -1 = none
  double report_frequency = 0.25;  // REPORTFREQUENCY: seconds between progress lines
  int float_precision = -1;        // FLOATPRECISION (TO): -1 = shortest round trip
  int double_precision = -1;       // DOUBLEPRECISION (TO)
};

// Validates the statement's options for its direction. "" or the error.
std::string parse_copy_options(const CopyStatement& statement, CopyOptions& out);

}  // namespace krill::tools::shell
