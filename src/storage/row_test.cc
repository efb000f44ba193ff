#include "storage/row.h"

#include <gtest/gtest.h>

namespace krill::storage {
namespace {

Cell live(uint32_t col, int64_t ts, const std::string& v) {
  Cell c;
  c.column_id = col;
  c.timestamp = ts;
  c.value = v;
  return c;
}

Cell tomb(uint32_t col, int64_t ts) {
  Cell c;
  c.column_id = col;
  c.timestamp = ts;
  c.flags = Cell::kTombstone;
  c.local_time = 100;
  return c;
}

TEST(RowTest, EncodeDecodeRoundTrip) {
  RowFragment r;
  r.deletion = Deletion{42, 7};
  r.marker = Liveness{10, 60, 1000};
  r.cells.push_back(live(1, 5, "abc"));
  Cell e = live(2, 6, "x");
  e.flags = Cell::kExpiring;
  e.ttl = 30;
  e.local_time = 500;
  r.cells.push_back(e);
  r.cells.push_back(tomb(3, 9));
  auto d = decode_row(encode_row(r));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->deletion.timestamp, 42);
  ASSERT_TRUE(d->marker);
  EXPECT_EQ(d->marker->ttl, 60);
  ASSERT_EQ(d->cells.size(), 3u);
  EXPECT_EQ(d->cells[0].value, "abc");
  EXPECT_EQ(d->cells[1].ttl, 30);
  EXPECT_TRUE(d->cells[2].is_tombstone());
}

TEST(RowTest, RejectsCorruptBytes) {
  EXPECT_FALSE(decode_row("").has_value());
  EXPECT_FALSE(decode_row("\x09\x00\x00").has_value());  // unknown format version
  std::string good = encode_row(RowFragment{{}, std::nullopt, {live(1, 1, "v")}});
  EXPECT_FALSE(decode_row(good.substr(0, good.size() - 1)).has_value());
  EXPECT_FALSE(decode_row(good + "x").has_value());
}

TEST(RowTest, HigherTimestampWins) {
  RowFragment a{{}, std::nullopt, {live(1, 10, "old")}};
  RowFragment b{{}, std::nullopt, {live(1, 20, "new")}};
  merge_rows(a, b);
  ASSERT_EQ(a.cells.size(), 1u);
  EXPECT_EQ(a.cells[0].value, "new");
  RowFragment c{{}, std::nullopt, {live(1, 20, "new")}};
  RowFragment d{{}, std::nullopt, {live(1, 10, "old")}};
  merge_rows(c, d);
  EXPECT_EQ(c.cells[0].value, "new");
}

TEST(RowTest, TiesFavourTombstoneThenGreaterValue) {
  RowFragment a{{}, std::nullopt, {live(1, 10, "zzz")}};
  merge_rows(a, RowFragment{{}, std::nullopt, {tomb(1, 10)}});
  EXPECT_TRUE(a.cells[0].is_tombstone());
  RowFragment b{{}, std::nullopt, {live(1, 10, "a")}};
  merge_rows(b, RowFragment{{}, std::nullopt, {live(1, 10, "b")}});
  EXPECT_EQ(b.cells[0].value, "b");
  RowFragment c{{}, std::nullopt, {live(1, 10, "b")}};
  merge_rows(c, RowFragment{{}, std::nullopt, {live(1, 10, "a")}});
  EXPECT_EQ(c.cells[0].value, "b");
}

TEST(RowTest, MergeKeepsDistinctColumnsSorted) {
  RowFragment a{{}, std::nullopt, {live(1, 1, "a"), live(5, 1, "e")}};
  merge_rows(a, RowFragment{{}, std::nullopt, {live(3, 1, "c"), live(7, 1, "g")}});
  ASSERT_EQ(a.cells.size(), 4u);
  EXPECT_EQ(a.cells[0].column_id, 1u);
  EXPECT_EQ(a.cells[1].column_id, 3u);
  EXPECT_EQ(a.cells[2].column_id, 5u);
  EXPECT_EQ(a.cells[3].column_id, 7u);
}

TEST(RowTest, RowDeletionShadowsOlderDataOnly) {
  RowFragment r{{}, Liveness{5, 0, 0}, {live(1, 5, "old"), live(2, 15, "new")}};
  merge_rows(r, RowFragment{Deletion{10, 1}, std::nullopt, {}});
  apply_deletion(r, Deletion{});
  EXPECT_FALSE(r.marker.has_value());
  ASSERT_EQ(r.cells.size(), 1u);
  EXPECT_EQ(r.cells[0].value, "new");
  // A partition deletion given from outside applies too.
  apply_deletion(r, Deletion{20, 1});
  EXPECT_TRUE(r.cells.empty());
}

TEST(RowTest, ExpiredCellsAreNotLive) {
  Cell c = live(1, 1, "v");
  c.flags = Cell::kExpiring;
  c.ttl = 10;
  c.local_time = 1000;
  EXPECT_TRUE(c.is_live(999));
  EXPECT_FALSE(c.is_live(1000));
}

}  // namespace
}  // namespace krill::storage
