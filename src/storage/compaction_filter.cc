#include "storage/compaction_filter.h"

#include <algorithm>

#include "storage/keys.h"

namespace krill::storage {
namespace {

using common::Bytes;
using common::BytesView;

// True when something dead since `time` may go at `now`: gc_grace has fully passed.
bool gc_due(int32_t time, int32_t now, int32_t gc_grace) {
  return static_cast<int64_t>(time) + gc_grace <= now;
}

class GcFilter final : public rocksdb::CompactionFilter {
 public:
  GcFilter(std::shared_ptr<const TableLayout> layout, bool full, int32_t now)
      : layout_(std::move(layout)), full_(full), now_(now) {
    if (layout_) gc_grace_ = layout_->gc_grace_seconds;
  }

  Decision FilterV2(int /*level*/, const rocksdb::Slice& key, ValueType type, const rocksdb::Slice& value,
                    std::string* new_value, std::string* /*skip_until*/) const override {
    if (type != kValue && type != kMergeOperand) return Decision::kKeep;
    BytesView k(key.data(), key.size());
    auto prefix = decode_partition_prefix(k);
    if (!prefix || k.size() <= prefix->size) return Decision::kKeep;
    BytesView partition = k.substr(0, prefix->size);
    if (partition != BytesView(partition_)) {
      partition_ = Bytes(partition);
      partition_deletion_ = Deletion{};
      ranges_.clear();
    }
    auto frag = decode_row(BytesView(value.data(), value.size()));
    if (!frag) return Decision::kKeep;  // never drop what we cannot read
    auto kind = static_cast<KeyKind>(k[prefix->size]);
    BytesView suffix = k.substr(prefix->size + 1);

    // Remember the deletions that shadow other keys of this partition (any fragment's
    // deletion is in force: merging only ever keeps the newest).
    if (kind == KeyKind::kPartitionHeader && suffix.empty()) {
      if (frag->deletion.timestamp > partition_deletion_.timestamp) partition_deletion_ = frag->deletion;
    } else if (kind == KeyKind::kRangeTombstone && layout_ && frag->deletion.active()) {
      if (auto r = decode_range_bounds_with(suffix, layout_->clustering)) {
        ranges_.push_back(Range{std::move(*r), frag->deletion});
      }
    }
    if (kind == KeyKind::kPartitionHeader || kind == KeyKind::kRangeTombstone) {
      // Only a full compaction sees every row these shadow after them (values and
      // operands alike: operands are cleared of what they shadow below).
      if (type != kValue || !full_ || !frag->deletion.active() ||
          !gc_due(frag->deletion.local_time, now_, gc_grace_)) {
        return Decision::kKeep;
      }
      return Decision::kRemove;
    }
    if (kind != KeyKind::kRow && kind != KeyKind::kStaticRow) return Decision::kKeep;
    Deletion outer = partition_deletion_;
    if (kind == KeyKind::kRow) {
      for (const Range& r : ranges_) {
        if (common::compare_bytes(suffix, r.range.from) < 0) continue;
        if (!r.range.to.empty() && common::compare_bytes(suffix, r.range.to) >= 0) continue;
        if (r.deletion.timestamp > outer.timestamp) outer = r.deletion;
      }
    }
    bool changed = false;
    if (type == kMergeOperand) {
      // Never purge by age here (see the header); only drop what a deletion in force
      // shadows, so that purging that deletion later cannot uncover it.
      if (!outer.active()) return Decision::kKeep;
      changed = shadow_row(*frag, outer);
    } else {
      static const std::vector<uint32_t> kNone;
      changed = purge_row(*frag, outer, now_, gc_grace_, layout_ ? layout_->dropped_column_ids : kNone);
    }
    if (!changed) return Decision::kKeep;
    if (!frag->deletion.active() && !frag->marker && frag->cells.empty()) return Decision::kRemove;
    *new_value = encode_row(*frag);
    return Decision::kChangeValue;
  }

  const char* Name() const override { return "krill.GcFilter.v1"; }

 private:
  struct Range {
    EncodedRange range;
    Deletion deletion;
  };
  std::shared_ptr<const TableLayout> layout_;
  const bool full_;
  const int32_t now_;
  int32_t gc_grace_ = TableLayout{}.gc_grace_seconds;
  // One filter serves one (sub)compaction, which calls it from one thread in key order.
  mutable Bytes partition_;
  mutable Deletion partition_deletion_;
  mutable std::vector<Range> ranges_;
};

class GcFilterFactory final : public rocksdb::CompactionFilterFactory {
 public:
  GcFilterFactory(std::shared_ptr<TableGcState> state, int32_t (*clock)())
      : state_(std::move(state)), clock_(clock) {}

  std::unique_ptr<rocksdb::CompactionFilter> CreateCompactionFilter(
      const rocksdb::CompactionFilter::Context& context) override {
    return std::make_unique<GcFilter>(state_->layout(), context.is_full_compaction, clock_());
  }
  const char* Name() const override { return "krill.GcFilterFactory.v1"; }

 private:
  std::shared_ptr<TableGcState> state_;
  int32_t (*clock_)();
};

}  // namespace

void TableGcState::observe(const std::shared_ptr<const TableLayout>& layout) {
  if (!layout) return;
  std::lock_guard lock(mu_);
  if (layout_ != layout) layout_ = layout;
}

void TableGcState::observe(const TableLayout& layout) {
  std::lock_guard lock(mu_);
  if (layout_ && layout_->gc_grace_seconds == layout.gc_grace_seconds &&
      layout_->dropped_column_ids == layout.dropped_column_ids) {
    return;
  }
  layout_ = std::make_shared<const TableLayout>(layout);
}

std::shared_ptr<const TableLayout> TableGcState::layout() const {
  std::lock_guard lock(mu_);
  return layout_;
}

std::shared_ptr<rocksdb::CompactionFilterFactory> make_gc_filter_factory(std::shared_ptr<TableGcState> state,
                                                                         int32_t (*clock)()) {
  return std::make_shared<GcFilterFactory>(std::move(state), clock);
}

bool shadow_row(RowFragment& row, const Deletion& outer) {
  if (!outer.active()) return false;
  size_t cells = row.cells.size();
  bool marker = row.marker.has_value();
  bool had_deletion = row.deletion.active();
  apply_deletion(row, outer);
  if (row.deletion.active() && row.deletion.timestamp <= outer.timestamp) row.deletion = Deletion{};
  return cells != row.cells.size() || marker != row.marker.has_value() ||
         had_deletion != row.deletion.active();
}

bool purge_row(RowFragment& row, const Deletion& outer, int32_t now, int32_t gc_grace,
               const std::vector<uint32_t>& dropped_columns) {
  // Shadowed by a deletion elsewhere in the partition: drop (the deletion itself is kept
  // by its own key until it is purged).
  bool changed = shadow_row(row, outer);
  if (row.deletion.active() && gc_due(row.deletion.local_time, now, gc_grace)) {
    row.deletion = Deletion{};
    changed = true;
  }
  if (row.marker && row.marker->ttl != 0 && gc_due(row.marker->expiry, now, gc_grace)) {
    row.marker.reset();
    changed = true;
  }
  size_t before = row.cells.size();
  std::erase_if(row.cells, [&](const Cell& c) {
    if (!dropped_columns.empty() &&
        std::binary_search(dropped_columns.begin(), dropped_columns.end(), c.column_id))
      return true;
    bool dead = c.is_tombstone() || ((c.flags & Cell::kExpiring) && c.local_time <= now);
    return dead && gc_due(c.local_time, now, gc_grace);
  });
  changed |= before != row.cells.size();
  for (Cell& c : row.cells) {
    // An expired cell is a tombstone from its expiry on (Cassandra converts it the same
    // way); its value is no longer needed.
    if ((c.flags & Cell::kExpiring) && !c.is_tombstone() && c.local_time <= now) {
      c.flags = static_cast<uint8_t>((c.flags & ~(Cell::kExpiring | Cell::kCounter)) | Cell::kTombstone);
      c.ttl = 0;
      c.value.clear();
      changed = true;
    }
  }
  return changed;
}

}  // namespace krill::storage
