// Renders CQL values as text the way cqlsh shows them, for the table display and for
// COPY TO.
//
// Top-level text is unquoted; inside collections, tuples and UDTs strings are quoted
// ('it''s'). Blobs are 0x..., booleans True/False, timestamps
// 2024-01-02 03:04:05.000000+0000 (UTC), dates 2024-01-02, times 03:04:05.000000000,
// lists [1, 2], sets {1, 2}, maps {'a': 1}, tuples (1, 'a'), UDTs {f: 1}. Floats show
// `float_precision` (5) significant digits and doubles `double_precision` (12), unless
// `round_trip` is set (COPY TO), which prints the shortest text that parses back to the
// same value. An empty (0-byte) value of a non-string type is "". A value that does not
// decode as its type is shown as its raw bytes, 0x.... Pure functions, thread-safe.
#pragma once

#include <string>

#include "common/bytes.h"
#include "common/types.h"
#include "common/values.h"

namespace krill::tools::shell {

struct FormatOptions {
  int float_precision = 5;
  int double_precision = 12;
  bool round_trip = false;     // shortest round-trip floats (COPY TO)
  bool escape_control = true;  // show control characters and '\' in text as escapes (display)
};

std::string format_value(const common::DataType& type, common::BytesView value, const FormatOptions& options);

// The timestamp text cqlsh prints: "2024-01-02 03:04:05.123000+0000".
std::string format_cqlsh_timestamp(int64_t millis);

// A column or field name as cqlsh shows it in CQL: bare when a lower-case identifier,
// otherwise "double-quoted".
using common::quote_identifier;  // common/values.h

// True for the numeric types: tinyint, smallint, int, bigint, varint, float, double,
// decimal and counter (shown right-aligned, read from number text).
bool is_numeric_kind(common::TypeKind k);

// Display width of UTF-8 text in terminal columns (one per code point).
size_t display_width(std::string_view text);

}  // namespace krill::tools::shell
