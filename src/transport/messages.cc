// Request body decoders and response body encoders (see messages.h).
#include "transport/messages.h"

#include <limits>
#include <type_traits>
#include <utility>
#include <variant>

namespace krill::transport {

namespace {

using common::Bytes;
using common::BytesView;
using common::CqlError;
using common::ErrorCode;

// Query/batch flags (spec 4.1.4 and 4.1.7). v4 sends them as a byte, v5 as an int.
constexpr uint32_t kFlagValues = 0x01;
constexpr uint32_t kFlagSkipMetadata = 0x02;
constexpr uint32_t kFlagPageSize = 0x04;
constexpr uint32_t kFlagPagingState = 0x08;
constexpr uint32_t kFlagSerialConsistency = 0x10;
constexpr uint32_t kFlagDefaultTimestamp = 0x20;
constexpr uint32_t kFlagNamesForValues = 0x40;
constexpr uint32_t kFlagKeyspace = 0x80;       // v5
constexpr uint32_t kFlagNowInSeconds = 0x100;  // v5
constexpr uint32_t kV4QueryFlags = 0x7F;
constexpr uint32_t kV5QueryFlags = 0x1FF;
// Bits that QUERY defines but that carry no data in a BATCH; tolerated there and ignored.
constexpr uint32_t kBatchIgnoredFlags = kFlagValues | kFlagSkipMetadata | kFlagPageSize | kFlagPagingState;

// PREPARE flags (v5).
constexpr uint32_t kPrepareFlagKeyspace = 0x01;

// Result kinds and metadata flags (spec 4.2.5).
constexpr int32_t kResultVoid = 0x0001;
constexpr int32_t kResultRows = 0x0002;
constexpr int32_t kResultSetKeyspace = 0x0003;
constexpr int32_t kResultPrepared = 0x0004;
constexpr int32_t kResultSchemaChange = 0x0005;
constexpr int32_t kMetaGlobalTablesSpec = 0x0001;
constexpr int32_t kMetaHasMorePages = 0x0002;
constexpr int32_t kMetaNoMetadata = 0x0004;

constexpr uint16_t kMaxConsistency = 0x000A;  // LOCAL_ONE
constexpr size_t kMaxShortLength = std::numeric_limits<uint16_t>::max();

[[noreturn]] void protocol_error(std::string msg) {
  throw CqlError(ErrorCode::kProtocolError, std::move(msg));
}

[[noreturn]] void unencodable(std::string msg) { throw CqlError(ErrorCode::kServerError, std::move(msg)); }

bool is_v5(int version) { return version >= 5; }

void expect_end(const BodyReader& r, const char* message) {
  if (!r.at_end()) {
    protocol_error("Unexpected " + std::to_string(r.remaining()) + " trailing bytes after the " + message +
                   " body");
  }
}

uint16_t read_checked_consistency(BodyReader& r, const char* what) {
  const uint16_t cl = r.read_consistency();
  if (cl > kMaxConsistency) protocol_error("Unknown code " + std::to_string(cl) + " for a " + what);
  return cl;
}

uint32_t read_flags(BodyReader& r, int version) {
  return is_v5(version) ? static_cast<uint32_t>(r.read_int()) : r.read_byte();
}

std::string hex(uint32_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  do {
    s.insert(s.begin(), kDigits[v & 0xF]);
    v >>= 4;
  } while (v != 0);
  return "0x" + s;
}

void check_flags(uint32_t flags, uint32_t allowed, const char* message) {
  if ((flags & ~allowed) != 0)
    protocol_error("Unknown flags " + hex(flags & ~allowed) + " in " + message + " message");
}

int64_t read_timestamp(BodyReader& r) {
  const int64_t ts = r.read_long();
  if (ts == std::numeric_limits<int64_t>::min()) {
    protocol_error("Out of bound timestamp, must be in [-9223372036854775807, 9223372036854775807]");
  }
  return ts;
}

// <n short> then n x [value], each preceded by a [string] name when `named`.
void read_values(BodyReader& r, bool named, std::vector<Value>& values, std::vector<std::string>& names) {
  const uint16_t n = r.read_ushort();
  for (uint16_t i = 0; i < n; ++i) {
    if (named) names.push_back(r.read_string());
    values.push_back(r.read_value());
  }
}

// The <query_parameters> of QUERY and EXECUTE (spec 4.1.4).
QueryParameters read_query_parameters(BodyReader& r, int version, const char* message) {
  QueryParameters p;
  p.consistency = read_checked_consistency(r, "consistency level");
  const uint32_t flags = read_flags(r, version);
  check_flags(flags, is_v5(version) ? kV5QueryFlags : kV4QueryFlags, message);
  p.skip_metadata = (flags & kFlagSkipMetadata) != 0;
  if (flags & kFlagValues) read_values(r, (flags & kFlagNamesForValues) != 0, p.values, p.value_names);
  if (flags & kFlagPageSize) p.page_size = r.read_int();
  if (flags & kFlagPagingState) p.paging_state = r.read_bytes();
  if (flags & kFlagSerialConsistency)
    p.serial_consistency = read_checked_consistency(r, "serial consistency level");
  if (flags & kFlagDefaultTimestamp) p.default_timestamp = read_timestamp(r);
  if (flags & kFlagKeyspace) p.keyspace = r.read_string();
  if (flags & kFlagNowInSeconds) p.now_in_seconds = r.read_int();
  return p;
}

// One BATCH parse, assuming the children's values are `named` or not. The names flag follows
// the values it describes (spec 4.1.7), so decode_batch tries both readings.
BatchRequest parse_batch(BytesView body, int version, bool named, uint32_t& flags) {
  BodyReader r(body);
  BatchRequest b;
  b.type = r.read_byte();
  if (b.type > 2) protocol_error("Invalid BATCH type " + std::to_string(b.type) + " (expected 0, 1 or 2)");
  const uint16_t n = r.read_ushort();
  for (uint16_t i = 0; i < n; ++i) {
    BatchChild c;
    const uint8_t kind = r.read_byte();
    if (kind == 0) {
      c.query = r.read_long_string();
    } else if (kind == 1) {
      c.is_prepared = true;
      c.id = r.read_short_bytes();
    } else {
      protocol_error("Invalid query kind " + std::to_string(kind) + " in BATCH message (expected 0 or 1)");
    }
    read_values(r, named, c.values, c.value_names);
    b.children.push_back(std::move(c));
  }
  b.consistency = read_checked_consistency(r, "consistency level");
  flags = read_flags(r, version);
  const uint32_t allowed = kFlagSerialConsistency | kFlagDefaultTimestamp | kFlagNamesForValues |
                           kBatchIgnoredFlags | (is_v5(version) ? kFlagKeyspace | kFlagNowInSeconds : 0);
  check_flags(flags, allowed, "BATCH");
  if (flags & kFlagSerialConsistency)
    b.serial_consistency = read_checked_consistency(r, "serial consistency level");
  if (flags & kFlagDefaultTimestamp) b.default_timestamp = read_timestamp(r);
  if (flags & kFlagKeyspace) b.keyspace = r.read_string();
  if (flags & kFlagNowInSeconds) b.now_in_seconds = r.read_int();
  expect_end(r, "BATCH");
  return b;
}

// ---------------------------------------------------------------------------------------------
// Result metadata

// True when every column shares one keyspace and table, so the spec is written once.
bool shares_table(const std::vector<cql::ColumnSpec>& cols) {
  if (cols.empty()) return false;
  for (const auto& c : cols) {
    if (c.keyspace != cols.front().keyspace || c.table != cols.front().table) return false;
  }
  return true;
}

void check_count(size_t n, const char* what) {
  if (n > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    unencodable("Too many " + std::string(what) + ": " + std::to_string(n));
  }
}

// [ks][table] once if `global`, then each column spec.
void write_column_specs(BodyWriter& w, const std::vector<cql::ColumnSpec>& cols, bool global, int version) {
  if (global) {
    w.write_string(cols.front().keyspace);
    w.write_string(cols.front().table);
  }
  for (const auto& c : cols) {
    if (!global) {
      w.write_string(c.keyspace);
      w.write_string(c.table);
    }
    w.write_string(c.name);
    w.write_type(c.type, version);
  }
}

// The <metadata> of a Rows result (spec 4.2.5.2); also the result metadata of Prepared.
void write_result_metadata(BodyWriter& w, const std::vector<cql::ColumnSpec>& cols,
                           const std::optional<Bytes>& paging_state, bool no_metadata, int version) {
  check_count(cols.size(), "result columns");
  const bool global = !no_metadata && shares_table(cols);
  int32_t flags = 0;
  if (global) flags |= kMetaGlobalTablesSpec;
  if (paging_state) flags |= kMetaHasMorePages;
  if (no_metadata) flags |= kMetaNoMetadata;
  w.write_int(flags);
  w.write_int(static_cast<int32_t>(cols.size()));
  if (paging_state) w.write_bytes(BytesView(*paging_state));
  if (!no_metadata) write_column_specs(w, cols, global, version);
}

void write_rows(BodyWriter& w, const cql::RowsResult& rows, int version) {
  write_result_metadata(w, rows.columns, rows.paging_state, rows.skip_metadata, version);
  check_count(rows.rows.size(), "rows");
  w.write_int(static_cast<int32_t>(rows.rows.size()));
  for (const auto& row : rows.rows) {
    if (row.size() != rows.columns.size()) {
      unencodable("Row has " + std::to_string(row.size()) + " cells but the result has " +
                  std::to_string(rows.columns.size()) + " columns");
    }
    for (const auto& cell : row) w.write_bytes(cell);
  }
}

void write_prepared(BodyWriter& w, const cql::PreparedResult& p, int version) {
  w.write_short_bytes(p.id);
  if (is_v5(version)) w.write_short_bytes(result_metadata_id(p.result_columns));
  // Bind (variables) metadata: flags, count, pk indexes, then the specs.
  check_count(p.bind_columns.size(), "bind columns");
  const bool global = shares_table(p.bind_columns);
  w.write_int(global ? kMetaGlobalTablesSpec : 0);
  w.write_int(static_cast<int32_t>(p.bind_columns.size()));
  check_count(p.pk_indexes.size(), "partition key indexes");
  w.write_int(static_cast<int32_t>(p.pk_indexes.size()));
  for (uint16_t idx : p.pk_indexes) {
    if (idx >= p.bind_columns.size()) {
      unencodable("Partition key index " + std::to_string(idx) + " is out of range for " +
                  std::to_string(p.bind_columns.size()) + " bind columns");
    }
    w.write_short(idx);
  }
  write_column_specs(w, p.bind_columns, global, version);
  write_result_metadata(w, p.result_columns, std::nullopt, p.result_columns.empty(), version);
}

const char* change_name(cql::SchemaChange::Change c) {
  switch (c) {
    case cql::SchemaChange::Change::kCreated:
      return "CREATED";
    case cql::SchemaChange::Change::kUpdated:
      return "UPDATED";
    case cql::SchemaChange::Change::kDropped:
      return "DROPPED";
  }
  unencodable("Unknown schema change type");
}

const char* target_name(cql::SchemaChange::Target t) {
  switch (t) {
    case cql::SchemaChange::Target::kKeyspace:
      return "KEYSPACE";
    case cql::SchemaChange::Target::kTable:
      return "TABLE";
    case cql::SchemaChange::Target::kType:
      return "TYPE";
    case cql::SchemaChange::Target::kFunction:
      return "FUNCTION";
    case cql::SchemaChange::Target::kAggregate:
      return "AGGREGATE";
  }
  unencodable("Unknown schema change target");
}

// <change_type><target><options> (spec 4.2.5.5 and 4.2.6).
void write_schema_change(BodyWriter& w, const cql::SchemaChange& c) {
  using Target = cql::SchemaChange::Target;
  w.write_string(change_name(c.change));
  w.write_string(target_name(c.target));
  w.write_string(c.keyspace);
  switch (c.target) {
    case Target::kKeyspace:
      break;
    case Target::kTable:
    case Target::kType:
      w.write_string(c.name);
      break;
    case Target::kFunction:
    case Target::kAggregate:
      w.write_string(c.name);
      w.write_string_list(c.arg_types);
      break;
  }
}

// A prefix of `s` that fits a [string] and does not split a UTF-8 sequence.
std::string_view fit_string(std::string_view s) {
  if (s.size() <= kMaxShortLength) return s;
  size_t n = kMaxShortLength;
  while (n > 0 && (static_cast<uint8_t>(s[n]) & 0xC0) == 0x80) --n;  // s[n] is a continuation byte
  return s.substr(0, n);
}

// 64-bit FNV-1a followed by a splitmix64 finalizer.
uint64_t digest64(BytesView data, uint64_t seed) {
  uint64_t h = seed;
  for (char c : data) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3ULL;
  }
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Request decoders

QueryRequest decode_query(BytesView body, int version) {
  BodyReader r(body);
  QueryRequest q;
  q.query = r.read_long_string();
  q.params = read_query_parameters(r, version, "QUERY");
  expect_end(r, "QUERY");
  return q;
}

ExecuteRequest decode_execute(BytesView body, int version) {
  BodyReader r(body);
  ExecuteRequest e;
  e.id = r.read_short_bytes();
  if (is_v5(version)) e.result_metadata_id = r.read_short_bytes();
  e.params = read_query_parameters(r, version, "EXECUTE");
  expect_end(r, "EXECUTE");
  return e;
}

PrepareRequest decode_prepare_request(BytesView body, int version) {
  BodyReader r(body);
  PrepareRequest p;
  p.query = r.read_long_string();
  if (is_v5(version)) {
    const auto flags = static_cast<uint32_t>(r.read_int());
    check_flags(flags, kPrepareFlagKeyspace, "PREPARE");
    if (flags & kPrepareFlagKeyspace) p.keyspace = r.read_string();
  }
  expect_end(r, "PREPARE");
  return p;
}

std::string decode_prepare(BytesView body, int version) {
  return decode_prepare_request(body, version).query;
}

BatchRequest decode_batch(BytesView body, int version) {
  uint32_t flags = 0;
  std::optional<CqlError> unnamed_error;
  try {
    BatchRequest b = parse_batch(body, version, /*named=*/false, flags);
    if ((flags & kFlagNamesForValues) == 0) return b;
  } catch (const CqlError& e) {
    unnamed_error = e;
  }
  // Either the unnamed reading failed or it found the names flag: read the values as named.
  try {
    BatchRequest b = parse_batch(body, version, /*named=*/true, flags);
    if (flags & kFlagNamesForValues) return b;
  } catch (const CqlError& e) {
    if (!unnamed_error) throw;
  }
  if (unnamed_error) throw *unnamed_error;
  protocol_error("Malformed BATCH message: values are named but the names flag (0x40) is not set");
}

std::map<std::string, std::string> decode_startup(BytesView body) {
  BodyReader r(body);
  auto options = r.read_string_map();
  expect_end(r, "STARTUP");
  return options;
}

std::vector<std::string> decode_register(BytesView body) {
  BodyReader r(body);
  auto events = r.read_string_list();
  expect_end(r, "REGISTER");
  return events;
}

// ---------------------------------------------------------------------------------------------
// Response encoders

Bytes encode_result(const cql::ResultMessage& result, int version) {
  BodyWriter w;
  std::visit(
      [&](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, cql::VoidResult>) {
          w.write_int(kResultVoid);
        } else if constexpr (std::is_same_v<T, cql::RowsResult>) {
          w.write_int(kResultRows);
          write_rows(w, r, version);
        } else if constexpr (std::is_same_v<T, cql::SetKeyspaceResult>) {
          w.write_int(kResultSetKeyspace);
          w.write_string(r.keyspace);
        } else if constexpr (std::is_same_v<T, cql::PreparedResult>) {
          w.write_int(kResultPrepared);
          write_prepared(w, r, version);
        } else {
          static_assert(std::is_same_v<T, cql::SchemaChangeResult>);
          w.write_int(kResultSchemaChange);
          write_schema_change(w, r.change);
        }
      },
      result);
  return w.take();
}

Bytes result_metadata_id(const std::vector<cql::ColumnSpec>& columns) {
  BodyWriter w;
  w.write_int(static_cast<int32_t>(columns.size()));
  write_column_specs(w, columns, /*global=*/false, /*version=*/5);
  const Bytes& data = w.data();
  Bytes id;
  common::put_be64(id, digest64(data, 0xcbf29ce484222325ULL));
  common::put_be64(id, digest64(data, 0x9e3779b97f4a7c15ULL));
  return id;
}

Bytes encode_error(const CqlError& error) {
  const common::ErrorDetail& d = error.detail();
  BodyWriter w;
  w.write_int(static_cast<int32_t>(error.code()));
  w.write_string(fit_string(error.what()));
  // The failure codes carry no failure count in ErrorDetail; at least one replica failed.
  constexpr int32_t kNumFailures = 1;
  switch (error.code()) {
    case ErrorCode::kUnavailable:
      w.write_short(d.consistency);
      w.write_int(d.required);
      w.write_int(d.received);
      break;
    case ErrorCode::kWriteTimeout:
      w.write_short(d.consistency);
      w.write_int(d.received);
      w.write_int(d.required);
      w.write_string(fit_string(d.write_type));
      break;
    case ErrorCode::kReadTimeout:
      w.write_short(d.consistency);
      w.write_int(d.received);
      w.write_int(d.required);
      w.write_byte(d.data_present ? 1 : 0);
      break;
    case ErrorCode::kReadFailure:
      w.write_short(d.consistency);
      w.write_int(d.received);
      w.write_int(d.required);
      w.write_int(kNumFailures);
      w.write_byte(d.data_present ? 1 : 0);
      break;
    case ErrorCode::kFunctionFailure:
      w.write_string(fit_string(d.keyspace));
      w.write_string(fit_string(d.table));
      w.write_string_list({});
      break;
    case ErrorCode::kWriteFailure:
      w.write_short(d.consistency);
      w.write_int(d.received);
      w.write_int(d.required);
      w.write_int(kNumFailures);
      w.write_string(fit_string(d.write_type));
      break;
    case ErrorCode::kCasWriteUnknown:
      w.write_short(d.consistency);
      w.write_int(d.received);
      w.write_int(d.required);
      break;
    case ErrorCode::kAlreadyExists:
      w.write_string(fit_string(d.keyspace));
      w.write_string(fit_string(d.table));
      break;
    case ErrorCode::kUnprepared:
      w.write_short_bytes(BytesView(d.prepared_id).substr(0, kMaxShortLength));
      break;
    default:
      break;
  }
  return w.take();
}

Bytes encode_supported(const std::vector<std::pair<std::string, std::vector<std::string>>>& options) {
  BodyWriter w;
  w.write_string_multimap(options);
  return w.take();
}

Bytes encode_schema_change_event(const cql::SchemaChange& change) {
  BodyWriter w;
  w.write_string("SCHEMA_CHANGE");
  write_schema_change(w, change);
  return w.take();
}

Bytes encode_node_event(const std::string& type, const std::string& change, BytesView address, int32_t port) {
  BodyWriter w;
  w.write_string(type);
  w.write_string(change);
  w.write_inet(address, port);
  return w.take();
}

}  // namespace krill::transport
