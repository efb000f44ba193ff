#include "cql/where.h"

#include <algorithm>

#include "common/values.h"
#include "storage/keys.h"

namespace krill::cql {

using common::Bytes;
using common::DataType;
using common::throw_invalid;
using schema::ColumnDef;
using schema::ColumnKind;

namespace {

const char* kFilteringMessage =
    "Cannot execute this query as it might involve data filtering and thus may have unpredictable "
    "performance. "
    "If you want to execute this query despite the performance unpredictability, use ALLOW FILTERING";

std::vector<Bytes> relation_values(const Relation& r, const ColumnDef& col, const ExecContext& ctx) {
  std::vector<Bytes> out;
  if (r.op == Relation::Op::kIn) {
    if (r.value) {
      // IN ? : a list of values.
      DataType list = DataType::list(col.type, true);
      TermValue v = evaluate_term(*r.value, list, "in(" + col.name + ")", ctx);
      if (!v.is_value()) throw_invalid("Invalid null value for IN restriction on " + col.name);
      out = common::decode_elements(v.bytes);
      for (const auto& e : out) common::validate_value(col.type, e);
    } else {
      for (const auto& t : r.in_values) out.push_back(evaluate_required(*t, col.type, col.name, ctx));
    }
    return out;
  }
  DataType type = col.type;
  if (r.op == Relation::Op::kContains) {
    if (!col.type.is_collection()) throw_invalid("Cannot use CONTAINS on non-collection column " + col.name);
    type = col.type.kind() == common::TypeKind::kMap ? col.type.params()[1] : col.type.params()[0];
  } else if (r.op == Relation::Op::kContainsKey) {
    if (col.type.kind() != common::TypeKind::kMap)
      throw_invalid("Cannot use CONTAINS KEY on non-map column " + col.name);
    type = col.type.params()[0];
  }
  out.push_back(evaluate_required(*r.value, type, col.name, ctx));
  return out;
}

template <typename T>
std::vector<std::vector<T>> cartesian(const std::vector<std::vector<T>>& sets) {
  std::vector<std::vector<T>> out{{}};
  for (const auto& s : sets) {
    std::vector<std::vector<T>> next;
    for (const auto& prefix : out) {
      for (const auto& v : s) {
        auto p = prefix;
        p.push_back(v);
        next.push_back(std::move(p));
      }
    }
    out = std::move(next);
  }
  return out;
}

int64_t token_value(const Relation& r, const ExecContext& ctx) {
  TermValue v =
      evaluate_term(*r.value, DataType::native(common::TypeKind::kBigint), "partition key token", ctx);
  if (!v.is_value()) throw_invalid("Invalid null value for partition key token");
  return common::decode_bigint(v.bytes);
}

}  // namespace

WhereAnalysis analyze_where(const std::vector<Relation>& where, const schema::TableDef& table,
                            const ExecContext& ctx, WhereUse use, bool allow_filtering) {
  WhereAnalysis w;
  auto pk = table.partition_key();
  auto ck = table.clustering_key();
  std::vector<std::optional<std::vector<Bytes>>> pk_vals(pk.size());
  std::vector<std::optional<std::vector<Bytes>>> ck_eq(ck.size());
  std::vector<std::optional<Bound>> ck_lo(ck.size()), ck_hi(ck.size());
  for (const Relation& r : where) {
    if (r.token) {
      if (use != WhereUse::kSelect)
        throw_invalid("The token function cannot be used in WHERE clauses for UPDATE and DELETE statements");
      std::vector<std::string> expected;
      for (auto* c : pk) expected.push_back(c->name);
      if (r.columns != expected) {
        throw_invalid("The token() function must be applied to all partition key components or none of them");
      }
      int64_t t = token_value(r, ctx);
      switch (r.op) {
        case Relation::Op::kEq:
          w.token_start = t;
          w.token_end = t;
          break;
        case Relation::Op::kGt:
          if (t == INT64_MAX)
            w.token_empty = true;
          else
            w.token_start = std::max(w.token_start.value_or(INT64_MIN), t + 1);
          break;
        case Relation::Op::kGe:
          w.token_start = std::max(w.token_start.value_or(INT64_MIN), t);
          break;
        case Relation::Op::kLt:
          if (t == INT64_MIN)
            w.token_empty = true;
          else
            w.token_end = std::min(w.token_end.value_or(INT64_MAX), t - 1);
          break;
        case Relation::Op::kLe:
          w.token_end = std::min(w.token_end.value_or(INT64_MAX), t);
          break;
        default:
          throw_invalid("Unsupported restriction on token()");
      }
      continue;
    }
    if (r.multi_column || r.columns.size() != 1) {
      throw_invalid("Multi-column relations are not supported yet");
    }
    const ColumnDef* col = table.find_column(r.columns[0]);
    if (!col)
      throw_invalid("Undefined column name " + r.columns[0] + " in table " + table.keyspace + "." +
                    table.name);
    if (r.op == Relation::Op::kIsNotNull)
      throw_invalid("Unsupported restriction: " + col->name + " IS NOT NULL");
    if (r.op == Relation::Op::kLike)
      throw_invalid("LIKE restriction is only supported on properly indexed columns");
    auto values = relation_values(r, *col, ctx);
    if (col->kind == ColumnKind::kPartitionKey && !table.is_virtual) {
      if (r.op != Relation::Op::kEq && r.op != Relation::Op::kIn) {
        throw_invalid(
            "Only EQ and IN relation are supported on the partition key (unless you use the token() "
            "function)");
      }
      if (pk_vals[col->position]) {
        throw_invalid(col->name + " cannot be restricted by more than one relation if it includes an Equal");
      }
      pk_vals[col->position] = values;
      continue;
    }
    if (col->kind == ColumnKind::kClustering && !table.is_virtual) {
      size_t i = static_cast<size_t>(col->position);
      bool is_eq = r.op == Relation::Op::kEq || r.op == Relation::Op::kIn;
      bool is_range = r.op == Relation::Op::kLt || r.op == Relation::Op::kLe || r.op == Relation::Op::kGt ||
                      r.op == Relation::Op::kGe;
      if (is_eq) {
        if (ck_eq[i] || ck_lo[i] || ck_hi[i]) {
          throw_invalid(col->name +
                        " cannot be restricted by more than one relation if it includes an Equal");
        }
        ck_eq[i] = values;
        continue;
      }
      if (is_range) {
        if (ck_eq[i])
          throw_invalid(col->name +
                        " cannot be restricted by more than one relation if it includes an Equal");
        bool lower = r.op == Relation::Op::kGt || r.op == Relation::Op::kGe;
        auto& slot = lower ? ck_lo[i] : ck_hi[i];
        if (slot) {
          throw_invalid(std::string("More than one restriction was found for the ") +
                        (lower ? "start" : "end") + " bound on " + col->name);
        }
        slot = Bound{values[0], r.op == Relation::Op::kGe || r.op == Relation::Op::kLe};
        continue;
      }
    }
    // Anything else filters rows after reading them.
    if (use != WhereUse::kSelect) {
      throw_invalid("Non PRIMARY KEY columns found in where clause: " + col->name);
    }
    w.filters.push_back(RowFilter{col, r.op, std::move(values)});
  }

  // Partition key: all or nothing.
  size_t pk_restricted =
      std::count_if(pk_vals.begin(), pk_vals.end(), [](const auto& v) { return v.has_value(); });
  if (pk_restricted == pk.size() && !pk.empty() && !table.is_virtual) {
    w.pk_complete = true;
    for (auto& v : pk_vals) w.pk_values.push_back(*v);
    if (w.token_start || w.token_end)
      throw_invalid("Columns of the partition key cannot be restricted both by token and by value");
  } else if (pk_restricted > 0) {
    if (use != WhereUse::kSelect || !allow_filtering) {
      std::string missing;
      for (size_t i = 0; i < pk.size(); ++i) {
        if (!pk_vals[i]) missing += (missing.empty() ? "" : ", ") + pk[i]->name;
      }
      if (use != WhereUse::kSelect) throw_invalid("Some partition key parts are missing: " + missing);
      throw_invalid(
          "Cannot execute this query as it might involve data filtering and thus may have unpredictable "
          "performance. If you want to execute this query despite the performance unpredictability, use "
          "ALLOW FILTERING");
    }
    // Partial partition key with ALLOW FILTERING: filter rows.
    for (size_t i = 0; i < pk.size(); ++i) {
      if (pk_vals[i])
        w.filters.push_back(
            RowFilter{pk[i], pk_vals[i]->size() == 1 ? Relation::Op::kEq : Relation::Op::kIn, *pk_vals[i]});
    }
  } else if (use != WhereUse::kSelect) {
    std::string missing;
    for (auto* c : pk) missing += (missing.empty() ? "" : ", ") + c->name;
    throw_invalid("Some partition key parts are missing: " + missing);
  }

  // Clustering: a prefix of EQ/IN columns, then at most one range.
  size_t i = 0;
  while (i < ck.size() && ck_eq[i]) {
    w.ck_values.push_back(*ck_eq[i]);
    ++i;
  }
  w.ck_complete = i == ck.size();
  if (i < ck.size() && (ck_lo[i] || ck_hi[i])) {
    w.ck_lower = ck_lo[i];
    w.ck_upper = ck_hi[i];
    ++i;
  }
  for (size_t j = i; j < ck.size(); ++j) {
    if (ck_eq[j] || ck_lo[j] || ck_hi[j]) {
      bool prev_range = j > 0 && (ck_lo[j - 1] || ck_hi[j - 1]);
      if (use == WhereUse::kSelect && allow_filtering) {
        if (ck_eq[j])
          w.filters.push_back(
              RowFilter{ck[j], ck_eq[j]->size() == 1 ? Relation::Op::kEq : Relation::Op::kIn, *ck_eq[j]});
        if (ck_lo[j])
          w.filters.push_back(RowFilter{
              ck[j], ck_lo[j]->inclusive ? Relation::Op::kGe : Relation::Op::kGt, {ck_lo[j]->value}});
        if (ck_hi[j])
          w.filters.push_back(RowFilter{
              ck[j], ck_hi[j]->inclusive ? Relation::Op::kLe : Relation::Op::kLt, {ck_hi[j]->value}});
        continue;
      }
      if (prev_range) {
        throw_invalid("Clustering column \"" + ck[j]->name + "\" cannot be restricted (preceding column \"" +
                      ck[j - 1]->name + "\" is restricted by a non-EQ relation)");
      }
      throw_invalid("PRIMARY KEY column \"" + ck[j]->name + "\" cannot be restricted as preceding column \"" +
                    ck[j - 1]->name + "\" is not restricted");
    }
  }
  if (use == WhereUse::kUpdate && !w.ck_complete) {
    std::string missing;
    for (size_t j = w.ck_values.size(); j < ck.size(); ++j)
      missing += (missing.empty() ? "" : ", ") + ck[j]->name;
    throw_invalid("Some clustering keys are missing: " + missing);
  }
  if (use == WhereUse::kSelect && !allow_filtering && !table.is_virtual) {
    bool needs_filtering = !w.filters.empty();
    if ((!w.ck_values.empty() || w.ck_lower || w.ck_upper) && !w.pk_complete) needs_filtering = true;
    if (needs_filtering) throw_invalid(kFilteringMessage);
  }
  if (table.is_virtual) {
    // Virtual tables are small: every relation is a filter.
    w.ck_values.clear();
    w.ck_lower.reset();
    w.ck_upper.reset();
    w.pk_values.clear();
    w.pk_complete = false;
    for (size_t k = 0; k < pk.size(); ++k) {
      if (pk_vals[k]) w.filters.push_back(RowFilter{pk[k], Relation::Op::kIn, *pk_vals[k]});
    }
    for (size_t k = 0; k < ck.size(); ++k) {
      if (ck_eq[k]) w.filters.push_back(RowFilter{ck[k], Relation::Op::kIn, *ck_eq[k]});
      if (ck_lo[k])
        w.filters.push_back(
            RowFilter{ck[k], ck_lo[k]->inclusive ? Relation::Op::kGe : Relation::Op::kGt, {ck_lo[k]->value}});
      if (ck_hi[k])
        w.filters.push_back(
            RowFilter{ck[k], ck_hi[k]->inclusive ? Relation::Op::kLe : Relation::Op::kLt, {ck_hi[k]->value}});
    }
  }
  return w;
}

std::vector<Bytes> selected_partition_keys(const WhereAnalysis& w) {
  std::vector<Bytes> out;
  for (const auto& comps : cartesian(w.pk_values)) {
    Bytes k = make_partition_key(comps);
    if (std::find(out.begin(), out.end(), k) == out.end()) out.push_back(std::move(k));
  }
  return out;
}

std::vector<std::vector<Bytes>> selected_clustering_keys(const WhereAnalysis& w) {
  auto all = cartesian(w.ck_values);
  std::vector<std::vector<Bytes>> out;
  for (auto& k : all) {
    if (std::find(out.begin(), out.end(), k) == out.end()) out.push_back(std::move(k));
  }
  return out;
}

std::vector<storage::Slice> clustering_slices(const WhereAnalysis& w, const schema::TableDef& table) {
  if (w.ck_values.empty() && !w.ck_lower && !w.ck_upper) return {};
  auto ck = table.clustering_key();
  storage::ClusteringLayout layout = table.layout->clustering;
  std::vector<std::pair<Bytes, storage::Slice>> keyed;
  for (const auto& prefix : selected_clustering_keys(w)) {
    storage::Slice s;
    s.start.prefix = prefix;
    s.end.prefix = prefix;
    if (w.ck_lower || w.ck_upper) {
      bool desc = ck[prefix.size()]->descending;
      // In storage order a descending column's larger values come first.
      const std::optional<Bound>& first = desc ? w.ck_upper : w.ck_lower;
      const std::optional<Bound>& last = desc ? w.ck_lower : w.ck_upper;
      if (first) {
        s.start.prefix.push_back(first->value);
        s.start.inclusive = first->inclusive;
      }
      if (last) {
        s.end.prefix.push_back(last->value);
        s.end.inclusive = last->inclusive;
      }
    }
    if (s.start.prefix.empty() && s.end.prefix.empty()) return {};
    Bytes key;
    storage::append_clustering(key, layout, prefix);
    keyed.emplace_back(std::move(key), std::move(s));
  }
  std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<storage::Slice> out;
  for (auto& [k, s] : keyed) out.push_back(std::move(s));
  return out;
}

bool passes(const RowFilter& f, const std::optional<Bytes>& value) {
  const DataType& t = f.column->type;
  if (!value) return false;
  switch (f.op) {
    case Relation::Op::kEq:
      return common::compare_values(t, *value, f.values[0]) == 0;
    case Relation::Op::kNeq:
      return common::compare_values(t, *value, f.values[0]) != 0;
    case Relation::Op::kLt:
      return common::compare_values(t, *value, f.values[0]) < 0;
    case Relation::Op::kLe:
      return common::compare_values(t, *value, f.values[0]) <= 0;
    case Relation::Op::kGt:
      return common::compare_values(t, *value, f.values[0]) > 0;
    case Relation::Op::kGe:
      return common::compare_values(t, *value, f.values[0]) >= 0;
    case Relation::Op::kIn:
      return std::any_of(f.values.begin(), f.values.end(),
                         [&](const Bytes& v) { return common::compare_values(t, *value, v) == 0; });
    case Relation::Op::kContains: {
      const DataType& et = t.kind() == common::TypeKind::kMap ? t.params()[1] : t.params()[0];
      if (t.kind() == common::TypeKind::kMap) {
        for (const auto& [k, v] : common::decode_pairs(*value)) {
          if (common::compare_values(et, v, f.values[0]) == 0) return true;
        }
        return false;
      }
      for (const auto& e : common::decode_elements(*value)) {
        if (common::compare_values(et, e, f.values[0]) == 0) return true;
      }
      return false;
    }
    case Relation::Op::kContainsKey:
      for (const auto& [k, v] : common::decode_pairs(*value)) {
        if (common::compare_values(t.params()[0], k, f.values[0]) == 0) return true;
      }
      return false;
    default:
      return false;
  }
}

}  // namespace krill::cql
