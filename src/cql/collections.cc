#include "cql/collections.h"

#include <algorithm>

#include "common/error.h"
#include "common/values.h"

namespace krill::cql {

using common::Bytes;
using common::DataType;
using common::TypeKind;
using storage::Cell;

namespace {

// 100-ns intervals between 1582-10-15 and the Unix epoch.
constexpr uint64_t kUuidEpochOffset = 0x01b21dd213814000ull;
// Prepended list elements get times mirrored around this instant (2010-01-01), so later
// prepends sort earlier.
constexpr uint64_t kPrependReferenceMs = 1262304000000ull;

Bytes time_uuid_bytes(uint64_t ts100ns, uint64_t node) {
  Bytes b(16, '\0');
  auto* p = reinterpret_cast<uint8_t*>(b.data());
  uint32_t low = static_cast<uint32_t>(ts100ns);
  uint16_t mid = static_cast<uint16_t>(ts100ns >> 32);
  uint16_t hi = static_cast<uint16_t>(((ts100ns >> 48) & 0x0fff) | 0x1000);
  p[0] = static_cast<uint8_t>(low >> 24);
  p[1] = static_cast<uint8_t>(low >> 16);
  p[2] = static_cast<uint8_t>(low >> 8);
  p[3] = static_cast<uint8_t>(low);
  p[4] = static_cast<uint8_t>(mid >> 8);
  p[5] = static_cast<uint8_t>(mid);
  p[6] = static_cast<uint8_t>(hi >> 8);
  p[7] = static_cast<uint8_t>(hi);
  for (int i = 0; i < 8; ++i) p[8 + i] = static_cast<uint8_t>(node >> (56 - 8 * i));
  p[8] = static_cast<uint8_t>((p[8] & 0x3f) | 0x80);
  return b;
}

uint64_t uuid_time(const Bytes& path) {
  if (path.size() != 16) return 0;
  return common::Uuid::from_bytes(path).timestamp();
}

const DataType& key_type(const DataType& t) { return t.params()[0]; }

}  // namespace

Cell make_live_cell(uint32_t column_id, Bytes path, Bytes value, const WriteAttrs& a) {
  Cell cell;
  cell.column_id = column_id;
  cell.path = std::move(path);
  cell.timestamp = a.timestamp;
  cell.value = std::move(value);
  if (a.ttl > 0) {
    cell.flags = Cell::kExpiring;
    cell.ttl = a.ttl;
    cell.local_time = a.now + a.ttl;
  }
  return cell;
}

Cell make_tombstone_cell(uint32_t column_id, Bytes path, const WriteAttrs& a) {
  Cell cell;
  cell.column_id = column_id;
  cell.path = std::move(path);
  cell.flags = Cell::kTombstone;
  cell.timestamp = a.timestamp;
  cell.local_time = a.now;
  return cell;
}

Bytes field_path(size_t index) {
  Bytes p;
  common::put_be16(p, static_cast<uint16_t>(index));
  return p;
}

void overwrite_cells(const schema::ColumnDef& c, const std::optional<Bytes>& value, const WriteAttrs& a,
                     common::UuidGenerator& uuids, std::vector<Cell>& out) {
  Cell del;
  del.column_id = c.id;
  del.flags = Cell::kComplexDeletion;
  del.timestamp = a.timestamp - 1;  // the new elements, written at `timestamp`, survive it
  del.local_time = a.now;
  out.push_back(del);
  if (value) add_cells(c, *value, a, uuids, out);
}

void add_cells(const schema::ColumnDef& c, const Bytes& value, const WriteAttrs& a,
               common::UuidGenerator& uuids, std::vector<Cell>& out) {
  switch (c.type.kind()) {
    case TypeKind::kList: {
      for (auto& e : common::decode_elements(value)) {
        out.push_back(make_live_cell(c.id, uuids.time_based().to_bytes(), std::move(e), a));
      }
      return;
    }
    case TypeKind::kSet:
      for (auto& e : common::decode_elements(value))
        out.push_back(make_live_cell(c.id, std::move(e), Bytes(), a));
      return;
    case TypeKind::kMap:
      for (auto& [k, v] : common::decode_pairs(value))
        out.push_back(make_live_cell(c.id, std::move(k), std::move(v), a));
      return;
    case TypeKind::kUdt: {
      auto fields = common::decode_components(value);
      for (size_t i = 0; i < fields.size(); ++i) {
        if (fields[i]) {
          out.push_back(make_live_cell(c.id, field_path(i), std::move(*fields[i]), a));
        } else {
          out.push_back(make_tombstone_cell(c.id, field_path(i), a));
        }
      }
      return;
    }
    default:
      common::throw_invalid("Invalid operation for non-collection column " + c.name);
  }
}

void prepend_cells(const schema::ColumnDef& c, const Bytes& value, const WriteAttrs& a,
                   std::vector<Cell>& out) {
  if (c.type.kind() != TypeKind::kList) {
    common::throw_invalid("Invalid operation (" + c.name + " = ? + " + c.name + ") for non list column " +
                          c.name);
  }
  auto elements = common::decode_elements(value);
  uint64_t now100 = static_cast<uint64_t>(a.timestamp) * 10 + kUuidEpochOffset;
  uint64_t ref100 = kPrependReferenceMs * 10000 + kUuidEpochOffset;
  uint64_t base = 2 * ref100 - now100 - elements.size();
  for (size_t i = 0; i < elements.size(); ++i) {
    out.push_back(make_live_cell(c.id, time_uuid_bytes(base + i, 0x8000000000000000ull | c.id),
                                 std::move(elements[i]), a));
  }
}

void remove_cells(const schema::ColumnDef& c, const Bytes& value, const WriteAttrs& a,
                  std::vector<Cell>& out) {
  if (c.type.kind() != TypeKind::kSet && c.type.kind() != TypeKind::kMap) {
    common::throw_invalid("Invalid operation (" + c.name + " = " + c.name + " - ?) for column " + c.name);
  }
  for (auto& e : common::decode_elements(value)) out.push_back(make_tombstone_cell(c.id, std::move(e), a));
}

std::vector<const Cell*> element_cells(const schema::ColumnDef& c, const storage::RowFragment& row) {
  std::vector<const Cell*> out;
  for (const auto& cell : row.cells) {
    if (cell.column_id == c.id && !(cell.flags & Cell::kComplexDeletion) && !cell.is_tombstone()) {
      out.push_back(&cell);
    }
  }
  const DataType& t = c.type;
  switch (t.kind()) {
    case TypeKind::kList:
      std::stable_sort(out.begin(), out.end(), [](const Cell* x, const Cell* y) {
        uint64_t tx = uuid_time(x->path), ty = uuid_time(y->path);
        return tx != ty ? tx < ty : x->path < y->path;
      });
      break;
    case TypeKind::kSet:
    case TypeKind::kMap:
      std::stable_sort(out.begin(), out.end(), [&](const Cell* x, const Cell* y) {
        return common::compare_values(key_type(t), x->path, y->path) < 0;
      });
      break;
    default:
      break;  // UDT field paths sort bytewise by index already
  }
  return out;
}

std::optional<Bytes> assemble(const schema::ColumnDef& c, const storage::RowFragment& row) {
  auto cells = element_cells(c, row);
  if (cells.empty()) return std::nullopt;
  switch (c.type.kind()) {
    case TypeKind::kList: {
      std::vector<Bytes> v;
      for (const Cell* x : cells) v.push_back(x->value);
      return common::encode_elements(v);
    }
    case TypeKind::kSet: {
      std::vector<Bytes> v;
      for (const Cell* x : cells) v.push_back(x->path);
      return common::encode_elements(v);
    }
    case TypeKind::kMap: {
      std::vector<std::pair<Bytes, Bytes>> v;
      for (const Cell* x : cells) v.emplace_back(x->path, x->value);
      return common::encode_pairs(v);
    }
    case TypeKind::kUdt: {
      std::vector<std::optional<Bytes>> fields(c.type.field_names().size());
      for (const Cell* x : cells) {
        if (x->path.size() != 2) continue;
        size_t i = common::get_be16(x->path.data());
        if (i < fields.size()) fields[i] = x->value;
      }
      while (!fields.empty() && !fields.back()) fields.pop_back();
      return common::encode_components(fields);
    }
    default:
      return std::nullopt;
  }
}

}  // namespace krill::cql
