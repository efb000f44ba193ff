// Internal to cql/: CQL values as JSON, Cassandra 4.0's encodings (SELECT JSON, toJson(),
// fromJson(), INSERT JSON).
//
// To JSON: numbers bare (float/double as Java prints them, NaN/Infinity as null), text
// and ascii as JSON strings, blobs as "0x...", uuid/timeuuid/inet/date/time/duration as
// strings, timestamps as "2024-01-01 12:00:00.000Z", lists/sets/tuples as arrays, maps
// and UDTs as objects (map keys always as strings), null as null. Output uses ", " and
// ": " separators as Cassandra does.
//
// From JSON: the inverse, also accepting numbers given as strings and timestamps given
// as integer milliseconds; map keys of non-string types are decoded from their string.
// Parsing keeps number text exact (varint and decimal lose no digits).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/types.h"
#include "cql/execution.h"

namespace krill::cql {

// The JSON text of a value of `type`; "null" for nullopt. Throws CqlError(kInvalid) when
// the value is malformed.
std::string value_to_json(const common::DataType& type, const std::optional<common::Bytes>& value);

// Parses the JSON text `json` as a value of `type`; nullopt for JSON null. Throws
// CqlError(kInvalid): "Could not decode JSON string '...': ..." for malformed JSON,
// "Expected an int value, but got a String: x"-style messages for mismatched values.
std::optional<common::Bytes> json_to_value(const common::DataType& type, std::string_view json);

// A SELECT JSON row: {"name": value, ...} with the given column names and types.
// Names that are not all lower case are written quoted ("\"Name\""), as Cassandra does.
std::string json_row(const std::vector<ColumnSpec>& columns, const Row& values);

// INSERT JSON: the equivalent INSERT with explicit columns. Each JSON member becomes the
// column it names (quoted keys are case-sensitive, others lower-cased) with the value
// fromJson('<member JSON>'); with DEFAULT NULL (the default) every other non-key column
// is set to null, with DEFAULT UNSET it is left alone. Evaluates `s.json` (a string or a
// bind marker) with `ctx`. Throws CqlError(kInvalid): "Got null for INSERT JSON values",
// "Could not decode JSON string as a map: ...", "JSON values map contains unrecognized
// column: x". REQUIRES: s.json is set.
InsertStatement expand_insert_json(const InsertStatement& s, const schema::TableDef& table,
                                   const ExecContext& ctx);

}  // namespace krill::cql
