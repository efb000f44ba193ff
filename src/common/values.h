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

// Orders two serialized values of `t` as Cassandra's comparator does: signed numbers,
// IEEE order for float/double (NaN greatest), unsigned bytes for text/blob, timeuuid by
// time then bytes, collections element-wise. Empty values sort first. <0, 0, >0.
int compare_values(const DataType& t, BytesView a, BytesView b);

// Renders a value as a CQL literal that parses back to the same value:
// 'it''s' for text, 42, 1.5, true, 0xcafe for blobs, uuids bare,
// '2024-01-01 12:00:00.000Z' style timestamps, '2024-01-01' dates, '12:00:00.000000000'
// times, '127.0.0.1' inets, [1, 2] lists, {1, 2} sets, {1: 'a'} maps, (1, 'a') tuples,
// {f: 1} UDTs, 1mo2d3ns durations. An empty value of a non-string type renders as "" (empty).
std::string to_cql_literal(const DataType& t, BytesView v);

// Converts the contents of a CQL string literal to a value of `t`. Accepted for text,
// ascii, and the types whose literals are strings: timestamp (ISO-8601 forms and integer
// millis), date ('2024-01-01' or days), time ('12:34:56.789'), inet, uuid, timeuuid,
// duration, blob is NOT accepted (use hex). Throws CqlError(kInvalid) otherwise.
Bytes from_string_literal(const DataType& t, std::string_view s);

// Converts a numeric literal's text ("42", "-7", "1.5e3", "NaN", "Infinity", "-Infinity")
// to a value of a numeric type (tinyint..varint, float, double, decimal, counter, and
// timestamp/date/time from integers). Throws CqlError(kInvalid) on range or type mismatch,
// e.g. "Unable to make int from '3000000000'".
Bytes from_number_literal(const DataType& t, std::string_view s);

// Converts a uuid literal (bare 8-4-4-4-12 hex) to uuid/timeuuid bytes. Throws kInvalid.
Bytes from_uuid_literal(const DataType& t, std::string_view s);

// Converts hex digits (without the 0x prefix) to bytes; throws kInvalid on odd length/bad digit.
Bytes from_hex(std::string_view hex);

// Fixed-width encoders.
Bytes encode_int(int32_t v);
Bytes encode_bigint(int64_t v);
Bytes encode_boolean(bool v);
Bytes encode_double(double v);
Bytes encode_float(float v);

// Decoders. REQUIRES: the value has the exact width (callers validate first).
int32_t decode_int(BytesView v);
int64_t decode_bigint(BytesView v);
bool decode_boolean(BytesView v);

// Collection bodies: [int n] followed by n [bytes] elements (list/set), or n key/value pairs (map).
// A nullopt element encodes as length -1 (only legal inside tuples/UDTs).
Bytes encode_elements(const std::vector<Bytes>& elements);
Bytes encode_pairs(const std::vector<std::pair<Bytes, Bytes>>& pairs);
// Tuple and UDT bodies: one [bytes] per component, -1 for null.
Bytes encode_components(const std::vector<std::optional<Bytes>>& components);
// Throw CqlError(kInvalid) on malformed input.
std::vector<Bytes> decode_elements(BytesView v);
std::vector<std::pair<Bytes, Bytes>> decode_pairs(BytesView v);
std::vector<std::optional<Bytes>> decode_components(BytesView v);

}  // namespace krill::common
