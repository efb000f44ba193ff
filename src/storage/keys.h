// Order-preserving key encoding for the RocksDB key space (docs/format.md, "Keys").
//
// Every encoded key sorts, as unsigned bytes, in the order Cassandra orders the same
// data: by token, then partition key bytes, then the clustering key with each column's
// type comparator and ASC/DESC direction. Encodings are prefix-free per component, so a
// clustering prefix is a contiguous key range and decoding needs no lengths.
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/bytes.h"
#include "common/types.h"

namespace krill::storage {

// What follows the partition prefix (token | partition key).
enum class KeyKind : uint8_t {
  kPartitionHeader = 0x00,  // partition deletion
  kRangeTombstone = 0x01,   // reserved for range tombstones
  kStaticRow = 0x02,
  kRow = 0x03,
};

// The clustering types of a table, in key order.
struct ClusteringLayout {
  std::vector<common::DataType> types;
  std::vector<bool> descending;  // same length as types
};

// token (8 bytes, sign bit flipped, big-endian) | escaped partition key | 00 00.
common::Bytes encode_partition_prefix(int64_t token, common::BytesView partition_key);

// Decodes a key that starts with a partition prefix: returns token, partition key and the
// number of bytes the prefix occupies. nullopt when malformed.
struct DecodedPrefix {
  int64_t token;
  common::Bytes partition_key;
  size_t size;
};
std::optional<DecodedPrefix> decode_partition_prefix(common::BytesView key);

// Appends one clustering component (structural marker 0x01, then the typed encoding,
// bit-inverted when descending). REQUIRES: the value is valid for the type.
// Throws common::CqlError(kInvalid) for types that cannot be clustering keys (duration,
// non-frozen collections).
void append_clustering_component(common::Bytes& out, const common::DataType& type, common::BytesView value,
                                 bool descending);

// Appends the clustering values `values` (a prefix of the layout: 0..n components).
void append_clustering(common::Bytes& out, const ClusteringLayout& layout,
                       const std::vector<common::Bytes>& values);

// Marks the end of a clustering prefix so that the resulting key sorts AFTER every key
// extending that prefix (structural byte 0x02, greater than any component marker).
inline void append_after_prefix(common::Bytes& out) { out.push_back('\x02'); }

// A range tombstone's key suffix (after the kRangeTombstone byte): the start bound, then
// the end bound, each as clustering components followed by 00 (inclusive) or 02
// (exclusive). Unique per range, so two deletions of the same range merge.
common::Bytes encode_range_bounds(const ClusteringLayout& layout, const std::vector<common::Bytes>& start,
                                  bool start_inclusive, const std::vector<common::Bytes>& end,
                                  bool end_inclusive);

// The byte ranges of storage row keys (clustering encodings, as after the kRow byte)
// that a range tombstone covers: [from, to). `to` empty = unbounded. nullopt if malformed.
struct EncodedRange {
  common::Bytes from;
  common::Bytes to;
};
std::optional<EncodedRange> decode_range_bounds_with(common::BytesView suffix,
                                                     const ClusteringLayout& layout);

// Decodes the clustering components that follow the KeyKind byte.
// Returns nullopt when malformed.
std::optional<std::vector<common::Bytes>> decode_clustering(common::BytesView encoded,
                                                            const ClusteringLayout& layout);

// The smallest key strictly greater than every key starting with `prefix`
// (prefix with its last non-0xff byte incremented); "" when no such key exists.
common::Bytes prefix_successor(common::BytesView prefix);

}  // namespace krill::storage
