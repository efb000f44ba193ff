// Internal to cql/: the one way statements apply writes, so that secondary index entries
// and materialized views follow every base write (INSERT, UPDATE, DELETE, batches, LWT).
#pragma once

#include <vector>

#include "cql/execution.h"

namespace krill::cql {

// Applies `writes` at `cl` together with their index entries (same atomic batch) and then
// the updates of the views of the written tables. When a written table has views, the
// partition locks of its partitions are held from the read before the write to the view
// writes; `held_stripe` is the stripe of svc.partition_locks the caller already holds
// (lightweight transactions), or -1. With `group` and no view on the written tables, the
// writes and their index entries are staged there instead of applied. Throws what
// Coordinator::mutate throws.
void apply_writes(ExecContext& ctx, std::vector<storage::PartitionWrite>& writes, coordinator::Consistency cl,
                  int held_stripe = -1, WriteGroup* group = nullptr);

}  // namespace krill::cql
