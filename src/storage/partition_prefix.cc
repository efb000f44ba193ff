#include "storage/partition_prefix.h"

#include <rocksdb/slice_transform.h>

namespace krill::storage {

size_t partition_prefix_length(common::BytesView key) {
  // 8 bytes of token, then the partition key with each 00 escaped as 00 FF, then 00 00.
  size_t i = 8;
  while (i + 1 < key.size()) {
    if (key[i] != '\0') {
      ++i;
    } else if (key[i + 1] == '\0') {
      return i + 2;
    } else {
      i += 2;
    }
  }
  return 0;
}

namespace {

class PartitionPrefixExtractor final : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "krill.PartitionPrefix.v1"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), partition_prefix_length(common::BytesView(key.data(), key.size())));
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    return partition_prefix_length(common::BytesView(key.data(), key.size())) > 0;
  }
  bool SameResultWhenAppended(const rocksdb::Slice& prefix) const override {
    return partition_prefix_length(common::BytesView(prefix.data(), prefix.size())) == prefix.size();
  }
};

}  // namespace

std::shared_ptr<const rocksdb::SliceTransform> make_partition_prefix_extractor() {
  return std::make_shared<PartitionPrefixExtractor>();
}

}  // namespace krill::storage
