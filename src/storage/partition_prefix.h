// RocksDB prefix extractor for table column families: a key's prefix is its partition
// (token | escaped partition key | terminator, keys.h). With it, SST files carry a bloom
// filter of the partitions they hold, so reading one partition skips every file that
// cannot contain it (ReadOptions::prefix_same_as_start); scans across partitions use
// total_order_seek and ignore it. Files written before it existed (or by another
// extractor) are still read correctly: RocksDB uses a file's prefix filter only when the
// extractor name recorded in the file matches.
#pragma once

#include <memory>

#include "common/bytes.h"

namespace rocksdb {
class SliceTransform;
}

namespace krill::storage {

// The length of the partition prefix at the start of `key`, or 0 when `key` does not start
// with a whole one. Does not allocate.
size_t partition_prefix_length(common::BytesView key);

std::shared_ptr<const rocksdb::SliceTransform> make_partition_prefix_extractor();

}  // namespace krill::storage
