#include "storage/partition_reader.h"

#include <rocksdb/snapshot.h>

#include <algorithm>
#include <array>

namespace krill::storage {
namespace {

using common::Bytes;
using common::BytesView;
using common::Status;

BytesView key_of(rocksdb::Iterator* it) { return BytesView(it->key().data(), it->key().size()); }
BytesView value_of(rocksdb::Iterator* it) { return BytesView(it->value().data(), it->value().size()); }

bool starts_with(BytesView s, BytesView p) { return s.size() >= p.size() && s.compare(0, p.size(), p) == 0; }

// A failed iterator's status; Incomplete means a cache-only read met a block not in the cache.
Status iterator_status(const rocksdb::Status& s) {
  if (s.IsIncomplete()) return Status::would_block("read needs a block not in the cache");
  return Status::error(s.ToString());
}

// Drops expired cells and an expired marker; true when something live remains.
bool keep_live(RowFragment& row, int32_t now) {
  if (row.marker && row.marker->ttl != 0 && row.marker->expiry <= now) row.marker.reset();
  std::erase_if(row.cells, [now](const Cell& c) { return !c.is_live(now); });
  return row.marker.has_value() || !row.cells.empty();
}

// Decodes a stored row value; false if it is not live (or not decodable: `status` set).
bool decode_live(const TableLayout& layout, BytesView value, const Deletion& partition_deletion, int32_t now,
                 RowFragment& row, Status& status) {
  auto decoded = decode_row(value);
  if (!decoded) {
    status = Status::error("corrupt row value in table " + layout.id);
    return false;
  }
  row = std::move(*decoded);
  const auto& dropped = layout.dropped_column_ids;
  if (!dropped.empty()) {
    std::erase_if(row.cells, [&](const Cell& c) {
      return std::binary_search(dropped.begin(), dropped.end(), c.column_id);
    });
  }
  apply_deletion(row, partition_deletion);
  return keep_live(row, now);
}

}  // namespace

bool PartitionReader::live_row(const Deletion& partition_deletion, int32_t now, RowFragment& row) {
  return decode_live(layout_, value_of(it_), partition_deletion, now, row, status_);
}

bool point_readable(const TableLayout& layout, const ReadOptions& options) {
  return layout.clustering.types.empty() && options.slices.empty() && !options.after_clustering;
}

Deletion PartitionReader::covering(BytesView row_key) const {
  Deletion d;
  for (const Range& r : ranges_) {
    if (common::compare_bytes(row_key, r.range.from) < 0) continue;
    if (!r.range.to.empty() && common::compare_bytes(row_key, r.range.to) >= 0) continue;
    if (r.deletion.timestamp > d.timestamp) d = r.deletion;
  }
  return d;
}

Bytes PartitionReader::slice_start(const Bytes& rows_prefix, const Slice* slice) const {
  Bytes key = rows_prefix;
  if (slice == nullptr || slice->start.prefix.empty()) return key;
  append_clustering(key, layout_.clustering, slice->start.prefix);
  if (!slice->start.inclusive) append_after_prefix(key);
  return key;
}

Bytes PartitionReader::slice_end(const Bytes& rows_prefix, const Slice* slice) const {
  if (slice == nullptr || slice->end.prefix.empty()) return prefix_successor(rows_prefix);
  Bytes key = rows_prefix;
  append_clustering(key, layout_.clustering, slice->end.prefix);
  if (slice->end.inclusive) append_after_prefix(key);
  return key;
}

void PartitionReader::read_rows(const Bytes& prefix, const Slice* slice, const ReadOptions& options,
                                const Deletion& partition_deletion, PartitionData& out, int64_t& remaining) {
  Bytes rows_prefix = prefix;
  rows_prefix.push_back(static_cast<char>(KeyKind::kRow));
  Bytes start = slice_start(rows_prefix, slice);
  Bytes end = slice_end(rows_prefix, slice);
  if (options.after_clustering) {
    Bytes resume = rows_prefix;
    append_clustering(resume, layout_.clustering, *options.after_clustering);
    if (!options.reversed) {
      append_after_prefix(resume);
      if (common::compare_bytes(resume, start) > 0) start = std::move(resume);
    } else if (common::compare_bytes(resume, end) < 0) {
      end = std::move(resume);
    }
  }
  if (common::compare_bytes(start, end) >= 0) return;
  auto emit = [&]() -> bool {
    RowFragment row;
    Deletion deletion = partition_deletion;
    if (!ranges_.empty()) {
      Deletion rd = covering(key_of(it_).substr(rows_prefix.size()));
      if (rd.timestamp > deletion.timestamp) deletion = rd;
    }
    if (!live_row(deletion, options.now, row)) return status_.is_ok();
    auto clustering = decode_clustering(key_of(it_).substr(rows_prefix.size()), layout_.clustering);
    if (!clustering) {
      status_ = Status::error("corrupt clustering key in table " + layout_.id);
      return false;
    }
    out.rows.push_back(RowData{std::move(*clustering), std::move(row)});
    return --remaining > 0;
  };
  if (!options.reversed) {
    for (it_->Seek(rocksdb::Slice(start)); it_->Valid(); it_->Next()) {
      if (common::compare_bytes(key_of(it_), end) >= 0) break;
      if (!emit()) return;
    }
  } else {
    it_->SeekForPrev(rocksdb::Slice(end));
    for (; it_->Valid(); it_->Prev()) {
      BytesView k = key_of(it_);
      if (common::compare_bytes(k, end) >= 0) continue;
      if (common::compare_bytes(k, start) < 0) break;
      if (!emit()) return;
    }
  }
  if (!it_->status().ok()) status_ = iterator_status(it_->status());
}

Status PartitionReader::read(const Bytes& prefix, const ReadOptions& options, PartitionData& out) {
  status_ = Status::ok();
  ranges_.clear();
  Deletion partition_deletion;
  // Header (partition deletion), range tombstones and the static row sit at the start of
  // the partition, before its rows.
  it_->Seek(rocksdb::Slice(prefix));
  while (it_->Valid() && starts_with(key_of(it_), prefix)) {
    BytesView k = key_of(it_);
    if (k.size() <= prefix.size()) break;
    auto kind = static_cast<KeyKind>(k[prefix.size()]);
    if (kind == KeyKind::kRangeTombstone) {
      auto range = decode_range_bounds_with(k.substr(prefix.size() + 1), layout_.clustering);
      auto frag = decode_row(value_of(it_));
      if (!range || !frag) return Status::error("corrupt range tombstone in table " + layout_.id);
      ranges_.push_back(Range{std::move(*range), frag->deletion});
      it_->Next();
      continue;
    }
    if (k.size() != prefix.size() + 1) break;
    if (kind == KeyKind::kPartitionHeader) {
      auto header = decode_row(value_of(it_));
      if (!header) return Status::error("corrupt partition header in table " + layout_.id);
      partition_deletion = header->deletion;
    } else if (kind == KeyKind::kStaticRow && options.include_static) {
      RowFragment row;
      if (live_row(partition_deletion, options.now, row)) out.static_row = RowData{{}, std::move(row)};
      if (!status_.is_ok()) return status_;
    } else if (kind == KeyKind::kRow) {
      break;
    }
    it_->Next();
  }
  if (!it_->status().ok()) return iterator_status(it_->status());
  int64_t remaining = options.row_limit;
  if (remaining <= 0) return Status::ok();
  if (options.slices.empty()) {
    read_rows(prefix, nullptr, options, partition_deletion, out, remaining);
  } else if (!options.reversed) {
    for (const Slice& s : options.slices) {
      if (remaining <= 0 || !status_.is_ok()) break;
      read_rows(prefix, &s, options, partition_deletion, out, remaining);
    }
  } else {
    for (auto s = options.slices.rbegin(); s != options.slices.rend(); ++s) {
      if (remaining <= 0 || !status_.is_ok()) break;
      read_rows(prefix, &*s, options, partition_deletion, out, remaining);
    }
  }
  return status_;
}

Status PartitionReader::scan(const ScanOptions& options, std::vector<PartitionData>& out, bool& more) {
  more = false;
  Bytes seek;
  common::put_be64(seek, static_cast<uint64_t>(options.start.token) ^ 0x8000000000000000ull);
  if (options.start.after_partition_key) {
    seek = prefix_successor(encode_partition_prefix(options.start.token, *options.start.after_partition_key));
  } else if (!options.start.inclusive) {
    seek = prefix_successor(seek);
  }
  int64_t partitions_left = options.partition_limit;
  int64_t rows_left = options.row_limit;
  it_->Seek(rocksdb::Slice(seek));
  while (it_->Valid()) {
    auto decoded = decode_partition_prefix(key_of(it_));
    if (!decoded) return Status::error("corrupt partition key in table " + layout_.id);
    if (options.end_token && decoded->token > *options.end_token) break;
    if (partitions_left <= 0 || rows_left <= 0) {
      more = true;
      break;
    }
    Bytes prefix(key_of(it_).substr(0, decoded->size));
    PartitionData p;
    p.partition_key = decoded->partition_key;
    p.token = decoded->token;
    ReadOptions ro;
    ro.now = options.now;
    ro.row_limit = options.distinct ? 0 : rows_left;
    auto s = read(prefix, ro, p);
    if (!s.is_ok()) return s;
    bool live = !p.rows.empty() || p.static_row.has_value();
    if (options.distinct && !live) {
      // A partition with only a static-less header or dead rows: check it has any live row.
      ReadOptions probe;
      probe.now = options.now;
      probe.row_limit = 1;
      PartitionData tmp;
      s = read(prefix, probe, tmp);
      if (!s.is_ok()) return s;
      live = !tmp.rows.empty();
    }
    if (live) {
      rows_left -= static_cast<int64_t>(p.rows.size());
      --partitions_left;
      out.push_back(std::move(p));
    }
    it_->Seek(rocksdb::Slice(prefix_successor(prefix)));
  }
  if (!it_->status().ok()) return iterator_status(it_->status());
  return Status::ok();
}

static std::array<Bytes, 2> point_keys(const Bytes& prefix) {
  std::array<Bytes, 2> keys{prefix, prefix};
  keys[0].push_back(static_cast<char>(KeyKind::kPartitionHeader));
  keys[1].push_back(static_cast<char>(KeyKind::kRow));
  return keys;
}

static Status assemble_point_read(const TableLayout& layout, const BytesView* header, const BytesView* row,
                                  const ReadOptions& options, PartitionData& out) {
  Deletion partition_deletion;
  if (header != nullptr) {
    auto decoded = decode_row(*header);
    if (!decoded) return Status::error("corrupt partition header in table " + layout.id);
    partition_deletion = decoded->deletion;
  }
  if (row == nullptr || options.row_limit <= 0) return Status::ok();
  Status status;
  RowFragment fragment;
  if (decode_live(layout, *row, partition_deletion, options.now, fragment, status))
    out.rows.push_back(RowData{{}, std::move(fragment)});
  return status;
}

Status read_point(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf, const TableLayout& layout,
                  const Bytes& prefix, const ReadOptions& options, PartitionData& out) {
  auto keys = point_keys(prefix);
  std::array<rocksdb::Slice, 2> slices{rocksdb::Slice(keys[0]), rocksdb::Slice(keys[1])};
  std::array<rocksdb::PinnableSlice, 2> values;
  std::array<rocksdb::Status, 2> statuses;
  rocksdb::ReadOptions ro;
  if (options.cache_only) {
    // RocksDB 7.8's MultiGet can answer OK with a wrong value where a cache-only lookup met
    // a block it may not read; Get reports Incomplete there (point_read_test.cc). The two
    // Gets read one snapshot, so that a partition deletion and a write applied together
    // are seen together.
    ro.read_tier = rocksdb::kBlockCacheTier;
    rocksdb::ManagedSnapshot snapshot(&db);
    ro.snapshot = snapshot.snapshot();
    for (size_t i = 0; i < keys.size(); ++i) statuses[i] = db.Get(ro, cf, slices[i], &values[i]);
  } else {
    db.MultiGet(ro, cf, keys.size(), slices.data(), values.data(), statuses.data(), /*sorted_input=*/true);
  }
  std::array<BytesView, 2> found;
  std::array<const BytesView*, 2> present{nullptr, nullptr};
  for (size_t i = 0; i < keys.size(); ++i) {
    if (statuses[i].IsNotFound()) continue;
    if (statuses[i].IsIncomplete()) return Status::would_block("read needs a block not in the cache");
    if (!statuses[i].ok()) return Status::error("read: " + statuses[i].ToString());
    found[i] = BytesView(values[i].data(), values[i].size());
    present[i] = &found[i];
  }
  return assemble_point_read(layout, present[0], present[1], options, out);
}

}  // namespace krill::storage
