// Clustering slices from a WHERE analysis: the EQ/IN prefixes, each followed by the rows
// between the tuple bounds in value order. A bound over several columns of mixed ASC/DESC
// clustering order is not contiguous in storage, so it is split into one slice per
// column (c1 = v1 AND ... AND ci > vi), then the lower and upper pieces are intersected.
#include <algorithm>

#include "common/values.h"
#include "cql/where.h"

namespace krill::cql {

using common::Bytes;
using storage::Slice;

namespace {

// A position in clustering order: just before (or just after) every row starting with
// `prefix`. The empty prefix before is the start of the partition, after is its end.
struct Point {
  std::vector<Bytes> prefix;
  bool after = false;
};

struct Interval {
  Point start, end;
};

class Order {
 public:
  explicit Order(const schema::TableDef& t) : layout_(t.layout->clustering) {}

  int component(size_t i, const Bytes& a, const Bytes& b) const {
    int c = common::compare_values(layout_.types[i], a, b);
    return layout_.descending[i] ? -c : c;
  }

  int compare(const Point& a, const Point& b) const {
    size_t n = std::min(a.prefix.size(), b.prefix.size());
    for (size_t i = 0; i < n; ++i) {
      int c = component(i, a.prefix[i], b.prefix[i]);
      if (c != 0) return c;
    }
    if (a.prefix.size() == b.prefix.size()) return a.after == b.after ? 0 : (a.after ? 1 : -1);
    if (a.prefix.size() < b.prefix.size()) return a.after ? 1 : -1;
    return b.after ? -1 : 1;
  }

  // A full row key against a point: <0 when the row is before it.
  int compare_row(const std::vector<Bytes>& row, const Point& p) const {
    for (size_t i = 0; i < p.prefix.size() && i < row.size(); ++i) {
      int c = component(i, row[i], p.prefix[i]);
      if (c != 0) return c;
    }
    return p.after ? -1 : 1;
  }

  bool descending(size_t i) const { return layout_.descending[i]; }

 private:
  const storage::ClusteringLayout& layout_;
};

std::vector<Bytes> extend(const std::vector<Bytes>& prefix, const std::vector<Bytes>& values, size_t n) {
  std::vector<Bytes> out = prefix;
  out.insert(out.end(), values.begin(), values.begin() + static_cast<std::ptrdiff_t>(n));
  return out;
}

// The rows within `prefix` whose next columns compare to `b` as asked: greater (lower
// bound) or smaller (upper bound), plus equal when inclusive.
std::vector<Interval> bound_pieces(const std::vector<Bytes>& prefix, const TupleBound& b, bool lower,
                                   const Order& order) {
  std::vector<Interval> out;
  for (size_t i = 0; i < b.values.size(); ++i) {
    std::vector<Bytes> q = extend(prefix, b.values, i);
    std::vector<Bytes> qv = extend(prefix, b.values, i + 1);
    // Rows with prefix q whose next column is beyond v_i in the bound's direction.
    bool forward = lower != order.descending(prefix.size() + i);  // those rows follow qv in storage
    if (forward) {
      out.push_back(Interval{Point{qv, true}, Point{q, true}});
    } else {
      out.push_back(Interval{Point{q, false}, Point{qv, false}});
    }
  }
  if (b.inclusive) {
    std::vector<Bytes> all = extend(prefix, b.values, b.values.size());
    out.push_back(Interval{Point{all, false}, Point{all, true}});
  }
  return out;
}

// Sorts and merges touching or overlapping intervals; drops empty ones.
std::vector<Interval> normalize(std::vector<Interval> v, const Order& order) {
  std::erase_if(v, [&](const Interval& i) { return order.compare(i.start, i.end) >= 0; });
  std::sort(v.begin(), v.end(),
            [&](const Interval& a, const Interval& b) { return order.compare(a.start, b.start) < 0; });
  std::vector<Interval> out;
  for (auto& i : v) {
    if (!out.empty() && order.compare(out.back().end, i.start) >= 0) {
      if (order.compare(out.back().end, i.end) < 0) out.back().end = std::move(i.end);
    } else {
      out.push_back(std::move(i));
    }
  }
  return out;
}

std::vector<Interval> intersect(const std::vector<Interval>& a, const std::vector<Interval>& b,
                                const Order& order) {
  std::vector<Interval> out;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const Point& lo = order.compare(a[i].start, b[j].start) >= 0 ? a[i].start : b[j].start;
    bool a_first = order.compare(a[i].end, b[j].end) <= 0;
    const Point& hi = a_first ? a[i].end : b[j].end;
    if (order.compare(lo, hi) < 0) out.push_back(Interval{lo, hi});
    if (a_first)
      ++i;
    else
      ++j;
  }
  return out;
}

Slice to_slice(const Interval& i) {
  Slice s;
  s.start.prefix = i.start.prefix;
  s.start.inclusive = !i.start.after;
  s.end.prefix = i.end.prefix;
  s.end.inclusive = i.end.after;
  return s;
}

Point start_point(const Slice& s) { return Point{s.start.prefix, !s.start.inclusive}; }
Point end_point(const Slice& s) { return Point{s.end.prefix, s.end.prefix.empty() || s.end.inclusive}; }

}  // namespace

std::vector<Slice> clustering_slices(const WhereAnalysis& w, const schema::TableDef& table) {
  bool has_prefix = !w.ck_values.empty() || w.ck_prefixes.has_value();
  if (!has_prefix && !w.ck_tuple_lower && !w.ck_tuple_upper) return {};
  Order order(table);
  std::vector<std::vector<Bytes>> prefixes =
      has_prefix ? selected_clustering_keys(w) : std::vector<std::vector<Bytes>>{{}};
  if (prefixes.empty()) return {};  // selects_nothing(w): callers read nothing
  std::vector<Interval> all;
  for (const auto& p : prefixes) {
    Interval whole{Point{p, false}, Point{p, true}};
    std::vector<Interval> pieces{whole};
    if (w.ck_tuple_lower) pieces = normalize(bound_pieces(p, *w.ck_tuple_lower, true, order), order);
    if (w.ck_tuple_upper) {
      auto upper = normalize(bound_pieces(p, *w.ck_tuple_upper, false, order), order);
      pieces = w.ck_tuple_lower ? intersect(pieces, upper, order) : upper;
    }
    for (auto& i : pieces) all.push_back(std::move(i));
  }
  all = normalize(std::move(all), order);
  std::vector<Slice> out;
  out.reserve(all.size());
  for (const auto& i : all) out.push_back(to_slice(i));
  if (out.empty()) {
    // Nothing can match: a slice starting after its own end, which storage reads as empty
    // (an empty prefix would mean "unbounded", so use a bound's first value instead).
    std::vector<Bytes> p = prefixes.front();
    if (p.empty()) p.push_back(w.ck_tuple_lower ? w.ck_tuple_lower->values[0] : w.ck_tuple_upper->values[0]);
    out.push_back(Slice{storage::SliceBound{p, false}, storage::SliceBound{p, false}});
  }
  return out;
}

bool in_slices(const std::vector<Bytes>& clustering, const std::vector<Slice>& slices,
               const schema::TableDef& table) {
  if (slices.empty()) return true;
  Order order(table);
  for (const auto& s : slices) {
    if (!s.start.prefix.empty() && order.compare_row(clustering, start_point(s)) < 0) continue;
    if (!s.end.prefix.empty() && order.compare_row(clustering, end_point(s)) > 0) continue;
    return true;
  }
  return false;
}

}  // namespace krill::cql
