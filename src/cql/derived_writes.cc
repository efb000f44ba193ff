#include "cql/derived_writes.h"

#include <algorithm>
#include <mutex>

#include "cql/index.h"
#include "cql/view.h"
#include "schema/indexes.h"

namespace krill::cql {

using schema::TableDef;

namespace {

// The table a write goes to, found by its layout in the statement's schema snapshot.
std::shared_ptr<const TableDef> table_of(const schema::Schema& s, const storage::PartitionWrite& w) {
  for (const auto& [ks_name, ks] : s.keyspaces) {
    if (ks->is_system) continue;
    for (const auto& [name, t] : ks->tables) {
      if (t->layout == w.layout || (t->layout && w.layout && t->layout->id == w.layout->id)) return t;
    }
  }
  return nullptr;
}

}  // namespace

void apply_writes(ExecContext& ctx, std::vector<storage::PartitionWrite>& writes, coordinator::Consistency cl,
                  int held_stripe, WriteGroup* group) {
  struct Viewed {
    size_t write;
    std::shared_ptr<const TableDef> base;
    std::vector<std::shared_ptr<const TableDef>> views;
  };
  std::vector<storage::PartitionWrite> entries;
  std::vector<Viewed> viewed;
  const size_t base_count = writes.size();
  for (size_t i = 0; i < base_count; ++i) {
    auto t = table_of(*ctx.schema, writes[i]);
    if (!t) continue;
    add_index_entries(*t, writes[i], entries);
    auto ks = ctx.schema->find_keyspace(t->keyspace);
    auto views = ks ? schema::views_of(*ks, t->name) : std::vector<std::shared_ptr<const TableDef>>{};
    if (!views.empty()) viewed.push_back(Viewed{i, t, std::move(views)});
  }
  // A reactor only stages plain writes; view updates read and lock first.
  if (ctx.no_block && (group == nullptr || !viewed.empty())) throw common::WouldBlock{};
  for (auto& e : entries) writes.push_back(std::move(e));
  if (viewed.empty()) {
    if (group != nullptr) {
      group->stage(ctx.svc.coordinator, writes, cl);
    } else {
      ctx.svc.coordinator.mutate(writes, cl);
    }
    return;
  }
  // Lock the stripes of the partitions with views, in stripe order (no deadlock).
  auto& locks = ctx.svc.partition_locks;
  std::vector<size_t> stripes;
  for (const auto& v : viewed) {
    size_t stripe = static_cast<uint64_t>(writes[v.write].token) % locks.size();
    if (static_cast<int>(stripe) != held_stripe) stripes.push_back(stripe);
  }
  std::sort(stripes.begin(), stripes.end());
  stripes.erase(std::unique(stripes.begin(), stripes.end()), stripes.end());
  std::vector<std::unique_lock<std::mutex>> guards;
  for (size_t s : stripes) guards.emplace_back(locks[s]);

  std::vector<BaseRows> before;
  for (const auto& v : viewed) before.push_back(read_affected_rows(*v.base, writes[v.write], ctx));
  ctx.svc.coordinator.mutate(writes, cl);
  std::vector<storage::PartitionWrite> view_writes;
  for (size_t i = 0; i < viewed.size(); ++i) {
    const auto& v = viewed[i];
    BaseRows after = read_affected_rows(*v.base, writes[v.write], ctx);
    for (const auto& view : v.views)
      view_updates(*v.base, *view, writes[v.write], before[i], after, ctx.now, view_writes);
  }
  if (!view_writes.empty()) ctx.svc.coordinator.mutate(view_writes, cl);
}

}  // namespace krill::cql
