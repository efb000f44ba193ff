// Typed result decoding and request encoders with full query parameters (see results.h).
#include "tools/client/results.h"

#include "common/error.h"

namespace krill::tools::client {

namespace {

using common::Bytes;
using common::BytesView;
using common::DataType;
using common::TypeKind;
using transport::BodyReader;

constexpr std::string_view kDurationClass = "org.apache.cassandra.db.marshal.DurationType";

[[noreturn]] void malformed(const std::string& what) {
  throw common::CqlError(common::ErrorCode::kProtocolError, "Malformed response: " + what);
}

DataType read_type(BodyReader& r, int depth) {
  if (depth > 64) malformed("type nesting too deep");
  const uint16_t id = r.read_ushort();
  switch (id) {
    case 0x0000: {
      std::string cls = r.read_string();
      if (cls == kDurationClass) return DataType::native(TypeKind::kDuration);
      return DataType::custom(std::move(cls));
    }
    case 0x0020:
      return DataType::list(read_type(r, depth + 1), true);
    case 0x0022:
      return DataType::set(read_type(r, depth + 1), true);
    case 0x0021: {
      DataType k = read_type(r, depth + 1);
      DataType v = read_type(r, depth + 1);
      return DataType::map(std::move(k), std::move(v), true);
    }
    case 0x0030: {
      std::string ks = r.read_string();
      std::string name = r.read_string();
      const uint16_t n = r.read_ushort();
      std::vector<std::string> names;
      std::vector<DataType> types;
      for (uint16_t i = 0; i < n; ++i) {
        names.push_back(r.read_string());
        types.push_back(read_type(r, depth + 1));
      }
      return DataType::udt(std::move(ks), std::move(name), std::move(names), std::move(types), true);
    }
    case 0x0031: {
      const uint16_t n = r.read_ushort();
      std::vector<DataType> types;
      for (uint16_t i = 0; i < n; ++i) types.push_back(read_type(r, depth + 1));
      return DataType::tuple(std::move(types));
    }
    default:
      if (id == 0x000A || id > 0x0015) malformed("unknown type id " + std::to_string(id));
      return DataType::native(static_cast<TypeKind>(id));
  }
}

std::vector<ColumnInfo> read_columns(BodyReader& r, int32_t flags, int32_t count) {
  if (count < 0) malformed("negative column count");
  std::vector<ColumnInfo> out;
  const bool global = (flags & 0x0001) != 0;
  std::string gks, gtable;
  if (global && count > 0) {
    gks = r.read_string();
    gtable = r.read_string();
  }
  for (int32_t i = 0; i < count; ++i) {
    ColumnInfo c;
    if (global) {
      c.keyspace = gks;
      c.table = gtable;
    } else {
      c.keyspace = r.read_string();
      c.table = r.read_string();
    }
    c.name = r.read_string();
    c.type = read_type(r, 0);
    out.push_back(std::move(c));
  }
  return out;
}

void put_query_params(Bytes& out, const QueryParams& p) {
  common::put_be16(out, static_cast<uint16_t>(p.consistency));
  uint8_t flags = 0;
  if (!p.values.empty()) flags |= 0x01;
  if (p.skip_metadata) flags |= 0x02;
  if (p.page_size > 0) flags |= 0x04;
  if (p.paging_state) flags |= 0x08;
  if (p.serial_consistency) flags |= 0x10;
  out.push_back(static_cast<char>(flags));
  if (!p.values.empty()) append_values(out, p.values);
  if (p.page_size > 0) common::put_be32(out, static_cast<uint32_t>(p.page_size));
  if (p.paging_state) {
    common::put_be32(out, static_cast<uint32_t>(p.paging_state->size()));
    out.append(*p.paging_state);
  }
  if (p.serial_consistency) common::put_be16(out, static_cast<uint16_t>(*p.serial_consistency));
}

}  // namespace

DataType read_type_option(BodyReader& r) { return read_type(r, 0); }

RowsResult decode_rows(BytesView body) {
  BodyReader r(body);
  if (r.read_int() != static_cast<int32_t>(ResultKind::kRows)) malformed("not a Rows result");
  RowsResult out;
  const int32_t flags = r.read_int();
  const int32_t columns = r.read_int();
  if (columns < 0) malformed("negative column count");
  if (flags & 0x0002) {
    auto state = r.read_bytes();
    if (state) out.paging_state = std::move(*state);
  }
  if ((flags & 0x0004) == 0) out.columns = read_columns(r, flags, columns);
  const int32_t rows = r.read_int();
  if (rows < 0) malformed("negative row count");
  out.rows.reserve(static_cast<size_t>(rows));
  for (int32_t i = 0; i < rows; ++i) {
    std::vector<std::optional<Bytes>> row;
    row.reserve(static_cast<size_t>(columns));
    for (int32_t c = 0; c < columns; ++c) row.push_back(r.read_bytes());
    out.rows.push_back(std::move(row));
  }
  return out;
}

PreparedStatement decode_prepared_statement(BytesView body) {
  BodyReader r(body);
  if (r.read_int() != static_cast<int32_t>(ResultKind::kPrepared)) malformed("not a Prepared result");
  PreparedStatement p;
  p.id = r.read_short_bytes();
  const int32_t flags = r.read_int();
  const int32_t binds = r.read_int();
  const int32_t pk_count = r.read_int();
  for (int32_t i = 0; i < pk_count; ++i) r.read_ushort();
  p.binds = read_columns(r, flags, binds);
  const int32_t rflags = r.read_int();
  const int32_t rcount = r.read_int();
  if (rflags & 0x0002) r.read_bytes();
  if ((rflags & 0x0004) == 0) p.result_columns = read_columns(r, rflags, rcount);
  return p;
}

std::string decode_set_keyspace(BytesView body) {
  BodyReader r(body);
  if (r.read_int() != static_cast<int32_t>(ResultKind::kSetKeyspace)) malformed("not a Set_keyspace result");
  return r.read_string();
}

void append_query(Bytes& out, std::string_view query, const QueryParams& params) {
  append_long_string(out, query);
  put_query_params(out, params);
}

void append_execute(Bytes& out, std::string_view prepared_id, const QueryParams& params) {
  common::put_be16(out, static_cast<uint16_t>(prepared_id.size()));
  out.append(prepared_id);
  put_query_params(out, params);
}

void append_batch(Bytes& out, BatchType type, std::span<const BatchStatement> statements,
                  Consistency consistency, std::optional<Consistency> serial_consistency) {
  out.push_back(static_cast<char>(type));
  common::put_be16(out, static_cast<uint16_t>(statements.size()));
  for (const BatchStatement& s : statements) {
    out.push_back(static_cast<char>(1));  // kind: prepared
    common::put_be16(out, static_cast<uint16_t>(s.prepared_id.size()));
    out.append(s.prepared_id);
    append_values(out, s.values);
  }
  common::put_be16(out, static_cast<uint16_t>(consistency));
  out.push_back(static_cast<char>(serial_consistency ? 0x10 : 0x00));
  if (serial_consistency) common::put_be16(out, static_cast<uint16_t>(*serial_consistency));
}

const char* error_class_name(int32_t code) {
  switch (code) {
    case 0x0000:
      return "ServerError";
    case 0x000A:
      return "ProtocolError";
    case 0x0100:
      return "AuthenticationFailed";
    case 0x1000:
      return "Unavailable";
    case 0x1001:
      return "Overloaded";
    case 0x1002:
      return "IsBootstrapping";
    case 0x1003:
      return "TruncateError";
    case 0x1100:
      return "WriteTimeout";
    case 0x1200:
      return "ReadTimeout";
    case 0x1300:
      return "ReadFailure";
    case 0x1400:
      return "FunctionFailure";
    case 0x1500:
      return "WriteFailure";
    case 0x2000:
      return "SyntaxException";
    case 0x2100:
      return "Unauthorized";
    case 0x2200:
      return "InvalidRequest";
    case 0x2300:
      return "ConfigurationException";
    case 0x2400:
      return "AlreadyExists";
    case 0x2500:
      return "Unprepared";
    default:
      return "ServerError";
  }
}

const char* error_summary(int32_t code) {
  switch (code) {
    case 0x0000:
      return "Server error";
    case 0x000A:
      return "Protocol error";
    case 0x0100:
      return "Bad credentials";
    case 0x1000:
      return "Unavailable exception";
    case 0x1001:
      return "Coordinator node overloaded";
    case 0x1002:
      return "Coordinator node is bootstrapping";
    case 0x1003:
      return "Error during truncate";
    case 0x1100:
    case 0x1200:
      return "Coordinator node timed out waiting for replica nodes' responses";
    case 0x1300:
      return "Replica(s) failed to execute read";
    case 0x1400:
      return "Error during execution of function";
    case 0x1500:
      return "Replica(s) failed to execute write";
    case 0x2000:
      return "Syntax error in CQL query";
    case 0x2100:
      return "Unauthorized";
    case 0x2200:
      return "Invalid query";
    case 0x2300:
      return "Query invalid because of configuration issue";
    case 0x2400:
      return "Already exists";
    case 0x2500:
      return "Unprepared query";
    default:
      return "Unknown error";
  }
}

}  // namespace krill::tools::client
