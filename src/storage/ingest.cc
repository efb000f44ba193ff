#include "storage/ingest.h"

#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/table.h>

#include <filesystem>

#include "storage/merge_operator.h"
#include "storage/partition_prefix.h"

namespace krill::storage {

using common::Bytes;
using common::BytesView;
using common::Status;

void encode_partition_write(const PartitionWrite& w,
                            const std::function<void(Bytes&& key, Bytes&& value)>& emit) {
  const Bytes prefix = encode_partition_prefix(w.token, w.partition_key);
  if (w.partition_deletion.active()) {
    RowFragment header;
    header.deletion = w.partition_deletion;
    Bytes key = prefix;
    key.push_back(static_cast<char>(KeyKind::kPartitionHeader));
    emit(std::move(key), encode_row(header));
  }
  for (const RangeTombstone& rt : w.range_tombstones) {
    RowFragment frag;
    frag.deletion = rt.deletion;
    Bytes key = prefix;
    key.push_back(static_cast<char>(KeyKind::kRangeTombstone));
    key += encode_range_bounds(w.layout->clustering, rt.start.prefix, rt.start.inclusive, rt.end.prefix,
                               rt.end.inclusive);
    emit(std::move(key), encode_row(frag));
  }
  for (const RowWrite& r : w.rows) {
    Bytes key = prefix;
    if (r.is_static) {
      key.push_back(static_cast<char>(KeyKind::kStaticRow));
    } else {
      key.push_back(static_cast<char>(KeyKind::kRow));
      append_clustering(key, w.layout->clustering, r.clustering);
    }
    emit(std::move(key), encode_row(r.fragment));
  }
}

namespace {

Status from_rocks(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return Status::ok();
  if (s.IsNoSpace()) return Status::no_space(what + ": no space left on the disk (" + s.ToString() + ")");
  return Status::error(what + ": " + s.ToString());
}

// The parts of a table column family's options that shape an SST file (engine.cc builds
// the same for the live families).
rocksdb::Options sst_options() {
  rocksdb::Options o;
  o.merge_operator = make_row_merge_operator();
  rocksdb::BlockBasedTableOptions t;
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  o.prefix_extractor = make_partition_prefix_extractor();
  t.whole_key_filtering = false;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  o.compression = rocksdb::kLZ4Compression;
  return o;
}

}  // namespace

struct SstWriter::Impl {
  rocksdb::Options options = sst_options();
  rocksdb::SstFileWriter writer{rocksdb::EnvOptions(), options};
};

SstWriter::SstWriter() : impl_(std::make_unique<Impl>()) {}
SstWriter::~SstWriter() = default;

Status SstWriter::open(const std::string& path) {
  path_ = path;
  entries_ = 0;
  return from_rocks(impl_->writer.Open(path), "creating " + path);
}

Status SstWriter::add(BytesView key, BytesView value) {
  ++entries_;
  return from_rocks(
      impl_->writer.Merge(rocksdb::Slice(key.data(), key.size()), rocksdb::Slice(value.data(), value.size())),
      "writing " + path_);
}

uint64_t SstWriter::file_size() const { return impl_->writer.FileSize(); }

Status SstWriter::finish() {
  if (entries_ == 0) {
    // RocksDB refuses to finish an empty file; drop it instead.
    impl_ = std::make_unique<Impl>();
    std::error_code ec;
    std::filesystem::remove(path_, ec);
    return Status::ok();
  }
  return from_rocks(impl_->writer.Finish(), "finishing " + path_);
}

Status ingest_sst_files(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf,
                        const std::vector<std::string>& files) {
  if (files.empty()) return Status::ok();
  rocksdb::IngestExternalFileOptions o;
  o.move_files = true;  // hard-link into the database, then unlink the original
  o.failed_move_fall_back_to_copy = true;
  o.snapshot_consistency = true;             // open snapshots keep not seeing the new rows
  o.allow_global_seqno = true;               // the files get one sequence number above existing data
  o.allow_blocking_flush = true;             // an overlapping memtable is flushed first
  o.write_global_seqno = false;              // keep the files immutable (the seqno lives in the manifest)
  o.verify_checksums_before_ingest = false;  // the loader just wrote and synced them
  return from_rocks(db.IngestExternalFile(cf, files, o),
                    "ingesting " + std::to_string(files.size()) + " files");
}

}  // namespace krill::storage
