// Converts COPY FROM field text to serialized CQL values, accepting what COPY TO (and
// cqlsh) write: plain numbers, True/False (any case), 0x-prefixed hex blobs (the prefix may
// be omitted), uuids, timestamps in any form parse_timestamp accepts (so
// "2024-01-02 03:04:05.000000+0000" too), dates, times, inets, durations, and collection,
// tuple and UDT literals: [1, 2], {1, 2}, {'a': 1}, (1, 'a'), {field: 'x'}. Inside those,
// strings may be 'quoted' ('' is a quote) or bare, and null marks a missing tuple/UDT
// component. Throws std::invalid_argument with a message naming the text and the type.
// Pure functions, thread-safe.
#pragma once

#include <string_view>

#include "common/bytes.h"
#include "common/types.h"

namespace krill::tools::shell {

common::Bytes parse_field(const common::DataType& type, std::string_view text);

}  // namespace krill::tools::shell
