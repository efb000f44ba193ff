// Reading a SELECT's rows: key lookups, token range scans and virtual tables, in chunks,
// resumable from a paging state.
#include "common/murmur3.h"
#include "cql/select_internal.h"
#include "schema/system_keyspaces.h"

namespace krill::cql {

using common::Bytes;
using common::BytesView;
using common::CqlError;
using common::ErrorCode;

namespace {

constexpr uint8_t kPagingStateVersion = 2;

class Streamer {
 public:
  Streamer(const ReadPlan& plan, ExecContext& ctx, RowSink& sink)
      : plan_(plan), t_(*plan.table), ctx_(ctx), sink_(sink) {}

  StreamEnd run(const std::optional<PagingState>& from) {
    if (t_.is_virtual) {
      virtual_rows(from);
    } else if (plan_.where.pk_complete) {
      key_lookups(from);
    } else if (!plan_.where.token_empty) {
      scan(from);
    }
    return end_;
  }

 private:
  int64_t chunk(BytesView partition_key) const {
    return std::clamp<int64_t>(sink_.wanted(partition_key), 1, kMaxReadChunk);
  }

  void consumed(const Bytes& partition_key, const std::vector<Bytes>* clustering, int32_t index) {
    PagingState s;
    s.partition_key = partition_key;
    s.has_clustering = clustering != nullptr;
    if (clustering) s.clustering = *clustering;
    s.index = index;
    end_.last = std::move(s);
  }

  // Offers one row; false when the sink stopped. `skip` is set when it skipped the partition.
  bool offer(const RowView& v, const Bytes& partition_key, const std::vector<Bytes>* clustering,
             int32_t index, bool& skip) {
    switch (sink_.offer(v, partition_key)) {
      case Verdict::kConsumed:
        consumed(partition_key, clustering, index);
        return true;
      case Verdict::kSkipPartition:
        consumed(partition_key, nullptr, index);
        skip = true;
        return true;
      case Verdict::kStop:
        end_.stopped = true;
        return false;
    }
    return true;
  }

  // Offers the rows of one partition read; rows outside the slices are passed over when
  // `filter` (reads that could not apply them). A partition with only a static row gives
  // one row when `static_only` allows it.
  bool offer_rows(const storage::PartitionData& pd, int32_t index, bool static_only, bool filter,
                  bool& skip) {
    auto pk = split_partition_key(pd.partition_key, t_.partition_key().size());
    const storage::RowFragment* stat = pd.static_row ? &pd.static_row->fragment : nullptr;
    for (const auto& r : pd.rows) {
      if (filter && !in_slices(r.clustering, plan_.slices, t_)) {
        consumed(pd.partition_key, &r.clustering, index);
        continue;
      }
      RowView v{&t_, &pk, &r.clustering, &r.fragment, stat, nullptr, pd.token, ctx_.now};
      if (!offer(v, pd.partition_key, &r.clustering, index, skip)) return false;
      if (skip) return true;
    }
    if (static_only && pd.rows.empty() && stat != nullptr) {
      RowView v{&t_, &pk, nullptr, nullptr, stat, nullptr, pd.token, ctx_.now};
      if (!offer(v, pd.partition_key, nullptr, index, skip)) return false;
      consumed(pd.partition_key, nullptr, index);
    }
    return true;
  }

  // DISTINCT: one row per live partition, with its static columns.
  bool offer_partition(const storage::PartitionData& pd, int32_t index) {
    auto pk = split_partition_key(pd.partition_key, t_.partition_key().size());
    const storage::RowFragment* stat = pd.static_row ? &pd.static_row->fragment : nullptr;
    RowView v{&t_, &pk, nullptr, nullptr, stat, nullptr, pd.token, ctx_.now};
    bool skip = false;
    if (!offer(v, pd.partition_key, nullptr, index, skip)) return false;
    consumed(pd.partition_key, nullptr, index);
    return true;
  }

  // Reads partition `key` after `after` (from its start when unset), chunk by chunk.
  bool read_partition(const Bytes& key, int64_t token, std::optional<std::vector<Bytes>> after, int32_t index,
                      bool static_only, bool filter) {
    bool first = !after.has_value();
    while (true) {
      storage::ReadOptions ro;
      ro.slices = plan_.slices;
      ro.reversed = plan_.reversed;
      ro.now = ctx_.now;
      ro.row_limit = plan_.distinct ? 1 : chunk(key);
      ro.after_clustering = after;
      ro.cache_only = ctx_.no_block;
      auto pd = ctx_.svc.coordinator.read_partition(*t_.layout, key, token, ro, ctx_.consistency);
      if (pd.partition_key.empty()) pd.partition_key = key;
      if (plan_.distinct) {
        if (pd.rows.empty() && !pd.static_row) return true;
        return offer_partition(pd, index);
      }
      bool skip = false;
      if (!offer_rows(pd, index, first && static_only, filter, skip)) return false;
      if (skip || static_cast<int64_t>(pd.rows.size()) < ro.row_limit) return true;
      after = pd.rows.back().clustering;
      first = false;
    }
  }

  void key_lookups(const std::optional<PagingState>& from) {
    auto keys = selected_partition_keys(plan_.where);
    size_t start = from ? static_cast<size_t>(from->index) : 0;
    for (size_t i = start; i < keys.size(); ++i) {
      std::optional<std::vector<Bytes>> after;
      if (from && i == start) {
        if (!from->has_clustering || plan_.distinct) continue;  // that partition is finished
        after = from->clustering;
      }
      int64_t token = common::murmur3_token(keys[i]);
      if (!read_partition(keys[i], token, after, static_cast<int32_t>(i), !plan_.ck_restricted, false))
        return;
    }
  }

  void scan(const std::optional<PagingState>& from) {
    const WhereAnalysis& w = plan_.where;
    storage::ScanOptions so;
    so.now = ctx_.now;
    so.end_token = w.token_end;
    so.distinct = plan_.distinct;
    if (w.token_start) so.start.token = *w.token_start;
    if (from) {
      // Finish the partition the previous page stopped in, then continue after it.
      int64_t token = common::murmur3_token(from->partition_key);
      if (from->has_clustering && !plan_.distinct) {
        if (!read_partition(from->partition_key, token, from->clustering, 0, false, true)) return;
      }
      so.start.token = token;
      so.start.after_partition_key = from->partition_key;
    }
    while (true) {
      int64_t n = chunk("");
      if (plan_.distinct)
        so.partition_limit = n;
      else
        so.row_limit = n;
      auto scan = ctx_.svc.coordinator.scan(*t_.layout, so, ctx_.consistency);
      int64_t rows = 0;
      for (size_t p = 0; p < scan.partitions.size(); ++p) {
        const auto& pd = scan.partitions[p];
        if (plan_.distinct) {
          if (!offer_partition(pd, 0)) return;
          continue;
        }
        rows += static_cast<int64_t>(pd.rows.size());
        bool skip = false;
        if (!offer_rows(pd, 0, !plan_.ck_restricted, true, skip)) return;
        if (!skip && rows >= so.row_limit && p + 1 == scan.partitions.size() && !pd.rows.empty()) {
          // The row limit may have cut this partition short: read the rest of it.
          if (!read_partition(pd.partition_key, pd.token, pd.rows.back().clustering, 0, false, true)) return;
        }
      }
      if (!scan.more || scan.partitions.empty()) return;
      so.start.token = scan.partitions.back().token;
      so.start.after_partition_key = scan.partitions.back().partition_key;
    }
  }

  void virtual_rows(const std::optional<PagingState>& from) {
    auto rows = schema::virtual_table_rows(t_, *ctx_.schema, ctx_.svc.node);
    auto pk_columns = t_.partition_key();
    for (size_t i = from ? static_cast<size_t>(from->index) : 0; i < rows.size(); ++i) {
      RowView v{&t_, nullptr, nullptr, nullptr, nullptr, &rows[i], 0, ctx_.now};
      std::vector<Bytes> pk;
      pk.reserve(pk_columns.size());
      for (const auto* c : pk_columns) pk.push_back(v.value(*c).value_or(Bytes()));
      Bytes key = make_partition_key(pk);
      bool skip = false;
      if (!offer(v, key, nullptr, 0, skip)) return;
      end_.last = PagingState{{}, false, {}, 0, static_cast<int32_t>(i + 1), 0};
    }
  }

  const ReadPlan& plan_;
  const schema::TableDef& t_;
  ExecContext& ctx_;
  RowSink& sink_;
  StreamEnd end_;
};

}  // namespace

Bytes encode_paging_state(const PagingState& s) {
  Bytes out;
  out.push_back(static_cast<char>(kPagingStateVersion));
  common::put_be32(out, static_cast<uint32_t>(s.partition_key.size()));
  out += s.partition_key;
  out.push_back(s.has_clustering ? '\1' : '\0');
  common::put_be32(out, static_cast<uint32_t>(s.clustering.size()));
  for (const auto& c : s.clustering) {
    common::put_be32(out, static_cast<uint32_t>(c.size()));
    out += c;
  }
  common::put_be64(out, static_cast<uint64_t>(s.remaining));
  common::put_be32(out, static_cast<uint32_t>(s.index));
  common::put_be32(out, static_cast<uint32_t>(s.partition_count));
  return out;
}

PagingState decode_paging_state(const Bytes& b) {
  auto bad = []() -> CqlError {
    return CqlError(ErrorCode::kProtocolError, "Invalid value for the paging state");
  };
  size_t pos = 0;
  auto need = [&](size_t n) {
    if (b.size() - pos < n) throw bad();
  };
  auto bytes = [&]() {
    need(4);
    uint32_t n = common::get_be32(b.data() + pos);
    pos += 4;
    need(n);
    Bytes v = b.substr(pos, n);
    pos += n;
    return v;
  };
  PagingState s;
  need(1);
  if (static_cast<uint8_t>(b[pos++]) != kPagingStateVersion) throw bad();
  s.partition_key = bytes();
  need(1);
  s.has_clustering = b[pos++] != 0;
  need(4);
  uint32_t n = common::get_be32(b.data() + pos);
  pos += 4;
  if (n > 1024) throw bad();
  for (uint32_t i = 0; i < n; ++i) s.clustering.push_back(bytes());
  need(16);
  s.remaining = static_cast<int64_t>(common::get_be64(b.data() + pos));
  s.index = static_cast<int32_t>(common::get_be32(b.data() + pos + 8));
  s.partition_count = static_cast<int32_t>(common::get_be32(b.data() + pos + 12));
  pos += 16;
  if (pos != b.size() || s.remaining <= 0 || s.index < 0 || s.partition_count < 0) throw bad();
  return s;
}

StreamEnd stream_rows(const ReadPlan& plan, ExecContext& ctx, const std::optional<PagingState>& from,
                      RowSink& sink) {
  Streamer s(plan, ctx, sink);
  return s.run(from);
}

}  // namespace krill::cql
