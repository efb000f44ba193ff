// The native aggregates count(*), count, min, max, sum and avg with Cassandra 4.0's result
// types and arithmetic: integer sums wrap in the argument's width, integer averages sum in
// 64 bits (then arbitrary precision) and truncate, float/double use Kahan summation,
// varint/decimal are exact (decimal avg rounds half-even at each step, as Cassandra).
#include <cmath>

#include "common/error.h"
#include "common/values.h"
#include "cql/functions.h"
#include "cql/numeric.h"

namespace krill::cql {

using common::BigInt;
using common::Bytes;
using common::DataType;
using common::TypeKind;

namespace {

using Value = std::optional<Bytes>;

class CountRows final : public Aggregate {
 public:
  void reset() override { n_ = 0; }
  void add(const Value&) override { ++n_; }
  Value result() const override { return common::encode_bigint(n_); }

 private:
  int64_t n_ = 0;
};

class Count final : public Aggregate {
 public:
  void reset() override { n_ = 0; }
  void add(const Value& v) override {
    if (v) ++n_;
  }
  Value result() const override { return common::encode_bigint(n_); }

 private:
  int64_t n_ = 0;
};

class MinMax final : public Aggregate {
 public:
  MinMax(DataType t, bool max) : type_(std::move(t)), max_(max) {}
  void reset() override { best_.reset(); }
  void add(const Value& v) override {
    if (!v) return;
    if (!best_) {
      best_ = v;
      return;
    }
    int c = common::compare_values(type_, *best_, *v);
    if (max_ ? c < 0 : c > 0) best_ = v;
  }
  Value result() const override { return best_; }

 private:
  DataType type_;
  bool max_;
  Value best_;
};

// Encodes an integer in the width of `k`, wrapping as Java's narrowing casts do.
Bytes encode_integral(TypeKind k, int64_t v) {
  switch (k) {
    case TypeKind::kTinyint:
      return common::encode_tinyint(static_cast<int8_t>(v));
    case TypeKind::kSmallint:
      return common::encode_smallint(static_cast<int16_t>(v));
    case TypeKind::kInt:
      return common::encode_int(static_cast<int32_t>(v));
    default:
      return common::encode_bigint(v);
  }
}

// sum() of tinyint..bigint and counter: wraps in the argument's width.
class IntegralSum final : public Aggregate {
 public:
  explicit IntegralSum(DataType t) : type_(std::move(t)) {}
  void reset() override { sum_ = 0; }
  void add(const Value& v) override {
    if (!v || v->empty()) return;
    sum_ = static_cast<int64_t>(static_cast<uint64_t>(sum_) +
                                static_cast<uint64_t>(numeric::to_long(type_, *v)));
  }
  Value result() const override { return encode_integral(type_.kind(), sum_); }

 private:
  DataType type_;
  int64_t sum_ = 0;
};

// avg() of tinyint..bigint and counter: exact sum, truncating division.
class IntegralAvg final : public Aggregate {
 public:
  explicit IntegralAvg(DataType t) : type_(std::move(t)) {}
  void reset() override {
    sum_ = 0;
    n_ = 0;
  }
  void add(const Value& v) override {
    if (!v || v->empty()) return;
    sum_ += numeric::to_long(type_, *v);
    ++n_;
  }
  Value result() const override {
    __int128 avg = n_ == 0 ? 0 : sum_ / n_;
    return encode_integral(type_.kind(), static_cast<int64_t>(avg));
  }

 private:
  DataType type_;
  __int128 sum_ = 0;
  int64_t n_ = 0;
};

// Kahan-compensated double sum, as Cassandra's FloatSumAggregate.
struct KahanSum {
  double sum = 0, compensation = 0, simple = 0;
  void add(double x) {
    simple += x;
    double y = x - compensation;
    double t = sum + y;
    compensation = (t - sum) - y;
    sum = t;
  }
  double value() const {
    double t = sum + compensation;
    if (std::isnan(t) && std::isinf(simple)) return simple;
    return t;
  }
};

Bytes encode_floating(TypeKind k, double v) {
  return k == TypeKind::kFloat ? common::encode_float(static_cast<float>(v)) : common::encode_double(v);
}

class FloatingSum final : public Aggregate {
 public:
  explicit FloatingSum(DataType t) : type_(std::move(t)) {}
  void reset() override { sum_ = KahanSum(); }
  void add(const Value& v) override {
    if (v && !v->empty()) sum_.add(numeric::to_double(type_, *v));
  }
  Value result() const override { return encode_floating(type_.kind(), sum_.value()); }

 private:
  DataType type_;
  KahanSum sum_;
};

class FloatingAvg final : public Aggregate {
 public:
  explicit FloatingAvg(DataType t) : type_(std::move(t)) {}
  void reset() override {
    sum_ = KahanSum();
    n_ = 0;
  }
  void add(const Value& v) override {
    if (!v || v->empty()) return;
    sum_.add(numeric::to_double(type_, *v));
    ++n_;
  }
  Value result() const override {
    return encode_floating(type_.kind(), n_ == 0 ? 0.0 : sum_.value() / static_cast<double>(n_));
  }

 private:
  DataType type_;
  KahanSum sum_;
  int64_t n_ = 0;
};

class VarintSumAvg final : public Aggregate {
 public:
  explicit VarintSumAvg(bool avg) : avg_(avg) {}
  void reset() override {
    sum_ = BigInt();
    n_ = 0;
  }
  void add(const Value& v) override {
    if (!v || v->empty()) return;
    sum_ = numeric::add(sum_, BigInt::from_twos_complement(*v));
    ++n_;
  }
  Value result() const override {
    if (!avg_) return sum_.to_twos_complement();
    return n_ == 0 ? BigInt().to_twos_complement() : numeric::divide(sum_, n_).to_twos_complement();
  }

 private:
  bool avg_;
  BigInt sum_;
  int64_t n_ = 0;
};

class DecimalSum final : public Aggregate {
 public:
  void reset() override { sum_ = numeric::Decimal(); }
  void add(const Value& v) override {
    if (v && !v->empty()) sum_ = numeric::add(sum_, numeric::decode_decimal(*v));
  }
  Value result() const override { return numeric::encode_decimal(sum_); }

 private:
  numeric::Decimal sum_;
};

// avg = avg + (value - avg) / count, rounded half-even at each step (Cassandra 4.0).
class DecimalAvg final : public Aggregate {
 public:
  void reset() override {
    avg_ = numeric::Decimal();
    n_ = 0;
  }
  void add(const Value& v) override {
    if (!v || v->empty()) return;
    ++n_;
    numeric::Decimal diff = numeric::subtract(numeric::decode_decimal(*v), avg_);
    avg_ = numeric::add(avg_, numeric::divide_half_even(diff, n_));
  }
  Value result() const override { return numeric::encode_decimal(avg_); }

 private:
  numeric::Decimal avg_;
  int64_t n_ = 0;
};

std::unique_ptr<Aggregate> numeric_aggregate(const DataType& t, bool avg) {
  switch (t.kind()) {
    case TypeKind::kTinyint:
    case TypeKind::kSmallint:
    case TypeKind::kInt:
    case TypeKind::kBigint:
    case TypeKind::kCounter:
      if (avg) return std::make_unique<IntegralAvg>(t);
      return std::make_unique<IntegralSum>(t);
    case TypeKind::kFloat:
    case TypeKind::kDouble:
      if (avg) return std::make_unique<FloatingAvg>(t);
      return std::make_unique<FloatingSum>(t);
    case TypeKind::kVarint:
      return std::make_unique<VarintSumAvg>(avg);
    case TypeKind::kDecimal:
      if (avg) return std::make_unique<DecimalAvg>();
      return std::make_unique<DecimalSum>();
    default:
      common::throw_invalid("Cannot aggregate values of type " + t.cql_name());
  }
}

}  // namespace

std::unique_ptr<Aggregate> make_aggregate(const NativeFunction& f) {
  switch (f.id) {
    case FunctionId::kCountRows:
      return std::make_unique<CountRows>();
    case FunctionId::kCount:
      return std::make_unique<Count>();
    case FunctionId::kMin:
    case FunctionId::kMax:
      return std::make_unique<MinMax>(f.arg_types[0], f.id == FunctionId::kMax);
    case FunctionId::kSum:
    case FunctionId::kAvg:
      return numeric_aggregate(f.arg_types[0], f.id == FunctionId::kAvg);
    default:
      common::throw_invalid(f.qualified_name() + " is not an aggregate function");
  }
}

}  // namespace krill::cql
