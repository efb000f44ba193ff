#include "common/types.h"

#include <stdexcept>

#include "common/error.h"

namespace krill::common {

struct DataType::Node {
  TypeKind kind = TypeKind::kCustom;
  bool frozen = false;
  std::vector<DataType> params;
  std::string udt_keyspace;
  std::string udt_name;
  std::vector<std::string> field_names;
  std::string custom_class;
};

namespace {

struct NativeName {
  std::string_view name;
  TypeKind kind;
};

constexpr NativeName kNativeNames[] = {
    {"ascii", TypeKind::kAscii},         {"bigint", TypeKind::kBigint},     {"blob", TypeKind::kBlob},
    {"boolean", TypeKind::kBoolean},     {"counter", TypeKind::kCounter},   {"date", TypeKind::kDate},
    {"decimal", TypeKind::kDecimal},     {"double", TypeKind::kDouble},     {"duration", TypeKind::kDuration},
    {"float", TypeKind::kFloat},         {"inet", TypeKind::kInet},         {"int", TypeKind::kInt},
    {"smallint", TypeKind::kSmallint},   {"text", TypeKind::kText},         {"time", TypeKind::kTime},
    {"timestamp", TypeKind::kTimestamp}, {"timeuuid", TypeKind::kTimeuuid}, {"tinyint", TypeKind::kTinyint},
    {"uuid", TypeKind::kUuid},           {"varint", TypeKind::kVarint},     {"varchar", TypeKind::kText},
};

bool is_native_kind(TypeKind k) {
  switch (k) {
    case TypeKind::kCustom:
    case TypeKind::kList:
    case TypeKind::kMap:
    case TypeKind::kSet:
    case TypeKind::kUdt:
    case TypeKind::kTuple:
      return false;
    default:
      return true;
  }
}

std::string_view native_name(TypeKind k) {
  for (const auto& n : kNativeNames) {
    if (n.kind == k) return n.name;
  }
  return "?";
}

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string to_lower(std::string_view s) {
  std::string r(s);
  for (auto& c : r) c = ascii_lower(c);
  return r;
}

// An unquoted CQL identifier that needs no quoting: lower-case letter first, then
// lower-case letters, digits and underscores.
bool is_plain_identifier(const std::string& s) {
  if (s.empty() || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

std::string quote(const std::string& s, char q) {
  std::string r(1, q);
  for (char c : s) {
    r.push_back(c);
    if (c == q) r.push_back(q);
  }
  r.push_back(q);
  return r;
}

// The rules for a collection's element, key or value type `p`. `outer` is the collection
// as written (for messages); `coll` is its kind; `is_key` marks a map key.
void check_collection_param(const DataType& p, bool outer_frozen, const std::string& outer, TypeKind coll,
                            bool is_key) {
  if (!p.valid()) throw std::invalid_argument("DataType: invalid collection parameter type");
  if (p.is_counter()) throw_invalid("Counters are not allowed inside collections: " + outer);
  if (!outer_frozen && p.is_multi_cell()) {
    if (p.kind() == TypeKind::kUdt)
      throw_invalid("Non-frozen UDTs are not allowed inside collections: " + outer);
    throw_invalid("Non-frozen collections are not allowed inside collections: " + outer);
  }
  if (p.kind() == TypeKind::kDuration) {
    if (coll == TypeKind::kSet) throw_invalid("Durations are not allowed inside sets: " + outer);
    if (is_key) throw_invalid("Durations are not allowed as map keys: " + outer);
  }
}

std::string wrap_frozen(bool frozen, std::string s) { return frozen ? "frozen<" + s + ">" : s; }

}  // namespace

DataType DataType::native(TypeKind kind) {
  if (!is_native_kind(kind)) throw std::invalid_argument("DataType::native: not a native kind");
  auto n = std::make_shared<Node>();
  n->kind = kind;
  return DataType(std::move(n));
}

DataType DataType::list(DataType element, bool frozen) {
  check_collection_param(element, frozen, wrap_frozen(frozen, "list<" + element.cql_name() + ">"),
                         TypeKind::kList, false);
  auto n = std::make_shared<Node>();
  n->kind = TypeKind::kList;
  n->frozen = frozen;
  n->params.push_back(frozen ? element.frozen() : std::move(element));
  return DataType(std::move(n));
}

DataType DataType::set(DataType element, bool frozen) {
  check_collection_param(element, frozen, wrap_frozen(frozen, "set<" + element.cql_name() + ">"),
                         TypeKind::kSet, false);
  auto n = std::make_shared<Node>();
  n->kind = TypeKind::kSet;
  n->frozen = frozen;
  n->params.push_back(frozen ? element.frozen() : std::move(element));
  return DataType(std::move(n));
}

DataType DataType::map(DataType key, DataType value, bool frozen) {
  const std::string outer = wrap_frozen(frozen, "map<" + key.cql_name() + ", " + value.cql_name() + ">");
  check_collection_param(key, frozen, outer, TypeKind::kMap, true);
  check_collection_param(value, frozen, outer, TypeKind::kMap, false);
  auto n = std::make_shared<Node>();
  n->kind = TypeKind::kMap;
  n->frozen = frozen;
  n->params.push_back(frozen ? key.frozen() : std::move(key));
  n->params.push_back(frozen ? value.frozen() : std::move(value));
  return DataType(std::move(n));
}

DataType DataType::tuple(std::vector<DataType> elements) {
  auto n = std::make_shared<Node>();
  n->kind = TypeKind::kTuple;
  n->frozen = true;
  for (auto& e : elements) {
    if (!e.valid()) throw std::invalid_argument("DataType::tuple: invalid element type");
    if (e.is_counter()) throw_invalid("Counters are not allowed inside tuples");
    n->params.push_back(e.frozen());
  }
  return DataType(std::move(n));
}

DataType DataType::udt(std::string keyspace, std::string name, std::vector<std::string> field_names,
                       std::vector<DataType> field_types, bool frozen) {
  if (field_names.size() != field_types.size()) {
    throw std::invalid_argument("DataType::udt: field names and types differ in count");
  }
  auto n = std::make_shared<Node>();
  n->kind = TypeKind::kUdt;
  n->frozen = frozen;
  n->udt_keyspace = std::move(keyspace);
  n->udt_name = std::move(name);
  n->field_names = std::move(field_names);
  for (auto& t : field_types) {
    if (!t.valid()) throw std::invalid_argument("DataType::udt: invalid field type");
    n->params.push_back(frozen ? t.frozen() : std::move(t));
  }
  return DataType(std::move(n));
}

DataType DataType::custom(std::string class_name) {
  auto n = std::make_shared<Node>();
  n->kind = TypeKind::kCustom;
  n->custom_class = std::move(class_name);
  return DataType(std::move(n));
}

namespace {
[[noreturn]] void throw_invalid_type() { throw std::logic_error("use of an invalid (default) DataType"); }
}  // namespace

TypeKind DataType::kind() const {
  if (!node_) throw_invalid_type();
  return node_->kind;
}

bool DataType::is_frozen() const {
  if (!node_) throw_invalid_type();
  return node_->frozen;
}

DataType DataType::frozen() const {
  if (!node_) throw_invalid_type();
  const TypeKind k = node_->kind;
  const bool freezable =
      k == TypeKind::kList || k == TypeKind::kSet || k == TypeKind::kMap || k == TypeKind::kUdt;
  if (!freezable || node_->frozen) return *this;
  auto n = std::make_shared<Node>(*node_);
  n->frozen = true;
  for (auto& p : n->params) p = p.frozen();
  return DataType(std::move(n));
}

bool DataType::is_collection() const {
  const TypeKind k = kind();
  return k == TypeKind::kList || k == TypeKind::kSet || k == TypeKind::kMap;
}

bool DataType::is_multi_cell() const {
  if (!valid()) return false;
  return (is_collection() || kind() == TypeKind::kUdt) && !node_->frozen;
}

const std::vector<DataType>& DataType::params() const {
  if (!node_) throw_invalid_type();
  return node_->params;
}

const std::vector<std::string>& DataType::field_names() const {
  if (!node_) throw_invalid_type();
  return node_->field_names;
}

const std::string& DataType::udt_keyspace() const {
  if (!node_) throw_invalid_type();
  return node_->udt_keyspace;
}

const std::string& DataType::udt_name() const {
  if (!node_) throw_invalid_type();
  return node_->udt_name;
}

const std::string& DataType::custom_class() const {
  if (!node_) throw_invalid_type();
  return node_->custom_class;
}

std::string DataType::cql_name() const {
  if (!node_) return "<invalid>";
  const Node& n = *node_;
  switch (n.kind) {
    case TypeKind::kCustom:
      return quote(n.custom_class, '\'');
    case TypeKind::kList:
      return wrap_frozen(n.frozen, "list<" + n.params[0].cql_name() + ">");
    case TypeKind::kSet:
      return wrap_frozen(n.frozen, "set<" + n.params[0].cql_name() + ">");
    case TypeKind::kMap:
      return wrap_frozen(n.frozen, "map<" + n.params[0].cql_name() + ", " + n.params[1].cql_name() + ">");
    case TypeKind::kTuple: {
      std::string s = "tuple<";
      for (size_t i = 0; i < n.params.size(); ++i) {
        if (i) s += ", ";
        s += n.params[i].cql_name();
      }
      return s + ">";
    }
    case TypeKind::kUdt:
      return wrap_frozen(n.frozen, is_plain_identifier(n.udt_name) ? n.udt_name : quote(n.udt_name, '"'));
    default:
      return std::string(native_name(n.kind));
  }
}

bool operator==(const DataType& a, const DataType& b) {
  if (a.node_ == b.node_) return true;
  if (!a.node_ || !b.node_) return false;
  const DataType::Node& x = *a.node_;
  const DataType::Node& y = *b.node_;
  return x.kind == y.kind && x.frozen == y.frozen && x.params == y.params &&
         x.udt_keyspace == y.udt_keyspace && x.udt_name == y.udt_name && x.field_names == y.field_names &&
         x.custom_class == y.custom_class;
}

std::optional<TypeKind> DataType::native_kind_from_name(std::string_view name) {
  const std::string lower = to_lower(name);
  for (const auto& n : kNativeNames) {
    if (n.name == lower) return n.kind;
  }
  return std::nullopt;
}

}  // namespace krill::common
