// Serialized CQL values: validation, ordering, literal conversion and rendering.
//
// A value is always held in its native-protocol serialized form (spec section 6, and
// ../shared/reference/cql-drivers.md section 5): that is what clients send, what storage
// keeps and what results return. An empty (0-byte) value is legal for every type and is
// distinct from null; null is represented by the absence of a value (std::optional).
// All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/bytes.h"
#include "common/types.h"

namespace krill::common {

// Throws CqlError(kInvalid) when `v` is not a well-formed value of type `t`, with a message
// naming the type, e.g. "Expected 4 or 0 byte int (3)" or "Invalid UTF-8 bytes ...".
// Recurses into collections, tuples and UDTs.
void validate_value(const DataType& t, BytesView v);

// Orders two serialized values of `t` as Cassandra's comparator does: signed numbers
// (tinyint..bigint, counter, varint, timestamp), decimals by value (1.0 == 1.00), IEEE order
// for float/double (-0.0 before 0.0, NaN greatest), unsigned days/nanos for date/time,
// false < true, unsigned bytes for text/ascii/blob/inet/duration/custom; uuid by version,
// then (v1) timestamp or the high half, then the low half unsigned; timeuuid by timestamp,
// then the low half as signed bytes; collections, tuples and UDTs element-wise (null
// components first, a prefix before longer values). Empty values sort first. <0, 0, >0.
// Never throws: malformed values are ordered bytewise.
int compare_values(const DataType& t, BytesView a, BytesView b);

// Renders a value as a CQL literal that parses back to the same value:
// 'it''s' for text, 42, 1.5, true, 0xcafe for blobs, uuids bare,
// '2024-01-01 12:00:00.000Z' style timestamps, '2024-01-01' dates, '12:00:00.000000000'
// times, '127.0.0.1' inets, [1, 2] lists, {1, 2} sets, {1: 'a'} maps, (1, 'a') tuples,
// {f: 1} UDTs, 1mo2d3ns durations. An empty value of a non-string type renders as "" (empty);
// empty text is '' and an empty blob 0x. Floats use the shortest round-trip form, NaN,
// Infinity and -Infinity; decimals print as Java's BigDecimal does (1.23, 1E+10); timestamps
// and dates outside years 0..9999 print as their integer value (millis, raw date).
// Throws CqlError(kInvalid) when `v` is not a valid value of `t` (see validate_value).
std::string to_cql_literal(const DataType& t, BytesView v);

// A column or field name as a CQL identifier: bare when it is a lower-case identifier
// ([a-z][a-z0-9_]*), otherwise "double-quoted" with inner quotes doubled. Keywords are not
// checked: a name like "select" stays bare.
std::string quote_identifier(const std::string& name);

// Converts the contents of a CQL string literal to a value of `t`. Accepted for text,
// ascii, and the types whose literals are strings: timestamp (ISO-8601 forms and integer
// millis), date ('2024-01-01' or days), time ('12:34:56.789'), inet, uuid, timeuuid,
// duration, blob is NOT accepted (use hex). Throws CqlError(kInvalid) otherwise, naming the
// input: "Unable to coerce '2024-13-01' to a formatted date (long)",
// "Invalid STRING constant (42) for type int". The forms accepted are those of
// parse_timestamp/parse_date/parse_time/parse_duration in datetime.h.
Bytes from_string_literal(const DataType& t, std::string_view s);

// Converts a numeric literal's text ("42", "-7", "1.5e3", "NaN", "Infinity", "-Infinity")
// to a value of a numeric type (tinyint..varint, float, double, decimal, counter, and
// timestamp/date/time from integers). Throws CqlError(kInvalid) on range or type mismatch,
// e.g. "Unable to make int from '3000000000'", or "Invalid FLOAT constant (1.5) for type int"
// for a float literal given to an integer type. Decimals keep the literal's digits and scale
// ("1.5e3" -> unscaled 15, scale -2); date takes the raw uint32 wire value, time nanoseconds.
Bytes from_number_literal(const DataType& t, std::string_view s);

// Converts a uuid literal (bare 8-4-4-4-12 hex) to uuid/timeuuid bytes. Throws kInvalid.
Bytes from_uuid_literal(const DataType& t, std::string_view s);

// Converts hex digits (without the 0x prefix) to bytes; throws kInvalid on odd length/bad digit.
Bytes from_hex(std::string_view hex);

// Fixed-width encoders (bigint also serves counter and timestamp).
Bytes encode_int(int32_t v);
Bytes encode_bigint(int64_t v);
Bytes encode_boolean(bool v);
Bytes encode_double(double v);
Bytes encode_float(float v);
Bytes encode_smallint(int16_t v);
Bytes encode_tinyint(int8_t v);

// Decoders. REQUIRES: the value has the exact width (callers validate first).
int32_t decode_int(BytesView v);
int64_t decode_bigint(BytesView v);
bool decode_boolean(BytesView v);  // any non-zero byte is true
double decode_double(BytesView v);
float decode_float(BytesView v);
int16_t decode_smallint(BytesView v);
int8_t decode_tinyint(BytesView v);

// Collection bodies: [int n] followed by n [bytes] elements (list/set), or n key/value pairs (map).
// A nullopt element encodes as length -1 (only legal inside tuples/UDTs).
Bytes encode_elements(const std::vector<Bytes>& elements);
Bytes encode_pairs(const std::vector<std::pair<Bytes, Bytes>>& pairs);
// Tuple and UDT bodies: one [bytes] per component, -1 for null.
Bytes encode_components(const std::vector<std::optional<Bytes>>& components);
// Throw CqlError(kInvalid) on malformed input (truncation, trailing bytes, null elements in
// a list/set/map). An empty (0-byte) input decodes to no elements.
std::vector<Bytes> decode_elements(BytesView v);
std::vector<std::pair<Bytes, Bytes>> decode_pairs(BytesView v);
std::vector<std::optional<Bytes>> decode_components(BytesView v);

}  // namespace krill::common
