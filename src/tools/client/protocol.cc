// Client-side request encoders and response decoders (see protocol.h).
#include "tools/client/protocol.h"

#include <cstdio>

#include "common/error.h"
#include "tools/client/results.h"

namespace krill::tools::client {

namespace {

using common::Bytes;
using common::BytesView;
using common::CqlError;
using common::ErrorCode;
using transport::BodyReader;

[[noreturn]] void malformed(const std::string& what) {
  throw CqlError(ErrorCode::kProtocolError, "Malformed response: " + what);
}

void put_string(Bytes& out, std::string_view s) {
  common::put_be16(out, static_cast<uint16_t>(s.size()));
  out.append(s);
}

// Skips a type [option] (spec 4.2.5.2), recursing into collection, UDT and tuple types.
void skip_type(BodyReader& r, int depth = 0) {
  if (depth > 64) malformed("type nesting too deep");
  const uint16_t id = r.read_ushort();
  switch (id) {
    case 0x0000:  // custom
      r.read_string();
      return;
    case 0x0020:  // list
    case 0x0022:  // set
      skip_type(r, depth + 1);
      return;
    case 0x0021:  // map
      skip_type(r, depth + 1);
      skip_type(r, depth + 1);
      return;
    case 0x0030: {  // UDT
      r.read_string();
      r.read_string();
      const uint16_t n = r.read_ushort();
      for (uint16_t i = 0; i < n; ++i) {
        r.read_string();
        skip_type(r, depth + 1);
      }
      return;
    }
    case 0x0031: {  // tuple
      const uint16_t n = r.read_ushort();
      for (uint16_t i = 0; i < n; ++i) skip_type(r, depth + 1);
      return;
    }
    default:
      if (id > 0x0031) malformed("unknown type id " + std::to_string(id));
      return;
  }
}

// Reads column specs (after flags/count were read). Appends names when `names` is non-null.
void read_column_specs(BodyReader& r, int32_t flags, int32_t count, std::vector<std::string>* names) {
  const bool global = (flags & 0x0001) != 0;
  if (global && count > 0) {
    r.read_string();
    r.read_string();
  }
  for (int32_t i = 0; i < count; ++i) {
    if (!global) {
      r.read_string();
      r.read_string();
    }
    std::string name = r.read_string();
    if (names != nullptr) names->push_back(std::move(name));
    skip_type(r);
  }
}

struct RowsHeader {
  int32_t flags = 0;
  int32_t columns = 0;
};

// Reads a Rows result's kind and metadata; `r` is left at the rows count.
RowsHeader read_rows_header(BodyReader& r, std::vector<std::string>* names) {
  if (r.read_int() != static_cast<int32_t>(ResultKind::kRows)) malformed("not a Rows result");
  RowsHeader h;
  h.flags = r.read_int();
  h.columns = r.read_int();
  if (h.columns < 0) malformed("negative column count");
  if (h.flags & 0x0002) r.read_bytes();  // paging state
  if ((h.flags & 0x0004) == 0) read_column_specs(r, h.flags, h.columns, names);
  return h;
}

const char* error_name(int32_t code) {
  switch (code) {
    case 0x0000:
      return "Server error";
    case 0x000A:
      return "Protocol error";
    case 0x0100:
      return "Bad credentials";
    case 0x1000:
      return "Unavailable";
    case 0x1001:
      return "Overloaded";
    case 0x1002:
      return "Is bootstrapping";
    case 0x1003:
      return "Truncate error";
    case 0x1100:
      return "Write timeout";
    case 0x1200:
      return "Read timeout";
    case 0x1300:
      return "Read failure";
    case 0x1400:
      return "Function failure";
    case 0x1500:
      return "Write failure";
    case 0x2000:
      return "Syntax error";
    case 0x2100:
      return "Unauthorized";
    case 0x2200:
      return "Invalid";
    case 0x2300:
      return "Config error";
    case 0x2400:
      return "Already exists";
    case 0x2500:
      return "Unprepared";
    default:
      return "Unknown error";
  }
}

}  // namespace

void append_long_string(Bytes& out, std::string_view s) {
  common::put_be32(out, static_cast<uint32_t>(s.size()));
  out.append(s);
}

void append_values(Bytes& out, std::span<const ValueRef> values) {
  common::put_be16(out, static_cast<uint16_t>(values.size()));
  for (const ValueRef& v : values) {
    if (v.null) {
      common::put_be32(out, 0xFFFFFFFFu);
    } else {
      common::put_be32(out, static_cast<uint32_t>(v.bytes.size()));
      out.append(v.bytes);
    }
  }
}

size_t begin_frame(Bytes& out, Opcode op, int16_t stream) {
  const size_t start = out.size();
  FrameHeader h;
  h.version = kRequestVersion;
  h.stream = stream;
  h.opcode = op;
  h.length = 0;
  out.resize(start + transport::kHeaderSize);
  transport::encode_header(h, reinterpret_cast<uint8_t*>(out.data() + start));
  return start;
}

void end_frame(Bytes& out, size_t frame_start) {
  const auto len = static_cast<uint32_t>(out.size() - frame_start - transport::kHeaderSize);
  char* p = out.data() + frame_start + 5;
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>(len >> (24 - 8 * i));
}

void append_startup_body(Bytes& out) {
  common::put_be16(out, 1);
  put_string(out, "CQL_VERSION");
  put_string(out, "3.0.0");
}

void append_options_body(Bytes& /*out*/) {}

void append_prepare_body(Bytes& out, std::string_view query) { append_long_string(out, query); }

void append_query_body(Bytes& out, std::string_view query, Consistency cl, std::span<const ValueRef> values) {
  QueryParams params;
  params.consistency = cl;
  params.values = values;
  append_query(out, query, params);
}

void append_execute_body(Bytes& out, std::string_view prepared_id, Consistency cl,
                         std::span<const ValueRef> values, bool skip_metadata) {
  QueryParams params;
  params.consistency = cl;
  params.values = values;
  params.skip_metadata = skip_metadata;
  append_execute(out, prepared_id, params);
}

ErrorInfo decode_error(BytesView body) {
  BodyReader r(body);
  ErrorInfo e;
  e.code = r.read_int();
  e.message = r.read_string();
  return e;
}

ResultKind result_kind(BytesView body) {
  BodyReader r(body);
  const int32_t kind = r.read_int();
  if (kind < 1 || kind > 5) malformed("unknown result kind " + std::to_string(kind));
  return static_cast<ResultKind>(kind);
}

RowsView::RowsView(BytesView body) {
  BodyReader r(body);
  const RowsHeader h = read_rows_header(r, &names_);
  columns_ = h.columns;
  has_more_pages_ = (h.flags & 0x0002) != 0;
  rows_ = r.read_int();
  if (rows_ < 0) malformed("negative row count");
  rows_data_ = body.substr(body.size() - r.remaining());
}

std::vector<ValueRef> RowsView::cells() const {
  std::vector<ValueRef> out;
  out.reserve(static_cast<size_t>(rows_) * static_cast<size_t>(columns_));
  size_t pos = 0;
  const size_t total = static_cast<size_t>(rows_) * static_cast<size_t>(columns_);
  for (size_t i = 0; i < total; ++i) {
    if (rows_data_.size() - pos < 4) malformed("truncated row");
    const auto len = static_cast<int32_t>(common::get_be32(rows_data_.data() + pos));
    pos += 4;
    if (len < 0) {
      out.push_back(ValueRef{{}, true});
      continue;
    }
    if (rows_data_.size() - pos < static_cast<size_t>(len)) malformed("truncated cell");
    out.push_back(ValueRef{rows_data_.substr(pos, static_cast<size_t>(len)), false});
    pos += static_cast<size_t>(len);
  }
  return out;
}

int32_t count_rows(BytesView body) {
  BodyReader r(body);
  const RowsHeader h = read_rows_header(r, nullptr);
  const int32_t rows = r.read_int();
  if (rows < 0) malformed("negative row count");
  BytesView data = body.substr(body.size() - r.remaining());
  size_t pos = 0;
  const size_t total = static_cast<size_t>(rows) * static_cast<size_t>(h.columns);
  for (size_t i = 0; i < total; ++i) {
    if (data.size() - pos < 4) malformed("truncated row");
    const auto len = static_cast<int32_t>(common::get_be32(data.data() + pos));
    pos += 4;
    if (len > 0) {
      if (data.size() - pos < static_cast<size_t>(len)) malformed("truncated cell");
      pos += static_cast<size_t>(len);
    }
  }
  return rows;
}

PreparedInfo decode_prepared(BytesView body) {
  BodyReader r(body);
  if (r.read_int() != static_cast<int32_t>(ResultKind::kPrepared)) malformed("not a Prepared result");
  PreparedInfo p;
  p.id = r.read_short_bytes();
  const int32_t flags = r.read_int();
  p.bind_count = r.read_int();
  if (p.bind_count < 0) malformed("negative bind count");
  const int32_t pk_count = r.read_int();
  for (int32_t i = 0; i < pk_count; ++i) r.read_ushort();
  read_column_specs(r, flags, p.bind_count, &p.bind_names);
  return p;  // the result metadata that follows is not needed by the client
}

std::string describe_response(const FrameHeader& header, BytesView body) {
  try {
    if (header.opcode == Opcode::kError) {
      const ErrorInfo e = decode_error(body);
      char code[16];
      std::snprintf(code, sizeof code, "0x%04x", static_cast<unsigned>(e.code));
      return std::string("ERROR ") + code + " (" + error_name(e.code) + "): " + e.message;
    }
    if (header.opcode == Opcode::kReady) return "READY";
    if (header.opcode != Opcode::kResult) return "opcode " + std::to_string(static_cast<int>(header.opcode));
    switch (result_kind(body)) {
      case ResultKind::kVoid:
        return "RESULT Void";
      case ResultKind::kRows:
        return "RESULT Rows (" + std::to_string(count_rows(body)) + " rows)";
      case ResultKind::kSetKeyspace:
        return "RESULT Set_keyspace";
      case ResultKind::kPrepared:
        return "RESULT Prepared";
      case ResultKind::kSchemaChange:
        return "RESULT Schema_change";
    }
  } catch (const CqlError& e) {
    return std::string("undecodable response: ") + e.what();
  }
  return "RESULT";
}

}  // namespace krill::tools::client
