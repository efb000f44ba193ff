#include "cql/where.h"

#include <algorithm>

#include "common/murmur3.h"
#include "common/values.h"

namespace krill::cql {

using common::Bytes;
using common::DataType;
using common::throw_invalid;
using schema::ColumnDef;
using schema::ColumnKind;

namespace {

const char* const kFilteringMessage =
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

bool is_token_call(const Term& t) {
  if (t.kind != Term::Kind::kFunctionCall) return false;
  std::string n = t.name;
  for (char& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return n == "token" || n == "system.token";
}

int64_t token_value(const Relation& r, const schema::TableDef& table, const ExecContext& ctx) {
  if (is_token_call(*r.value)) {
    // token(v1, v2): the token of the partition key made of those values.
    auto pk = table.partition_key();
    if (r.value->elements.size() != pk.size())
      throw_invalid(
          "Invalid number of arguments in call to function system.token: " + std::to_string(pk.size()) +
          " required but " + std::to_string(r.value->elements.size()) + " provided");
    std::vector<Bytes> comps;
    for (size_t i = 0; i < pk.size(); ++i)
      comps.push_back(evaluate_required(*r.value->elements[i], pk[i]->type, pk[i]->name, ctx));
    return common::murmur3_token(make_partition_key(comps));
  }
  TermValue v =
      evaluate_term(*r.value, DataType::native(common::TypeKind::kBigint), "partition key token", ctx);
  if (!v.is_value()) throw_invalid("Invalid null value for partition key token");
  return common::decode_bigint(v.bytes);
}

std::string tuple_name(const std::vector<const ColumnDef*>& cols) {
  std::string out = "(";
  for (size_t i = 0; i < cols.size(); ++i) out += (i ? "," : "") + cols[i]->name;
  return out + ")";
}

DataType tuple_type(const std::vector<const ColumnDef*>& cols) {
  std::vector<DataType> types;
  types.reserve(cols.size());
  for (auto* c : cols) types.push_back(c->type);
  return DataType::tuple(std::move(types));
}

// A multi-column relation on clustering columns, evaluated.
struct MultiRelation {
  size_t first = 0;  // clustering position of its first column
  std::vector<const ColumnDef*> columns;
  Relation::Op op = Relation::Op::kEq;
  std::vector<std::vector<Bytes>> tuples;  // EQ: one; IN: the candidates; slice: the bound
  bool is_slice() const { return op != Relation::Op::kEq && op != Relation::Op::kIn; }
  bool is_lower() const { return op == Relation::Op::kGt || op == Relation::Op::kGe; }
};

std::vector<Bytes> tuple_values(const Term& term, const std::vector<const ColumnDef*>& cols,
                                const ExecContext& ctx) {
  if (term.kind == Term::Kind::kTuple && term.elements.size() != cols.size()) {
    throw_invalid("Expected " + std::to_string(cols.size()) + " elements in value tuple, but got " +
                  std::to_string(term.elements.size()));
  }
  Bytes v = evaluate_required(term, tuple_type(cols), tuple_name(cols), ctx);
  return std::vector<Bytes>{v};
}

std::vector<Bytes> split_tuple(const Bytes& v, const std::vector<const ColumnDef*>& cols) {
  auto comps = common::decode_components(v);
  if (comps.size() != cols.size()) {
    throw_invalid("Expected " + std::to_string(cols.size()) + " elements in value tuple, but got " +
                  std::to_string(comps.size()));
  }
  std::vector<Bytes> out;
  for (size_t i = 0; i < comps.size(); ++i) {
    if (!comps[i]) throw_invalid("Invalid null value in condition for column " + cols[i]->name);
    out.push_back(std::move(*comps[i]));
  }
  return out;
}

MultiRelation analyze_multi(const Relation& r, const schema::TableDef& table, const ExecContext& ctx) {
  if (table.is_virtual) throw_invalid("Multi-column relations are not supported on virtual tables");
  MultiRelation m;
  m.op = r.op;
  for (size_t i = 0; i < r.columns.size(); ++i) {
    const ColumnDef* c = table.find_column(r.columns[i]);
    if (!c)
      throw_invalid("Undefined column name " + r.columns[i] + " in table " + table.keyspace + "." +
                    table.name);
    if (c->kind != ColumnKind::kClustering)
      throw_invalid("Multi-column relations can only be applied to clustering columns but was applied to: " +
                    c->name);
    if (i == 0) m.first = static_cast<size_t>(c->position);
    if (static_cast<size_t>(c->position) != m.first + i) {
      std::string names;
      for (const auto& n : r.columns) names += (names.empty() ? "" : ", ") + n;
      throw_invalid("Clustering columns must appear in the PRIMARY KEY order in multi-column relations: (" +
                    names + ")");
    }
    m.columns.push_back(c);
  }
  switch (r.op) {
    case Relation::Op::kEq:
    case Relation::Op::kLt:
    case Relation::Op::kLe:
    case Relation::Op::kGt:
    case Relation::Op::kGe:
      m.tuples.push_back(split_tuple(tuple_values(*r.value, m.columns, ctx)[0], m.columns));
      break;
    case Relation::Op::kIn:
      if (r.value) {
        TermValue v = evaluate_term(*r.value, DataType::list(tuple_type(m.columns), true),
                                    "in" + tuple_name(m.columns), ctx);
        if (!v.is_value()) throw_invalid("Invalid null value for IN restriction on " + tuple_name(m.columns));
        for (const auto& e : common::decode_elements(v.bytes)) m.tuples.push_back(split_tuple(e, m.columns));
      } else {
        for (const auto& t : r.in_values)
          m.tuples.push_back(split_tuple(tuple_values(*t, m.columns, ctx)[0], m.columns));
      }
      break;
    default:
      throw_invalid("Unsupported operator for multi-column relation " + tuple_name(m.columns));
  }
  return m;
}

// Appends each candidate (a value list per prefix column) to every prefix.
void extend_prefixes(std::vector<std::vector<Bytes>>& prefixes,
                     const std::vector<std::vector<Bytes>>& candidates) {
  std::vector<std::vector<Bytes>> next;
  for (const auto& p : prefixes) {
    for (const auto& c : candidates) {
      auto q = p;
      q.insert(q.end(), c.begin(), c.end());
      next.push_back(std::move(q));
    }
  }
  prefixes = std::move(next);
}

}  // namespace

namespace {

// The single-column and multi-column restrictions on the clustering columns.
struct ClusteringRestrictions {
  std::vector<std::optional<std::vector<Bytes>>> eq;  // per column: EQ/IN values
  std::vector<std::optional<Bound>> lo, hi;           // per column: single-column range
  std::vector<MultiRelation> multi;
};

std::string restricted_after_slice(const ColumnDef& c, const ColumnDef& prev) {
  return "Clustering column \"" + c.name + "\" cannot be restricted (preceding column \"" + prev.name +
         "\" is restricted by a non-EQ relation)";
}

std::string restricted_after_gap(const ColumnDef& c, const ColumnDef& prev) {
  return "PRIMARY KEY column \"" + c.name + "\" cannot be restricted as preceding column \"" + prev.name +
         "\" is not restricted";
}

// Fills the clustering part of `w`: the EQ/IN prefix (single or multi-column), then at
// most one slice; later restrictions become filters (ALLOW FILTERING) or errors.
void analyze_clustering(ClusteringRestrictions& cr, const std::vector<const ColumnDef*>& ck, WhereAnalysis& w,
                        WhereUse use, bool allow_filtering) {
  // A column may be restricted by single-column or multi-column relations, not both.
  std::vector<const MultiRelation*> eq_at(ck.size(), nullptr);
  std::vector<const MultiRelation*> lower_at(ck.size(), nullptr), upper_at(ck.size(), nullptr);
  std::vector<bool> eq_covered(ck.size(), false);
  for (bool slices : {false, true}) {
    for (const auto& m : cr.multi) {
      if (m.is_slice() != slices) continue;
      for (size_t k = m.first; k < m.first + m.columns.size(); ++k) {
        if (cr.eq[k] || cr.lo[k] || cr.hi[k]) {
          throw_invalid(
              "Mixing single column relations and multi column relations on clustering columns is not "
              "allowed");
        }
        if (eq_covered[k])
          throw_invalid(ck[k]->name +
                        " cannot be restricted by more than one relation if it includes an Equal");
        if (!slices) eq_covered[k] = true;
      }
      if (!slices) {
        eq_at[m.first] = &m;
        continue;
      }
      auto& slot = m.is_lower() ? lower_at[m.first] : upper_at[m.first];
      if (slot) {
        throw_invalid(std::string("More than one restriction was found for the ") +
                      (m.is_lower() ? "start" : "end") + " bound on " + ck[m.first]->name);
      }
      slot = &m;
    }
  }

  // The EQ/IN prefix.
  std::vector<std::vector<Bytes>> prefixes{{}};
  bool multi_prefix = false;
  size_t i = 0;
  while (i < ck.size()) {
    if (cr.eq[i]) {
      w.ck_values.push_back(*cr.eq[i]);
      std::vector<std::vector<Bytes>> candidates;
      for (const auto& v : *cr.eq[i]) candidates.push_back({v});
      extend_prefixes(prefixes, candidates);
      ++i;
      continue;
    }
    if (const MultiRelation* m = eq_at[i]) {
      for (size_t k = 0; k < m->columns.size(); ++k) {
        std::vector<Bytes> column_values;
        for (const auto& t : m->tuples) {
          if (std::find(column_values.begin(), column_values.end(), t[k]) == column_values.end())
            column_values.push_back(t[k]);
        }
        w.ck_values.push_back(std::move(column_values));
      }
      extend_prefixes(prefixes, m->tuples);
      multi_prefix = true;
      i += m->columns.size();
      continue;
    }
    break;
  }
  w.ck_complete = i == ck.size();
  if (multi_prefix) {
    std::vector<std::vector<Bytes>> unique;
    for (auto& p : prefixes) {
      if (std::find(unique.begin(), unique.end(), p) == unique.end()) unique.push_back(std::move(p));
    }
    w.ck_prefixes = std::move(unique);
  }

  // At most one slice, on the column after the prefix (or a tuple of columns from it).
  size_t slice_end = i;
  if (i < ck.size()) {
    if (cr.lo[i] || cr.hi[i]) {
      if (cr.lo[i]) w.ck_tuple_lower = TupleBound{{cr.lo[i]->value}, cr.lo[i]->inclusive};
      if (cr.hi[i]) w.ck_tuple_upper = TupleBound{{cr.hi[i]->value}, cr.hi[i]->inclusive};
      slice_end = i + 1;
    } else if (lower_at[i] || upper_at[i]) {
      for (const MultiRelation* m : {lower_at[i], upper_at[i]}) {
        if (!m) continue;
        bool inclusive = m->op == Relation::Op::kGe || m->op == Relation::Op::kLe;
        (m->is_lower() ? w.ck_tuple_lower : w.ck_tuple_upper) = TupleBound{m->tuples[0], inclusive};
        slice_end = std::max(slice_end, i + m->columns.size());
      }
    }
    if (w.ck_tuple_lower) w.ck_lower = Bound{w.ck_tuple_lower->values[0], w.ck_tuple_lower->inclusive};
    if (w.ck_tuple_upper) w.ck_upper = Bound{w.ck_tuple_upper->values[0], w.ck_tuple_upper->inclusive};
  }
  bool has_slice = slice_end > i;

  // Multi-column relations that do not start at the prefix end cannot be served.
  for (const auto& m : cr.multi) {
    bool used = (!m.is_slice() && m.first < i) || (m.is_slice() && m.first == i && has_slice);
    if (used) continue;
    size_t k = m.first;
    if (k == 0) continue;  // cannot happen: a relation at 0 is always used
    if (has_slice && k >= i) throw_invalid(restricted_after_slice(*ck[k], *ck[k - 1]));
    throw_invalid(restricted_after_gap(*ck[k], *ck[k - 1]));
  }

  // Single-column restrictions past the prefix and slice.
  for (size_t j = slice_end; j < ck.size(); ++j) {
    if (!(cr.eq[j] || cr.lo[j] || cr.hi[j])) continue;
    if (use == WhereUse::kSelect && allow_filtering) {
      if (cr.eq[j])
        w.filters.push_back(
            RowFilter{ck[j], cr.eq[j]->size() == 1 ? Relation::Op::kEq : Relation::Op::kIn, *cr.eq[j]});
      if (cr.lo[j])
        w.filters.push_back(
            RowFilter{ck[j], cr.lo[j]->inclusive ? Relation::Op::kGe : Relation::Op::kGt, {cr.lo[j]->value}});
      if (cr.hi[j])
        w.filters.push_back(
            RowFilter{ck[j], cr.hi[j]->inclusive ? Relation::Op::kLe : Relation::Op::kLt, {cr.hi[j]->value}});
      continue;
    }
    bool prev_range =
        j > 0 && (cr.lo[j - 1] || cr.hi[j - 1] || (has_slice && j - 1 < slice_end && j - 1 >= i));
    if (prev_range) throw_invalid(restricted_after_slice(*ck[j], *ck[j - 1]));
    throw_invalid(restricted_after_gap(*ck[j], *ck[j - 1]));
  }
}

}  // namespace

WhereAnalysis analyze_where(const std::vector<Relation>& where, const schema::TableDef& table,
                            const ExecContext& ctx, WhereUse use, bool allow_filtering) {
  WhereAnalysis w;
  auto pk = table.partition_key();
  auto ck = table.clustering_key();
  std::vector<std::optional<std::vector<Bytes>>> pk_vals(pk.size());
  ClusteringRestrictions cr;
  cr.eq.resize(ck.size());
  cr.lo.resize(ck.size());
  cr.hi.resize(ck.size());
  for (const Relation& r : where) {
    if (r.token) {
      if (use != WhereUse::kSelect)
        throw_invalid("The token function cannot be used in WHERE clauses for UPDATE and DELETE statements");
      std::vector<std::string> expected;
      expected.reserve(pk.size());
      for (auto* c : pk) expected.push_back(c->name);
      if (r.columns != expected) {
        throw_invalid("The token() function must be applied to all partition key components or none of them");
      }
      int64_t t = token_value(r, table, ctx);
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
      cr.multi.push_back(analyze_multi(r, table, ctx));
      continue;
    }
    const ColumnDef* col = table.find_column(r.columns[0]);
    if (!col)
      throw_invalid("Undefined column name " + r.columns[0] + " in table " + table.keyspace + "." +
                    table.name);
    if (r.op == Relation::Op::kIsNotNull)
      throw_invalid("Unsupported restriction: " + col->name + " IS NOT NULL");
    if (r.op == Relation::Op::kLike)
      throw_invalid("LIKE restriction is only supported on properly indexed columns");
    if (r.map_key) {
      // m[k] = v: filters on one map entry.
      if (col->type.kind() != common::TypeKind::kMap) {
        throw_invalid("Invalid element selection: " + col->name + " is not a map");
      }
      if (use != WhereUse::kSelect)
        throw_invalid("Non PRIMARY KEY columns found in where clause: " + col->name);
      RowFilter f;
      f.column = col;
      f.op = r.op;
      f.map_key = evaluate_required(*r.map_key, col->type.params()[0], "key(" + col->name + ")", ctx);
      f.values.push_back(evaluate_required(*r.value, col->type.params()[1], col->name, ctx));
      w.filters.push_back(std::move(f));
      continue;
    }
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
        if (cr.eq[i] || cr.lo[i] || cr.hi[i]) {
          throw_invalid(col->name +
                        " cannot be restricted by more than one relation if it includes an Equal");
        }
        cr.eq[i] = values;
        continue;
      }
      if (is_range) {
        if (cr.eq[i])
          throw_invalid(col->name +
                        " cannot be restricted by more than one relation if it includes an Equal");
        bool lower = r.op == Relation::Op::kGt || r.op == Relation::Op::kGe;
        auto& slot = lower ? cr.lo[i] : cr.hi[i];
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
    // As in Cassandra, IN values are visited in key order, each once.
    for (size_t i = 0; i < pk_vals.size(); ++i) {
      auto values = *pk_vals[i];
      const DataType& type = pk[i]->type;
      std::sort(values.begin(), values.end(),
                [&](const Bytes& a, const Bytes& b) { return common::compare_values(type, a, b) < 0; });
      values.erase(std::unique(values.begin(), values.end(),
                               [&](const Bytes& a, const Bytes& b) {
                                 return common::compare_values(type, a, b) == 0;
                               }),
                   values.end());
      w.pk_values.push_back(std::move(values));
    }
    if (w.token_start || w.token_end)
      throw_invalid("Columns of the partition key cannot be restricted both by token and by value");
  } else if (pk_restricted > 0) {
    if (use != WhereUse::kSelect || !allow_filtering) {
      std::string missing;
      for (size_t i = 0; i < pk.size(); ++i) {
        if (!pk_vals[i]) missing += (missing.empty() ? "" : ", ") + pk[i]->name;
      }
      if (use != WhereUse::kSelect) throw_invalid("Some partition key parts are missing: " + missing);
      throw_invalid(kFilteringMessage);
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

  analyze_clustering(cr, ck, w, use, allow_filtering);
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
    w.ck_tuple_lower.reset();
    w.ck_tuple_upper.reset();
    w.pk_values.clear();
    w.pk_complete = false;
    for (size_t k = 0; k < pk.size(); ++k) {
      if (pk_vals[k]) w.filters.push_back(RowFilter{pk[k], Relation::Op::kIn, *pk_vals[k]});
    }
    for (size_t k = 0; k < ck.size(); ++k) {
      if (cr.eq[k]) w.filters.push_back(RowFilter{ck[k], Relation::Op::kIn, *cr.eq[k]});
      if (cr.lo[k])
        w.filters.push_back(
            RowFilter{ck[k], cr.lo[k]->inclusive ? Relation::Op::kGe : Relation::Op::kGt, {cr.lo[k]->value}});
      if (cr.hi[k])
        w.filters.push_back(
            RowFilter{ck[k], cr.hi[k]->inclusive ? Relation::Op::kLe : Relation::Op::kLt, {cr.hi[k]->value}});
    }
  }
  return w;
}

bool selects_nothing(const WhereAnalysis& w) {
  if (w.token_empty) return true;
  if (w.pk_complete && selected_partition_keys(w).empty()) return true;
  bool prefix = !w.ck_values.empty() || w.ck_prefixes.has_value();
  return prefix && selected_clustering_keys(w).empty();
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
  if (w.ck_prefixes) return *w.ck_prefixes;
  auto all = cartesian(w.ck_values);
  std::vector<std::vector<Bytes>> out;
  for (auto& k : all) {
    if (std::find(out.begin(), out.end(), k) == out.end()) out.push_back(std::move(k));
  }
  return out;
}

bool passes(const RowFilter& f, const std::optional<Bytes>& column_value) {
  if (!column_value) return false;
  const DataType* type = &f.column->type;
  std::optional<Bytes> entry;
  if (f.map_key) {
    type = &f.column->type.params()[1];
    for (auto& [k, v] : common::decode_pairs(*column_value)) {
      if (common::compare_values(f.column->type.params()[0], k, *f.map_key) == 0) entry = std::move(v);
    }
    if (!entry) return false;
  }
  const std::optional<Bytes>& value = f.map_key ? entry : column_value;
  const DataType& t = *type;
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

void relation_bind_specs(const Relation& r, const schema::TableDef& table, std::vector<ColumnSpec>& specs) {
  auto spec = [&](const std::string& name, const DataType& type) {
    return ColumnSpec{table.keyspace, table.name, name, type};
  };
  if (r.token) {
    if (!r.value) return;
    if (is_token_call(*r.value)) {
      auto pk = table.partition_key();
      for (size_t i = 0; i < r.value->elements.size() && i < pk.size(); ++i)
        collect_bind_specs(*r.value->elements[i], spec(pk[i]->name, pk[i]->type), specs);
      return;
    }
    collect_bind_specs(*r.value, spec("partition key token", DataType::native(common::TypeKind::kBigint)),
                       specs);
    return;
  }
  std::vector<const ColumnDef*> cols;
  for (const auto& name : r.columns) {
    const ColumnDef* c = table.find_column(name);
    if (!c) return;  // execution reports it
    cols.push_back(c);
  }
  auto tuple = [&](const TermPtr& term) {
    if (!term) return;
    if (term->kind == Term::Kind::kTuple) {
      for (size_t i = 0; i < term->elements.size() && i < cols.size(); ++i)
        collect_bind_specs(*term->elements[i], spec(cols[i]->name, cols[i]->type), specs);
      return;
    }
    collect_bind_specs(*term, spec(tuple_name(cols), tuple_type(cols)), specs);
  };
  if (r.op == Relation::Op::kIn) {
    if (r.value) {
      collect_bind_specs(*r.value, spec("in" + tuple_name(cols), DataType::list(tuple_type(cols), true)),
                         specs);
    }
    for (const auto& v : r.in_values) tuple(v);
    return;
  }
  tuple(r.value);
}

}  // namespace krill::cql
