#include "storage/row.h"

#include <algorithm>
#include <tuple>

namespace krill::storage {
namespace {

using common::Bytes;
using common::BytesView;

enum RowFlags : uint8_t { kHasDeletion = 0x01, kHasMarker = 0x02 };

void put_varint(Bytes& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

class Reader {
 public:
  explicit Reader(BytesView in) : in_(in) {}
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == in_.size(); }
  uint8_t byte() {
    if (pos_ + 1 > in_.size()) return fail();
    return static_cast<uint8_t>(in_[pos_++]);
  }
  int64_t i64() {
    if (pos_ + 8 > in_.size()) return fail();
    int64_t v = static_cast<int64_t>(common::get_be64(in_.data() + pos_));
    pos_ += 8;
    return v;
  }
  int32_t i32() {
    if (pos_ + 4 > in_.size()) return fail();
    int32_t v = static_cast<int32_t>(common::get_be32(in_.data() + pos_));
    pos_ += 4;
    return v;
  }
  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t b = byte();
      if (!ok_) return 0;
      v |= uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    return fail();
  }
  Bytes bytes() {
    uint64_t n = varint();
    if (!ok_ || n > in_.size() - pos_) return fail(), Bytes();
    Bytes v(in_.substr(pos_, n));
    pos_ += n;
    return v;
  }

 private:
  int fail() {
    ok_ = false;
    pos_ = in_.size();
    return 0;
  }
  BytesView in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

bool cell_key_less(const Cell& a, const Cell& b) {
  // The complex deletion of a column sorts before its element cells.
  bool ad = a.flags & Cell::kComplexDeletion, bd = b.flags & Cell::kComplexDeletion;
  return std::tie(a.column_id, bd, a.path) < std::tie(b.column_id, ad, b.path);
}

}  // namespace

Bytes encode_row(const RowFragment& row) {
  Bytes out;
  out.push_back(static_cast<char>(kRowFormatVersion));
  uint8_t flags = (row.deletion.active() ? kHasDeletion : 0) | (row.marker ? kHasMarker : 0);
  out.push_back(static_cast<char>(flags));
  if (row.deletion.active()) {
    common::put_be64(out, static_cast<uint64_t>(row.deletion.timestamp));
    common::put_be32(out, static_cast<uint32_t>(row.deletion.local_time));
  }
  if (row.marker) {
    common::put_be64(out, static_cast<uint64_t>(row.marker->timestamp));
    common::put_be32(out, static_cast<uint32_t>(row.marker->ttl));
    common::put_be32(out, static_cast<uint32_t>(row.marker->expiry));
  }
  put_varint(out, row.cells.size());
  for (const Cell& c : row.cells) {
    put_varint(out, c.column_id);
    put_varint(out, c.path.size());
    out.append(c.path);
    out.push_back(static_cast<char>(c.flags));
    common::put_be64(out, static_cast<uint64_t>(c.timestamp));
    if (c.flags & Cell::kExpiring) common::put_be32(out, static_cast<uint32_t>(c.ttl));
    if (c.flags & (Cell::kExpiring | Cell::kTombstone | Cell::kComplexDeletion)) {
      common::put_be32(out, static_cast<uint32_t>(c.local_time));
    }
    if (!c.is_tombstone()) {
      put_varint(out, c.value.size());
      out.append(c.value);
    }
  }
  return out;
}

std::optional<RowFragment> decode_row(BytesView bytes) {
  Reader r(bytes);
  if (r.byte() != kRowFormatVersion) return std::nullopt;
  uint8_t flags = r.byte();
  RowFragment row;
  if (flags & kHasDeletion) {
    row.deletion.timestamp = r.i64();
    row.deletion.local_time = r.i32();
  }
  if (flags & kHasMarker) {
    Liveness l;
    l.timestamp = r.i64();
    l.ttl = r.i32();
    l.expiry = r.i32();
    row.marker = l;
  }
  uint64_t n = r.varint();
  if (!r.ok() || n > bytes.size()) return std::nullopt;
  row.cells.reserve(n);
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    Cell c;
    c.column_id = static_cast<uint32_t>(r.varint());
    c.path = r.bytes();
    c.flags = r.byte();
    c.timestamp = r.i64();
    if (c.flags & Cell::kExpiring) c.ttl = r.i32();
    if (c.flags & (Cell::kExpiring | Cell::kTombstone | Cell::kComplexDeletion)) c.local_time = r.i32();
    if (!c.is_tombstone()) c.value = r.bytes();
    row.cells.push_back(std::move(c));
  }
  if (!r.ok() || !r.at_end()) return std::nullopt;
  return row;
}

const Cell& reconcile(const Cell& a, const Cell& b, Cell& scratch) {
  if ((a.flags & Cell::kCounter) && (b.flags & Cell::kCounter) && !a.is_tombstone() && !b.is_tombstone()) {
    // Counter deltas add up; the merged cell carries the newest timestamp.
    int64_t sum = static_cast<int64_t>(common::get_be64(a.value.data())) +
                  static_cast<int64_t>(common::get_be64(b.value.data()));
    scratch = a.timestamp >= b.timestamp ? a : b;
    scratch.value.clear();
    common::put_be64(scratch.value, static_cast<uint64_t>(sum));
    return scratch;
  }
  if (a.timestamp != b.timestamp) return a.timestamp > b.timestamp ? a : b;
  bool a_dead = a.is_tombstone(), b_dead = b.is_tombstone();
  if (a_dead != b_dead) return a_dead ? a : b;
  bool a_exp = a.flags & Cell::kExpiring, b_exp = b.flags & Cell::kExpiring;
  if (a_dead || a_exp || b_exp) {
    if (a_exp != b_exp && !a_dead) return a_exp ? a : b;  // expiring beats non-expiring on a tie
    if (a.local_time != b.local_time) return a.local_time > b.local_time ? a : b;
  }
  return common::compare_bytes(a.value, b.value) >= 0 ? a : b;
}

void merge_rows(RowFragment& into, const RowFragment& other) {
  if (other.deletion.timestamp > into.deletion.timestamp ||
      (other.deletion.timestamp == into.deletion.timestamp &&
       other.deletion.local_time > into.deletion.local_time)) {
    into.deletion = other.deletion;
  }
  if (other.marker) {
    if (!into.marker || other.marker->timestamp > into.marker->timestamp ||
        (other.marker->timestamp == into.marker->timestamp && other.marker->expiry > into.marker->expiry)) {
      into.marker = other.marker;
    }
  }
  if (other.cells.empty()) return;
  std::vector<Cell> merged;
  merged.reserve(into.cells.size() + other.cells.size());
  size_t i = 0, j = 0;
  Cell scratch;
  while (i < into.cells.size() || j < other.cells.size()) {
    if (j == other.cells.size() || (i < into.cells.size() && cell_key_less(into.cells[i], other.cells[j]))) {
      merged.push_back(std::move(into.cells[i++]));
    } else if (i == into.cells.size() || cell_key_less(other.cells[j], into.cells[i])) {
      merged.push_back(other.cells[j++]);
    } else {
      const Cell& winner = reconcile(into.cells[i], other.cells[j], scratch);
      merged.push_back(winner);
      ++i;
      ++j;
    }
  }
  into.cells = std::move(merged);
}

void apply_deletion(RowFragment& row, const Deletion& outer) {
  Deletion d = row.deletion;
  if (outer.timestamp > d.timestamp) d = outer;
  if (!d.active() && row.cells.empty()) return;
  if (row.marker && row.marker->timestamp <= d.timestamp) row.marker.reset();
  std::vector<Cell> kept;
  kept.reserve(row.cells.size());
  int64_t column_deleted_at = INT64_MIN;
  uint32_t column = UINT32_MAX;
  for (Cell& c : row.cells) {
    if (c.column_id != column) {
      column = c.column_id;
      column_deleted_at = INT64_MIN;
    }
    if (c.flags & Cell::kComplexDeletion) {
      column_deleted_at = c.timestamp;
      if (c.timestamp > d.timestamp) kept.push_back(std::move(c));
      continue;
    }
    if (c.timestamp <= d.timestamp || c.timestamp <= column_deleted_at) continue;
    kept.push_back(std::move(c));
  }
  row.cells = std::move(kept);
}

}  // namespace krill::storage
