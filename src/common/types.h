// CQL data types: the native types, collections, tuples, user-defined types.
//
// A DataType is an immutable value (a shared pointer to a node); copying is cheap and
// thread-safe. The numeric TypeKind values are the protocol's type option ids
// (spec section 6), so the wire encoding of a type is a direct walk of the tree.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace krill::common {

enum class TypeKind : uint16_t {
  kCustom = 0x0000,
  kAscii = 0x0001,
  kBigint = 0x0002,
  kBlob = 0x0003,
  kBoolean = 0x0004,
  kCounter = 0x0005,
  kDecimal = 0x0006,
  kDouble = 0x0007,
  kFloat = 0x0008,
  kInt = 0x0009,
  kTimestamp = 0x000B,
  kUuid = 0x000C,
  kText = 0x000D,  // also "varchar"
  kVarint = 0x000E,
  kTimeuuid = 0x000F,
  kInet = 0x0010,
  kDate = 0x0011,
  kTime = 0x0012,
  kSmallint = 0x0013,
  kTinyint = 0x0014,
  kDuration = 0x0015,  // v5 id; sent in v4 as custom org.apache.cassandra.db.marshal.DurationType
  kList = 0x0020,
  kMap = 0x0021,
  kSet = 0x0022,
  kUdt = 0x0030,
  kTuple = 0x0031,
};

class DataType {
 public:
  // A default-constructed DataType is invalid (valid() == false); used only as a placeholder.
  DataType() = default;

  // REQUIRES: kind is not a collection/tuple/udt/custom (else throws std::invalid_argument).
  static DataType native(TypeKind kind);
  // Collections. A frozen collection freezes its parameters too (frozen<list<list<int>>> has a
  // frozen inner list). Throws CqlError(kInvalid) for what Cassandra rejects: a non-frozen
  // collection or UDT inside a non-frozen collection ("Non-frozen collections are not allowed
  // inside collections: list<list<int>>"), counter parameters, duration set elements or map keys.
  static DataType list(DataType element, bool frozen = false);
  static DataType set(DataType element, bool frozen = false);
  static DataType map(DataType key, DataType value, bool frozen = false);
  // Tuples are always frozen, and so are their elements. Throws CqlError(kInvalid) on counters.
  static DataType tuple(std::vector<DataType> elements);
  // REQUIRES: field_names.size() == field_types.size() (else std::invalid_argument).
  // A frozen UDT freezes its field types.
  static DataType udt(std::string keyspace, std::string name, std::vector<std::string> field_names,
                      std::vector<DataType> field_types, bool frozen = false);
  static DataType custom(std::string class_name);

  bool valid() const { return node_ != nullptr; }
  // The accessors below REQUIRE valid() (they throw std::logic_error otherwise), except
  // is_multi_cell() and is_counter(), which are false for an invalid type.
  TypeKind kind() const;
  // True for frozen collections/UDTs and for every tuple; false for native and custom types.
  bool is_frozen() const;
  // A copy of this type marked frozen, parameters included (for collections and UDTs; others
  // unchanged).
  DataType frozen() const;
  bool is_collection() const;  // list, set or map
  // True for non-frozen collections and UDTs: stored as one cell per element/field.
  bool is_multi_cell() const;
  bool is_counter() const { return valid() && kind() == TypeKind::kCounter; }

  // list/set: [element]; map: [key, value]; tuple: elements; udt: field types.
  const std::vector<DataType>& params() const;
  // udt only.
  const std::vector<std::string>& field_names() const;
  const std::string& udt_keyspace() const;
  const std::string& udt_name() const;
  // custom only: the Java class name.
  const std::string& custom_class() const;

  // The CQL spelling, as system_schema.columns.type shows it:
  // "int", "text", "frozen<map<text, int>>", "tuple<int, text>", "frozen<address>", "'org.Foo'".
  // Every frozen collection shows frozen<>, nested ones included ("frozen<list<frozen<list<int>>>>");
  // tuples never do; UDT names are double-quoted unless plain lower-case identifiers.
  // parse(cql_name()) gives back an equal type. An invalid type prints "<invalid>".
  std::string cql_name() const;

  // Structural equality: kind, frozenness, parameters, UDT keyspace/name/fields, custom class.
  friend bool operator==(const DataType& a, const DataType& b);
  friend bool operator!=(const DataType& a, const DataType& b) { return !(a == b); }

  // Parses a CQL type: native names (case-insensitive; "varchar" is text), list<>, set<>,
  // map<,>, tuple<>, frozen<>, quoted custom class names ('org.apache...'), and UDT names
  // resolved through `udt_lookup` (which returns the UDT type, not frozen, or nullopt).
  // Unquoted UDT names are looked up lower-cased, "quoted" ones as written; a qualified
  // ks.name reaches udt_lookup as "ks.name" (each part normalised the same way; since a
  // quoted name may itself contain '.', a lookup should try the whole name first). Any
  // spacing and keyword case is accepted.
  // Throws CqlError(kSyntaxError) on malformed text, CqlError(kInvalid) on an unknown type
  // ("Unknown type foo"), frozen<> around a native type, or the nesting errors listed at list().
  using UdtLookup = std::function<std::optional<DataType>(const std::string& name)>;
  static DataType parse(std::string_view text, const UdtLookup& udt_lookup = {});

  // The native type for a name such as "int" or "varchar"; nullopt when not native.
  static std::optional<TypeKind> native_kind_from_name(std::string_view name);

 private:
  struct Node;
  explicit DataType(std::shared_ptr<const Node> n) : node_(std::move(n)) {}
  std::shared_ptr<const Node> node_;
};

}  // namespace krill::common
