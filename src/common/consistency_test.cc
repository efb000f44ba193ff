#include "common/consistency.h"

#include <gtest/gtest.h>

namespace krill::common {
namespace {

TEST(Consistency, NamesEveryLevel) {
  EXPECT_STREQ(consistency_name(Consistency::kAny), "ANY");
  EXPECT_STREQ(consistency_name(Consistency::kOne), "ONE");
  EXPECT_STREQ(consistency_name(Consistency::kLocalQuorum), "LOCAL_QUORUM");
  EXPECT_STREQ(consistency_name(Consistency::kLocalOne), "LOCAL_ONE");
  EXPECT_STREQ(consistency_name(static_cast<Consistency>(0x00FF)), "UNKNOWN");
}

TEST(Consistency, ParsesAnyCaseAndRoundTrips) {
  for (uint16_t code = 0; code <= 0x000A; ++code) {
    const auto level = static_cast<Consistency>(code);
    Consistency parsed = Consistency::kAny;
    ASSERT_TRUE(parse_consistency(consistency_name(level), parsed)) << code;
    EXPECT_EQ(parsed, level);
  }
  Consistency cl = Consistency::kOne;
  EXPECT_TRUE(parse_consistency("each_Quorum", cl));
  EXPECT_EQ(cl, Consistency::kEachQuorum);
}

TEST(Consistency, RejectsUnknownNamesWithoutChangingTheOutput) {
  Consistency cl = Consistency::kTwo;
  EXPECT_FALSE(parse_consistency("", cl));
  EXPECT_FALSE(parse_consistency("ONE ", cl));
  EXPECT_FALSE(parse_consistency("LOCAL", cl));
  EXPECT_FALSE(parse_consistency("UNKNOWN", cl));
  EXPECT_EQ(cl, Consistency::kTwo);
}

}  // namespace
}  // namespace krill::common
