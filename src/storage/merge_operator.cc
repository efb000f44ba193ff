#include "storage/merge_operator.h"

#include "storage/row.h"

namespace krill::storage {
namespace {

// Whether apply_deletion(row, Deletion{}) could drop anything from `row`: only its own row
// deletion or a collection tombstone can shadow its cells or marker.
bool shadows_anything(const RowFragment& row) {
  if (row.deletion.active()) return true;
  for (const Cell& c : row.cells) {
    if (c.flags & Cell::kComplexDeletion) return true;
  }
  return false;
}

class RowMergeOperator : public rocksdb::MergeOperator {
 public:
  bool FullMergeV2(const MergeOperationInput& in, MergeOperationOutput* out) const override {
    if (in.existing_value == nullptr && in.operand_list.size() == 1) {
      // The common read of a row written once and not yet compacted. Merged with nothing,
      // a fragment is itself; when it holds no deletion there is nothing to purge either, so
      // the operand is the result as it is (no re-encoding, no copy).
      const rocksdb::Slice& op = in.operand_list.front();
      auto frag = decode_row(common::BytesView(op.data(), op.size()));
      if (!frag) return false;
      if (!shadows_anything(*frag)) {
        out->existing_operand = op;
        return true;
      }
    }
    RowFragment row;
    if (in.existing_value != nullptr) {
      auto existing = decode_row(common::BytesView(in.existing_value->data(), in.existing_value->size()));
      if (!existing) return false;
      row = std::move(*existing);
    }
    for (const rocksdb::Slice& op : in.operand_list) {
      auto frag = decode_row(common::BytesView(op.data(), op.size()));
      if (!frag) return false;
      merge_rows(row, *frag);
    }
    // Shadowed data can go now: the deletion that shadows it is kept in the row.
    apply_deletion(row, Deletion{});
    out->new_value = encode_row(row);
    return true;
  }

  bool PartialMergeMulti(const rocksdb::Slice& /*key*/, const std::deque<rocksdb::Slice>& operands,
                         std::string* new_value, rocksdb::Logger* /*logger*/) const override {
    RowFragment row;
    for (const rocksdb::Slice& op : operands) {
      auto frag = decode_row(common::BytesView(op.data(), op.size()));
      if (!frag) return false;
      merge_rows(row, *frag);
    }
    *new_value = encode_row(row);
    return true;
  }

  const char* Name() const override { return "krill.RowMerge.v1"; }
  // A lone operand stays as it is in flushes and compactions: merging it with nothing
  // would decode and re-encode it for the same bytes (a third of a flush's CPU under L1).
  bool AllowSingleOperand() const override { return false; }
};

}  // namespace

std::shared_ptr<rocksdb::MergeOperator> make_row_merge_operator() {
  return std::make_shared<RowMergeOperator>();
}

}  // namespace krill::storage
