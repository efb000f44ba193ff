// Internal to krill_common: zero-copy splitting of collection, tuple and UDT bodies into
// views of their elements, shared by validation, comparison and rendering. Other layers
// use the copying decode_* functions of values.h instead.
#pragma once

#include <optional>
#include <utility>
#include <vector>

#include "common/bytes.h"

namespace krill::common::detail {

// Each returns nullptr on success, or a static message describing the malformation.
// The views point into `v`. An empty `v` yields no elements.

// list/set body: [int n] + n x [bytes]; negative element lengths (null) are malformed.
const char* split_elements(BytesView v, std::vector<BytesView>& out);
// map body: [int n] + n x ([bytes] key, [bytes] value).
const char* split_pairs(BytesView v, std::vector<std::pair<BytesView, BytesView>>& out);
// tuple/UDT body: [bytes] per component until the end of `v`; a negative length is null.
const char* split_components(BytesView v, std::vector<std::optional<BytesView>>& out);

}  // namespace krill::common::detail
