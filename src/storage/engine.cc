#include "storage/engine.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/options_util.h>
#include <rocksdb/write_buffer_manager.h>

#include <filesystem>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "storage/merge_operator.h"
#include "storage/partition_reader.h"

namespace krill::storage {
namespace {

using common::Bytes;
using common::BytesView;
using common::Result;
using common::Status;

constexpr const char* kMetaFamily = "meta";
constexpr const char* kTablePrefix = "t_";

Status from_rocks(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return Status::ok();
  return Status::error(what + ": " + s.ToString());
}

class RocksEngine final : public Engine {
 public:
  RocksEngine(const EngineOptions& options) : options_(options) {}

  ~RocksEngine() override {
    families_.clear();
    if (meta_ != nullptr) db_->DestroyColumnFamilyHandle(meta_);
    if (default_ != nullptr) db_->DestroyColumnFamilyHandle(default_);
    if (db_) db_->Close().PermitUncheckedError();
  }

  Status open() {
    cache_ = rocksdb::NewLRUCache(options_.block_cache_bytes);
    wbm_ = std::make_shared<rocksdb::WriteBufferManager>(options_.write_buffer_bytes, cache_);
    db_options_.create_if_missing = true;
    db_options_.create_missing_column_families = true;
    db_options_.write_buffer_manager = wbm_;
    db_options_.max_background_jobs = options_.background_jobs;
    db_options_.keep_log_file_num = 5;
    db_options_.max_total_wal_size = 4 * options_.write_buffer_bytes;

    std::string path = options_.data_dir + "/db";
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) return Status::error("cannot create " + path + ": " + ec.message());

    std::vector<std::string> names;
    auto s = rocksdb::DB::ListColumnFamilies(db_options_, path, &names);
    if (!s.ok()) names = {rocksdb::kDefaultColumnFamilyName};
    bool has_meta = false;
    std::vector<rocksdb::ColumnFamilyDescriptor> descs;
    for (const auto& n : names) {
      descs.emplace_back(n, family_options());
      if (n == kMetaFamily) has_meta = true;
    }
    if (!has_meta) descs.emplace_back(kMetaFamily, family_options());

    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    s = rocksdb::DB::Open(db_options_, path, descs, &handles, &raw);
    if (!s.ok()) return from_rocks(s, "opening " + path);
    db_.reset(raw);
    for (auto* h : handles) {
      const std::string& n = h->GetName();
      if (n == kMetaFamily) {
        meta_ = h;
      } else if (n == rocksdb::kDefaultColumnFamilyName) {
        default_ = h;
      } else if (n.rfind(kTablePrefix, 0) == 0) {
        families_[n.substr(2)] = wrap(h);
      } else {
        db_->DestroyColumnFamilyHandle(h);
      }
    }
    return Status::ok();
  }

  Status create_table(const std::string& table_id) override {
    std::unique_lock lock(mu_);
    if (families_.count(table_id)) return Status::ok();
    rocksdb::ColumnFamilyHandle* h = nullptr;
    auto s = db_->CreateColumnFamily(family_options(), kTablePrefix + table_id, &h);
    if (!s.ok()) return from_rocks(s, "creating table " + table_id);
    families_[table_id] = wrap(h);
    return Status::ok();
  }

  Status drop_table(const std::string& table_id) override {
    std::shared_ptr<rocksdb::ColumnFamilyHandle> h;
    {
      std::unique_lock lock(mu_);
      auto it = families_.find(table_id);
      if (it == families_.end()) return Status::ok();
      h = it->second;
      families_.erase(it);
    }
    return from_rocks(db_->DropColumnFamily(h.get()), "dropping table " + table_id);
  }

  Status truncate_table(const std::string& table_id) override {
    auto h = family(table_id);
    if (!h) return Status::error("unknown table " + table_id);
    // Delete the whole key space of the table; the range tombstone is cheap and compaction
    // reclaims the space.
    std::string end(9, '\xff');
    auto s = db_->DeleteRange(rocksdb::WriteOptions(), h.get(), rocksdb::Slice(""), rocksdb::Slice(end));
    return from_rocks(s, "truncating table " + table_id);
  }

  Status write(const std::vector<PartitionWrite>& writes, bool sync) override {
    rocksdb::WriteBatch batch;
    std::vector<std::shared_ptr<rocksdb::ColumnFamilyHandle>> keep;
    for (const PartitionWrite& w : writes) {
      auto h = family(w.layout->id);
      if (!h) return Status::error("unknown table " + w.layout->id);
      Bytes prefix = encode_partition_prefix(w.token, w.partition_key);
      if (w.partition_deletion.active()) {
        RowFragment header;
        header.deletion = w.partition_deletion;
        Bytes key = prefix;
        key.push_back(static_cast<char>(KeyKind::kPartitionHeader));
        batch.Merge(h.get(), key, encode_row(header)).PermitUncheckedError();
      }
      for (const RangeTombstone& rt : w.range_tombstones) {
        RowFragment frag;
        frag.deletion = rt.deletion;
        Bytes key = prefix;
        key.push_back(static_cast<char>(KeyKind::kRangeTombstone));
        key += encode_range_bounds(w.layout->clustering, rt.start.prefix, rt.start.inclusive, rt.end.prefix,
                                   rt.end.inclusive);
        batch.Merge(h.get(), key, encode_row(frag)).PermitUncheckedError();
      }
      for (const RowWrite& r : w.rows) {
        Bytes key = prefix;
        if (r.is_static) {
          key.push_back(static_cast<char>(KeyKind::kStaticRow));
        } else {
          key.push_back(static_cast<char>(KeyKind::kRow));
          append_clustering(key, w.layout->clustering, r.clustering);
        }
        batch.Merge(h.get(), key, encode_row(r.fragment)).PermitUncheckedError();
      }
      keep.push_back(std::move(h));
    }
    rocksdb::WriteOptions wo;
    wo.sync = sync;
    return from_rocks(db_->Write(wo, &batch), "write");
  }

  Result<PartitionData> read_partition(const TableLayout& layout, BytesView partition_key, int64_t token,
                                       const ReadOptions& options) override {
    auto h = family(layout.id);
    if (!h) return Status::error("unknown table " + layout.id);
    rocksdb::ReadOptions ro;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, h.get()));
    PartitionReader reader(it.get(), layout);
    PartitionData out;
    out.partition_key = Bytes(partition_key);
    out.token = token;
    Bytes prefix = encode_partition_prefix(token, partition_key);
    auto s = reader.read(prefix, options, out);
    if (!s.is_ok()) return s;
    return out;
  }

  Result<ScanResult> scan(const TableLayout& layout, const ScanOptions& options) override {
    auto h = family(layout.id);
    if (!h) return Status::error("unknown table " + layout.id);
    rocksdb::ReadOptions ro;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, h.get()));
    PartitionReader reader(it.get(), layout);
    ScanResult result;
    auto s = reader.scan(options, result.partitions, result.more);
    if (!s.is_ok()) return s;
    return result;
  }

  Status put_meta(const std::string& key, const std::string& value, bool sync) override {
    rocksdb::WriteOptions wo;
    wo.sync = sync;
    return from_rocks(db_->Put(wo, meta_, key, value), "meta put");
  }

  Status delete_meta(const std::string& key, bool sync) override {
    rocksdb::WriteOptions wo;
    wo.sync = sync;
    return from_rocks(db_->Delete(wo, meta_, key), "meta delete");
  }

  Result<std::vector<std::pair<std::string, std::string>>> scan_meta(const std::string& prefix) override {
    std::vector<std::pair<std::string, std::string>> out;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), meta_));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      out.emplace_back(it->key().ToString(), it->value().ToString());
    }
    if (!it->status().ok()) return from_rocks(it->status(), "meta scan");
    return out;
  }

  Status flush() override {
    std::vector<rocksdb::ColumnFamilyHandle*> all{meta_};
    std::vector<std::shared_ptr<rocksdb::ColumnFamilyHandle>> keep;
    {
      std::shared_lock lock(mu_);
      for (auto& [id, h] : families_) {
        all.push_back(h.get());
        keep.push_back(h);
      }
    }
    auto s = db_->Flush(rocksdb::FlushOptions(), all);
    if (!s.ok()) return from_rocks(s, "flush");
    return from_rocks(db_->SyncWAL(), "sync wal");
  }

  uint64_t live_data_bytes() override {
    uint64_t total = 0;
    db_->GetAggregatedIntProperty("rocksdb.live-sst-files-size", &total);
    return total;
  }

 private:
  rocksdb::ColumnFamilyOptions family_options() const {
    rocksdb::ColumnFamilyOptions cf;
    cf.merge_operator = make_row_merge_operator();
    rocksdb::BlockBasedTableOptions t;
    t.block_cache = cache_;
    t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    t.cache_index_and_filter_blocks = true;
    cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
    cf.compression = rocksdb::kLZ4Compression;
    cf.bottommost_compression = rocksdb::kZSTD;
    return cf;
  }

  std::shared_ptr<rocksdb::ColumnFamilyHandle> wrap(rocksdb::ColumnFamilyHandle* h) {
    rocksdb::DB* db = db_.get();
    return std::shared_ptr<rocksdb::ColumnFamilyHandle>(
        h, [db](rocksdb::ColumnFamilyHandle* p) { db->DestroyColumnFamilyHandle(p).PermitUncheckedError(); });
  }

  std::shared_ptr<rocksdb::ColumnFamilyHandle> family(const std::string& id) {
    std::shared_lock lock(mu_);
    auto it = families_.find(id);
    return it == families_.end() ? nullptr : it->second;
  }

  EngineOptions options_;
  rocksdb::DBOptions db_options_;
  std::shared_ptr<rocksdb::Cache> cache_;
  std::shared_ptr<rocksdb::WriteBufferManager> wbm_;
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ColumnFamilyHandle* meta_ = nullptr;
  rocksdb::ColumnFamilyHandle* default_ = nullptr;
  std::shared_mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<rocksdb::ColumnFamilyHandle>> families_;  // GUARDED_BY(mu_)
};

}  // namespace

Result<std::unique_ptr<Engine>> Engine::open(const EngineOptions& options) {
  auto engine = std::make_unique<RocksEngine>(options);
  auto s = engine->open();
  if (!s.is_ok()) return s;
  return std::unique_ptr<Engine>(std::move(engine));
}

}  // namespace krill::storage
