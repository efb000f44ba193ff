// Cassandra's partitioner hash: the h1 half of MurmurHash3_x64_128 (seed 0) with the
// tail bytes sign-extended as Java does, as used by Murmur3Partitioner.
#pragma once

#include <cstdint>

#include "common/bytes.h"

namespace krill::common {

// h1 of Cassandra's MurmurHash3_x64_128 variant, seed 0.
int64_t murmur3_h1(BytesView data);

// The partition token of a serialized partition key (the routing key, see
// cql-drivers.md section 3): murmur3_h1, except that an empty key maps to INT64_MIN
// and a hash equal to INT64_MIN maps to INT64_MAX.
int64_t murmur3_token(BytesView partition_key);

}  // namespace krill::common
