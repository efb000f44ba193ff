#include "cql/insert_rows.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "common/error.h"
#include "common/murmur3.h"
#include "common/values.h"
#include "cql/collections.h"
#include "cql/execution.h"
#include "cql/json.h"

namespace krill::cql {

using common::Bytes;
using common::DataType;
using common::throw_invalid;
using common::TypeKind;
using schema::ColumnDef;
using schema::ColumnKind;
using storage::Cell;

namespace {
constexpr size_t kMaxKeyLength = 65535;
}  // namespace

void sort_cells(std::vector<Cell>& cells) {
  std::stable_sort(cells.begin(), cells.end(), [](const Cell& a, const Cell& b) {
    bool ad = a.flags & Cell::kComplexDeletion, bd = b.flags & Cell::kComplexDeletion;
    return std::tie(a.column_id, bd, a.path) < std::tie(b.column_id, ad, b.path);
  });
  // One cell per (column, path): the last write of the statement wins.
  std::vector<Cell> out;
  out.reserve(cells.size());
  for (auto& c : cells) {
    if (!out.empty() && out.back().column_id == c.column_id && out.back().path == c.path &&
        (out.back().flags & Cell::kComplexDeletion) == (c.flags & Cell::kComplexDeletion)) {
      out.back() = std::move(c);
    } else {
      out.push_back(std::move(c));
    }
  }
  cells = std::move(out);
}

void insert_cells(const ColumnDef& c, std::optional<Bytes> value, const WriteAttrs& a,
                  common::UuidGenerator& uuids, std::vector<Cell>& out) {
  if (c.type.is_multi_cell()) {
    overwrite_cells(c, value, a, uuids, out);
  } else {
    out.push_back(value ? make_live_cell(c.id, Bytes(), std::move(*value), a)
                        : make_tombstone_cell(c.id, Bytes(), a));
  }
}

void append_insert_rows(storage::RowWrite static_row, storage::RowWrite row, std::vector<Bytes> clustering,
                        bool only_static, const WriteAttrs& a, storage::PartitionWrite& w) {
  if (!static_row.fragment.cells.empty()) {
    static_row.is_static = true;
    sort_cells(static_row.fragment.cells);
    w.rows.push_back(std::move(static_row));
  }
  if (only_static) return;
  row.is_static = false;
  row.clustering = std::move(clustering);
  storage::Liveness marker;
  marker.timestamp = a.timestamp;
  if (a.ttl > 0) {
    marker.ttl = a.ttl;
    marker.expiry = a.now + a.ttl;
  }
  row.fragment.marker = marker;
  sort_cells(row.fragment.cells);
  w.rows.push_back(std::move(row));
}

void check_partition_key(const Bytes& key) {
  if (key.empty()) throw_invalid("Key may not be empty");
  if (key.size() > kMaxKeyLength) {
    throw_invalid("Key length of " + std::to_string(key.size()) + " is longer than maximum of " +
                  std::to_string(kMaxKeyLength));
  }
}

Bytes parse_text_value(const DataType& type, std::string_view text) {
  switch (type.kind()) {
    case TypeKind::kText:
    case TypeKind::kAscii: {
      Bytes b(text);
      common::validate_value(type, b);
      return b;
    }
    case TypeKind::kBoolean: {
      std::string lower(text);
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char ch) { return std::tolower(ch); });
      if (lower == "true") return common::encode_boolean(true);
      if (lower == "false") return common::encode_boolean(false);
      throw_invalid("Unable to make boolean from '" + std::string(text) + "' (expected true or false)");
    }
    case TypeKind::kBlob:
      if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
        return common::from_hex(text.substr(2));
      throw_invalid("Unable to make blob from '" + std::string(text) +
                    "' (expected 0x followed by hex digits)");
    case TypeKind::kUuid:
    case TypeKind::kTimeuuid:
      return common::from_uuid_literal(type, text);
    case TypeKind::kTinyint:
    case TypeKind::kSmallint:
    case TypeKind::kInt:
    case TypeKind::kBigint:
    case TypeKind::kVarint:
    case TypeKind::kFloat:
    case TypeKind::kDouble:
    case TypeKind::kDecimal:
      return common::from_number_literal(type, text);
    case TypeKind::kList:
    case TypeKind::kSet:
    case TypeKind::kMap:
    case TypeKind::kTuple:
    case TypeKind::kUdt: {
      auto v = json_to_value(type, text);
      if (!v) throw_invalid("JSON null is not a value (leave the field empty for null)");
      return std::move(*v);
    }
    case TypeKind::kCounter:
      throw_invalid("counter columns cannot be loaded");
    default:
      return common::from_string_literal(type, text);
  }
}

InsertEncoder::InsertEncoder(std::shared_ptr<const schema::TableDef> table,
                             const std::vector<std::string>& columns)
    : table_(std::move(table)) {
  const schema::TableDef& t = *table_;
  const std::string name = t.keyspace + "." + t.name;
  if (t.is_virtual || !t.layout) throw_invalid(name + " is a virtual table and cannot be loaded");
  if (t.view) throw_invalid("Cannot directly modify a materialized view (" + name + ")");
  for (const ColumnDef& c : t.columns) {
    if (c.type.is_counter()) throw_invalid(name + " is a counter table: counters cannot be bulk loaded");
  }
  if (columns.empty()) {
    for (const ColumnDef& c : t.columns) columns_.push_back(&c);
  } else {
    std::set<std::string> seen;
    for (const std::string& n : columns) {
      const ColumnDef* c = t.find_column(n);
      if (c == nullptr) throw_invalid("Undefined column name " + n + " in table " + name);
      if (!seen.insert(n).second) throw_invalid("Multiple definitions found for column " + n);
      columns_.push_back(c);
    }
    std::string missing;
    for (const ColumnDef& c : t.columns) {
      if ((c.kind == ColumnKind::kPartitionKey || c.kind == ColumnKind::kClustering) && !seen.count(c.name))
        missing += (missing.empty() ? "" : ", ") + c.name;
    }
    if (!missing.empty())
      throw_invalid("Primary key columns missing from the columns of " + name + ": " + missing);
  }
}

Bytes InsertEncoder::parse_field(size_t i, std::string_view text) const {
  return parse_text_value(columns_[i]->type, text);
}

storage::PartitionWrite InsertEncoder::encode(std::vector<std::optional<Bytes>>& values,
                                              const WriteAttrs& attrs, common::UuidGenerator& uuids) const {
  const schema::TableDef& t = *table_;
  WriteAttrs a = attrs;
  a.ttl = t.params.default_time_to_live;
  size_t pk_count = 0, ck_count = 0;
  for (const ColumnDef* c : columns_) {
    if (c->kind == ColumnKind::kPartitionKey) ++pk_count;
    if (c->kind == ColumnKind::kClustering) ++ck_count;
  }
  std::vector<Bytes> pk(pk_count), ck(ck_count);
  storage::RowWrite row, static_row;
  for (size_t i = 0; i < columns_.size(); ++i) {
    const ColumnDef& c = *columns_[i];
    if (c.kind == ColumnKind::kPartitionKey || c.kind == ColumnKind::kClustering) {
      if (!values[i]) throw_invalid("Invalid null value for primary key column " + c.name);
      (c.kind == ColumnKind::kPartitionKey ? pk : ck)[static_cast<size_t>(c.position)] =
          std::move(*values[i]);
      continue;
    }
    insert_cells(c, std::move(values[i]), a, uuids,
                 (c.kind == ColumnKind::kStatic ? static_row : row).fragment.cells);
  }
  storage::PartitionWrite w;
  w.layout = t.layout;
  w.partition_key = make_partition_key(pk);
  check_partition_key(w.partition_key);
  w.token = common::murmur3_token(w.partition_key);
  append_insert_rows(std::move(static_row), std::move(row), std::move(ck), false, a, w);
  return w;
}

}  // namespace krill::cql
