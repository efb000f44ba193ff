// The row merge operator through RocksDB's interface: the single-operand fast path returns
// the operand itself only when nothing in it can be purged.
#include "storage/merge_operator.h"

#include <gtest/gtest.h>

#include "storage/row.h"

namespace krill::storage {
namespace {

Cell live(uint32_t col, int64_t ts, const std::string& v) {
  Cell c;
  c.column_id = col;
  c.timestamp = ts;
  c.value = v;
  return c;
}

struct Merged {
  bool ok = false;
  bool used_operand = false;
  std::string value;  // the merge result either way
};

Merged full_merge(const std::vector<std::string>& operands, const std::string* existing = nullptr) {
  auto op = make_row_merge_operator();
  std::vector<rocksdb::Slice> slices(operands.begin(), operands.end());
  rocksdb::Slice existing_slice;
  if (existing != nullptr) existing_slice = *existing;
  rocksdb::MergeOperator::MergeOperationInput in(rocksdb::Slice("k"), existing ? &existing_slice : nullptr,
                                                 slices, nullptr);
  std::string new_value;
  rocksdb::Slice existing_operand(nullptr, 0);
  rocksdb::MergeOperator::MergeOperationOutput out(new_value, existing_operand);
  Merged m;
  m.ok = op->FullMergeV2(in, &out);
  m.used_operand = existing_operand.data() != nullptr;
  m.value = m.used_operand ? existing_operand.ToString() : new_value;
  return m;
}

TEST(MergeOperatorTest, SingleOperandWithoutDeletionIsReturnedAsIs) {
  RowFragment r;
  r.marker = Liveness{10, 0, 0};
  r.cells.push_back(live(1, 10, "a"));
  r.cells.push_back(live(2, 10, "b"));
  const std::string operand = encode_row(r);
  Merged m = full_merge({operand});
  ASSERT_TRUE(m.ok);
  EXPECT_TRUE(m.used_operand);
  EXPECT_EQ(m.value, operand);
}

TEST(MergeOperatorTest, SingleOperandWithRowDeletionIsPurged) {
  RowFragment r;
  r.deletion = Deletion{20, 5};
  r.cells.push_back(live(1, 10, "old"));  // shadowed by the row deletion
  r.cells.push_back(live(2, 30, "new"));
  Merged m = full_merge({encode_row(r)});
  ASSERT_TRUE(m.ok);
  EXPECT_FALSE(m.used_operand);
  auto d = decode_row(m.value);
  ASSERT_TRUE(d);
  ASSERT_EQ(d->cells.size(), 1u);
  EXPECT_EQ(d->cells[0].value, "new");
  EXPECT_EQ(d->deletion.timestamp, 20);
}

TEST(MergeOperatorTest, SingleOperandWithCollectionTombstoneIsPurged) {
  RowFragment r;
  Cell t;
  t.column_id = 1;
  t.flags = Cell::kComplexDeletion;
  t.timestamp = 9;
  r.cells.push_back(t);
  Cell old = live(1, 8, "x");
  old.path = "k1";
  r.cells.push_back(old);
  Cell fresh = live(1, 10, "y");
  fresh.path = "k2";
  r.cells.push_back(fresh);
  Merged m = full_merge({encode_row(r)});
  ASSERT_TRUE(m.ok);
  EXPECT_FALSE(m.used_operand);
  auto d = decode_row(m.value);
  ASSERT_TRUE(d);
  ASSERT_EQ(d->cells.size(), 2u);  // the tombstone and the newer element
  EXPECT_EQ(d->cells[1].value, "y");
}

TEST(MergeOperatorTest, CorruptSingleOperandFails) {
  Merged m = full_merge({std::string("\xff\x01garbage", 9)});
  EXPECT_FALSE(m.ok);
}

TEST(MergeOperatorTest, TwoOperandsAreReconciled) {
  RowFragment a, b;
  a.cells.push_back(live(1, 10, "first"));
  b.cells.push_back(live(1, 20, "second"));
  Merged m = full_merge({encode_row(a), encode_row(b)});
  ASSERT_TRUE(m.ok);
  EXPECT_FALSE(m.used_operand);
  auto d = decode_row(m.value);
  ASSERT_TRUE(d);
  ASSERT_EQ(d->cells.size(), 1u);
  EXPECT_EQ(d->cells[0].value, "second");
}

TEST(MergeOperatorTest, SingleOperandOverExistingValueIsMerged) {
  RowFragment base, op;
  base.cells.push_back(live(1, 10, "base"));
  op.cells.push_back(live(2, 10, "other"));
  const std::string existing = encode_row(base);
  Merged m = full_merge({encode_row(op)}, &existing);
  ASSERT_TRUE(m.ok);
  EXPECT_FALSE(m.used_operand);
  auto d = decode_row(m.value);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->cells.size(), 2u);
}

}  // namespace
}  // namespace krill::storage
