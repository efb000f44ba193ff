#include "common/murmur3.h"

#include <gtest/gtest.h>

#include <limits>

#include "common/values.h"

namespace krill::common {
namespace {

// Partition-key vectors from ../shared/reference/murmur3-and-codec-vectors.txt (checked
// against the Python driver's implementation).
TEST(Murmur3Test, CassandraTokenVectors) {
  struct Case {
    const char* hex;
    int64_t token;
  } cases[] = {
      {"00000000", -3485513579396041028LL},
      {"00000001", -4069959284402364209LL},
      {"0000002a", -7160136740246525330LL},
      {"0000000000000001", 6292367497774912474LL},
      {"ffffffffffffffff", 7071048584287372947LL},
      {"61", -8839064797231613815LL},
      {"68656c6c6f", -3758069500696749310LL},
      {"0004000000010000016100", 6516349416904725244LL},
      {"ff", -4442228696663692417LL},
      {"00104327529fb645dd00b883ec39ae448bb800000400066a6b00", -9223371632693506265LL},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(murmur3_token(from_hex(c.hex)), c.token) << c.hex;
    EXPECT_EQ(murmur3_h1(from_hex(c.hex)), c.token) << c.hex;
  }
}

// Signed tail bytes differ from the standard algorithm (which gives 5177511712917721324
// for "ff"); make sure we are not computing the standard one by accident.
TEST(Murmur3Test, TailBytesAreSignExtended) {
  EXPECT_NE(murmur3_h1(from_hex("ff")), 5177511712917721324LL);
  EXPECT_NE(murmur3_h1(from_hex("00104327529fb645dd00b883ec39ae448bb800000400066a6b00")),
            8117980653506862255LL);
}

// For ASCII input the sign extension is invisible, so the standard MurmurHash3_x64_128 h1
// values apply: every tail length of "0123456789abcdef", plus longer inputs.
TEST(Murmur3Test, StandardVectorsForAsciiEveryTailLength) {
  const uint64_t expect[] = {
      0x2ac9debed546a380ULL, 0x649e4eaa7fc1708eULL, 0xce68f60d7c353bdbULL, 0x0f95757ce7f38254ULL,
      0x0f04e459497f3fc1ULL, 0x88c0a92586be0a27ULL, 0x13eb9fb82606f7a6ULL, 0x8236039b7387354dULL,
      0x4c1e87519fe738baULL, 0x3f9652ac3effeb24ULL, 0x4bc3eacd29d38629ULL, 0x66352b8cee9e3ca7ULL,
      0x5eb2f8db4265931eULL, 0x07a4a014dd59f71aULL, 0xa62dd5f6c0bf2351ULL, 0x4be06d94cf4ad1a7ULL,
  };
  const std::string prefix = "0123456789abcdef";
  for (size_t len = 1; len <= prefix.size(); ++len) {
    EXPECT_EQ(static_cast<uint64_t>(murmur3_h1(prefix.substr(0, len))), expect[len - 1]) << len;
  }
  EXPECT_EQ(static_cast<uint64_t>(murmur3_h1("hello, world")), 0x342fac623a5ebc8eULL);
  EXPECT_EQ(static_cast<uint64_t>(murmur3_h1("I will not buy this tobacconist's, it is scratched.")),
            0xd30654abbd8227e3ULL);
}

TEST(Murmur3Test, EmptyKeyIsMinToken) {
  EXPECT_EQ(murmur3_h1(""), 0);
  EXPECT_EQ(murmur3_token(""), std::numeric_limits<int64_t>::min());
}

TEST(Murmur3Test, TokenNeverMinForNonEmptyKeys) {
  // INT64_MIN is reserved for the empty key; no small key hashes to it, but the mapping
  // must keep every non-empty token strictly above it.
  for (int i = 0; i < 2000; ++i) {
    Bytes key = encode_int(i);
    EXPECT_GT(murmur3_token(key), std::numeric_limits<int64_t>::min());
    EXPECT_EQ(murmur3_token(key), murmur3_h1(key));
  }
}

}  // namespace
}  // namespace krill::common
