// Internal to the SELECT executor (select.cc, select_read.cc): the paging state and the
// row stream that reads a query's rows from storage in result order.
#pragma once

#include <optional>
#include <vector>

#include "cql/execution.h"
#include "cql/row_view.h"
#include "cql/where.h"

namespace krill::cql {

// Where the next page starts. Opaque to clients.
struct PagingState {
  common::Bytes partition_key;
  bool has_clustering = false;  // false: that partition is finished
  std::vector<common::Bytes> clustering;
  int64_t remaining = INT64_MAX;  // rows (groups) left under LIMIT
  int32_t index = 0;              // partition index for key lookups, row offset for virtual tables
  int32_t partition_count = 0;    // rows (groups) already returned from partition_key
};

common::Bytes encode_paging_state(const PagingState& s);
// Throws CqlError(kProtocolError) on malformed input.
PagingState decode_paging_state(const common::Bytes& b);

// What a consumer says about the row it was offered.
enum class Verdict {
  kConsumed,       // the row was used (or filtered out): reading continues after it
  kSkipPartition,  // the row was not used and the rest of its partition is not wanted
  kStop,           // the row was not used and reading stops before it
};

// Receives the rows of a query in result order.
class RowSink {
 public:
  virtual ~RowSink() = default;
  // `partition_key` is the row's serialized partition key.
  virtual Verdict offer(const RowView& row, common::BytesView partition_key) = 0;
  // How many more rows the sink may take from partition `partition_key` ("" when rows of
  // several partitions are read together): a read-size hint, at least 1.
  virtual int64_t wanted(common::BytesView partition_key) const = 0;
};

// How to read a query's rows.
struct ReadPlan {
  std::shared_ptr<const schema::TableDef> table;
  WhereAnalysis where;
  std::vector<storage::Slice> slices;  // clustering slices (empty: whole partitions)
  bool reversed = false;
  bool distinct = false;
  bool ck_restricted = false;  // clustering columns are restricted: no static-only rows
};

struct StreamEnd {
  std::optional<PagingState> last;  // the position after the last consumed row
  bool stopped = false;             // the sink stopped before the end of the data
};

// Reads the rows `plan` selects, starting after `from` when set, and offers them to `sink`
// until it stops or the data ends. Partitions are read in chunks (kMaxReadChunk rows at
// most), so memory stays bounded whatever the query reads.
StreamEnd stream_rows(const ReadPlan& plan, ExecContext& ctx, const std::optional<PagingState>& from,
                      RowSink& sink);

inline constexpr int64_t kMaxReadChunk = 1000;

}  // namespace krill::cql
