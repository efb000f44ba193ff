// The RocksDB merge operator that reconciles row fragments (row.h) by Cassandra's rules.
#pragma once

#include <rocksdb/merge_operator.h>

#include <memory>

namespace krill::storage {

std::shared_ptr<rocksdb::MergeOperator> make_row_merge_operator();

}  // namespace krill::storage
