// Internal to cql/: Cassandra 4.0's native functions on serialized values.
//
// Scalar functions: now, currentTimeUUID/Timestamp/Date/Time, uuid, minTimeuuid,
// maxTimeuuid, dateOf, unixTimestampOf, toDate, toTimestamp, toUnixTimestamp,
// <type>AsBlob and blobAs<type> for every native type, toJson, fromJson and the CAST
// conversions. Aggregates: count(*), count, min, max, sum, avg.
//
// A call is first resolved (resolve_function / resolve_cast) from what is known about its
// arguments, which picks one overload with Cassandra's rules and error messages; the
// resolved NativeFunction is then evaluated per row (call_scalar) or fed rows
// (make_aggregate). Names are case-insensitive and may be qualified with "system.".
// Everything here is stateless except Aggregate objects, which belong to one query.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/types.h"
#include "common/uuid.h"
#include "cql/ast.h"

namespace krill::cql {

// What scalar functions need when they run.
struct FunctionContext {
  common::UuidGenerator* uuids = nullptr;  // for now(), uuid(), currentTimeUUID()
};

enum class FunctionId {
  kNow,  // now() and currentTimeUUID()
  kCurrentTimestamp,
  kCurrentDate,
  kCurrentTime,
  kUuid,
  kMinTimeuuid,
  kMaxTimeuuid,
  kToDate,
  kToTimestamp,
  kToUnixTimestamp,  // also unixTimestampOf()
  kToBlob,
  kFromBlob,
  kToJson,
  kFromJson,
  kCast,
  kCountRows,  // count(*)
  kCount,
  kMin,
  kMax,
  kSum,
  kAvg,
};

// One resolved overload.
struct NativeFunction {
  FunctionId id = FunctionId::kNow;
  std::string name;  // lower case, unqualified: "totimestamp", "castasint", "max"
  std::vector<common::DataType> arg_types;
  common::DataType return_type;

  bool is_aggregate() const;
  std::string qualified_name() const { return "system." + name; }
  // The result column name Cassandra gives a call whose arguments are named `args`:
  // "system.max(v)", "count" for count(*), "cast(v as int)".
  std::string column_name(const std::vector<std::string>& args) const;
  // "system.todate : (timeuuid) -> date", as in Cassandra's resolution errors.
  std::string signature() const;
};

// What is known about an argument when a call is resolved.
struct ArgInfo {
  std::optional<common::DataType> type;  // exact type: a column, nested call or cast
  const Term* term = nullptr;            // otherwise a literal or bind marker (type inferred)
  std::string text;                      // the argument as written, for messages
};

// Picks the overload of `name` for `args` (Cassandra's FunctionResolver rules: an exact
// match wins, else the single weakly-assignable one). `receiver` is the type the result
// is assigned to (needed by fromJson), or null in a selection. Throws CqlError(kInvalid):
// "Unknown function 'x'", "Invalid number of arguments in call to function system.x: 1
// required but 2 provided", "Type error: ... cannot be passed as argument 0 of function
// system.x of type int", "Ambiguous call to function ...", "Invalid call to function ...,
// none of its type signatures match ...".
NativeFunction resolve_function(std::string_view name, const std::vector<ArgInfo>& args,
                                const common::DataType* receiver);

// The CAST from `from` to `to` (Cassandra's CastFcts table: numbers to numbers and text,
// timeuuid/timestamp/date to each other, most native types to text/ascii).
// REQUIRES: from != to (an identity cast is the argument itself).
// Throws CqlError(kInvalid) "<arg_text> cannot be cast to <to>".
NativeFunction resolve_cast(const common::DataType& from, const common::DataType& to,
                            const std::string& arg_text);

// Converts a non-null value for a CAST resolved by resolve_cast; an empty value gives null.
std::optional<common::Bytes> cast_value(const common::DataType& from, const common::DataType& to,
                                        common::BytesView v);

// Evaluates a resolved scalar function; nullopt is null. Throws CqlError(kInvalid) for
// invalid inputs (e.g. "In call to function system.blobasint, value 0x01 is not a valid
// binary representation for type int").
std::optional<common::Bytes> call_scalar(const NativeFunction& f,
                                         const std::vector<std::optional<common::Bytes>>& args,
                                         const FunctionContext& ctx);

// The running state of one aggregate over one group of rows.
class Aggregate {
 public:
  virtual ~Aggregate() = default;
  virtual void reset() = 0;
  // Adds one row's argument value (nullopt: null, ignored except by count(*)).
  virtual void add(const std::optional<common::Bytes>& value) = 0;
  // The result over the rows added since the last reset: count 0, sum/avg 0 and
  // min/max null when no (non-null) value was added, as Cassandra.
  virtual std::optional<common::Bytes> result() const = 0;
};

// REQUIRES: f.is_aggregate().
std::unique_ptr<Aggregate> make_aggregate(const NativeFunction& f);

// Whether a literal/marker term can be assigned to `type` (Cassandra's testAssignment):
// bind markers and null always can; a string to text/ascii/inet/date/time/timestamp/duration;
// an integer to any number, date, time, timestamp, duration; and so on.
bool term_assignable(const Term& term, const common::DataType& type);
// Whether `type` is the literal's own (preferred) type: int for 1, double for 1.5, text for
// 'a', ... (an exact match in overload resolution).
bool term_exact(const Term& term, const common::DataType& type);
// The preferred type of a literal; nullopt for markers, null and collection literals.
std::optional<common::DataType> literal_type(const Term& term);

// Whether a value of type `from` is also a valid value of `to` (Cassandra's
// isValueCompatibleWith): equal types, ascii into text, timeuuid into uuid, any integer
// into varint, bigint and timestamp into each other, anything into blob.
bool value_compatible(const common::DataType& to, const common::DataType& from);

// How a term is written ('it''s', 42, ?, now(), (int)?), for messages and column names.
// Defined in terms.cc.
std::string term_text(const Term& t);

// The text of a value as CAST(x AS text) gives it: "1", "1.5", "2015-05-21T11:03:02.000Z",
// "127.0.0.1", "true". Throws kInvalid for types with no text cast.
std::string value_as_text(const common::DataType& t, common::BytesView v);

}  // namespace krill::cql
