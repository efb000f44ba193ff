// `krill load`: bulk ingestion of CSV files into a table, bypassing the normal write path
// (docs/load.md).
//
//   krill load --keyspace KS --table T [--columns a,b,c] [--header] [--delimiter ,]
//              [--null STR] [--timestamp MICROS] [--memory 256M] [--threads N]
//              [--http-address 127.0.0.1 --http-port 8000 | --data-dir DIR] FILE.csv...
//
// Rows are parsed and encoded exactly as the same INSERTs would be (cql/insert_rows.h,
// storage/ingest.h), sorted with bounded memory (sorter.h), written as SST files into
// <data dir>/staging/<uuid>/ and ingested atomically into the running node (HTTP API) or
// into a stopped node's data directory. A malformed row stops the load before anything is
// ingested, naming file:line and the field.
//
// With --write-path the rows go through the normal write path instead (prepared INSERTs
// over CQL, many in flight), reporting the rate per --report-every rows (benchmarks).
#pragma once

namespace krill::tools::load {

// Runs `krill load ARGS...` (argv[0..argc) are the arguments after "load"). Progress on
// stderr when it is a terminal, the summary on stdout. Returns the exit code: 0 loaded,
// 1 failed (nothing ingested), 2 bad arguments.
int run(int argc, char** argv);

}  // namespace krill::tools::load
