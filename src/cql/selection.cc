#include "cql/selection.h"

#include <algorithm>

#include "common/values.h"
#include "cql/json.h"

namespace krill::cql {

using common::Bytes;
using common::DataType;
using common::throw_invalid;
using common::TypeKind;
using schema::ColumnDef;
using schema::ColumnKind;

// One node of a selector tree. See selection.h for the add_input/output/reset protocol.
class SelectorNode {
 public:
  SelectorNode(DataType type, std::string name) : type_(std::move(type)), name_(std::move(name)) {}
  virtual ~SelectorNode() = default;

  const DataType& type() const { return type_; }
  // The result column name Cassandra gives this selector.
  const std::string& name() const { return name_; }
  virtual bool is_aggregate() const { return false; }

  virtual void reset() = 0;
  virtual void add_input(const RowView& row) = 0;
  virtual std::optional<Bytes> output() = 0;

 private:
  DataType type_;
  std::string name_;
};

namespace {

// What a row provides directly: a column, writetime(c), ttl(c) or token(pk). Keeps the
// value of the first row added since the last reset.
class RowValueNode final : public SelectorNode {
 public:
  enum class Kind { kColumn, kWritetime, kTtl, kToken };
  RowValueNode(Kind kind, const ColumnDef* column, DataType type, std::string name)
      : SelectorNode(std::move(type), std::move(name)), kind_(kind), column_(column) {}

  void reset() override { set_ = false; }
  void add_input(const RowView& row) override {
    if (set_) return;
    set_ = true;
    value_ = read(row);
  }
  std::optional<Bytes> output() override { return set_ ? value_ : std::nullopt; }

 private:
  std::optional<Bytes> read(const RowView& row) const {
    switch (kind_) {
      case Kind::kColumn:
        return row.value(*column_);
      case Kind::kWritetime: {
        const storage::Cell* c = row.cell(*column_);
        if (c == nullptr) return std::nullopt;
        return common::encode_bigint(c->timestamp);
      }
      case Kind::kTtl: {
        const storage::Cell* c = row.cell(*column_);
        if (c == nullptr || !(c->flags & storage::Cell::kExpiring)) return std::nullopt;
        return common::encode_int(std::max(0, c->local_time - row.now));
      }
      case Kind::kToken:
        return common::encode_bigint(row.token);
    }
    return std::nullopt;
  }

  Kind kind_;
  const ColumnDef* column_;
  bool set_ = false;
  std::optional<Bytes> value_;
};

// A literal or bind marker, evaluated as `type` when output.
class TermNode final : public SelectorNode {
 public:
  TermNode(TermPtr term, DataType type, const ExecContext* ctx)
      : SelectorNode(std::move(type), term_text(*term)), term_(std::move(term)), ctx_(ctx) {}

  void reset() override {}
  void add_input(const RowView&) override {}
  std::optional<Bytes> output() override {
    if (ctx_ == nullptr) return std::nullopt;
    TermValue v = evaluate_term(*term_, type(), name(), *ctx_);
    if (!v.is_value()) return std::nullopt;
    return std::move(v.bytes);
  }

 private:
  TermPtr term_;
  const ExecContext* ctx_;
};

// arg.field of a user-defined type value.
class FieldNode final : public SelectorNode {
 public:
  FieldNode(std::unique_ptr<SelectorNode> arg, size_t index, DataType type, std::string name)
      : SelectorNode(std::move(type), std::move(name)), arg_(std::move(arg)), index_(index) {}

  bool is_aggregate() const override { return arg_->is_aggregate(); }
  void reset() override { arg_->reset(); }
  void add_input(const RowView& row) override { arg_->add_input(row); }
  std::optional<Bytes> output() override {
    auto v = arg_->output();
    if (!v) return std::nullopt;
    auto comps = common::decode_components(*v);
    if (index_ >= comps.size()) return std::nullopt;
    return std::move(comps[index_]);
  }

 private:
  std::unique_ptr<SelectorNode> arg_;
  size_t index_;
};

class ScalarNode final : public SelectorNode {
 public:
  ScalarNode(NativeFunction f, std::vector<std::unique_ptr<SelectorNode>> args, std::string name,
             const FunctionContext* fctx)
      : SelectorNode(f.return_type, std::move(name)), f_(std::move(f)), args_(std::move(args)), fctx_(fctx) {}

  bool is_aggregate() const override {
    for (const auto& a : args_) {
      if (a->is_aggregate()) return true;
    }
    return false;
  }
  void reset() override {
    for (auto& a : args_) a->reset();
  }
  void add_input(const RowView& row) override {
    for (auto& a : args_) a->add_input(row);
  }
  std::optional<Bytes> output() override {
    std::vector<std::optional<Bytes>> values;
    for (auto& a : args_) values.push_back(a->output());
    return call_scalar(f_, values, *fctx_);
  }

 private:
  NativeFunction f_;
  std::vector<std::unique_ptr<SelectorNode>> args_;
  const FunctionContext* fctx_;
};

class AggregateNode final : public SelectorNode {
 public:
  AggregateNode(const NativeFunction& f, std::unique_ptr<SelectorNode> arg, std::string name)
      : SelectorNode(f.return_type, std::move(name)), arg_(std::move(arg)), aggregate_(make_aggregate(f)) {}

  bool is_aggregate() const override { return true; }
  void reset() override { aggregate_->reset(); }
  void add_input(const RowView& row) override {
    if (!arg_) {
      aggregate_->add(std::nullopt);
      return;
    }
    arg_->reset();
    arg_->add_input(row);
    aggregate_->add(arg_->output());
  }
  std::optional<Bytes> output() override { return aggregate_->result(); }

 private:
  std::unique_ptr<SelectorNode> arg_;
  std::unique_ptr<Aggregate> aggregate_;
};

std::string lower(const std::string& s) {
  std::string out = s;
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Builds selector trees for one statement.
class Builder {
 public:
  Builder(const schema::TableDef& table, const ExecContext* ctx, const FunctionContext* fctx)
      : table_(table), ctx_(ctx), fctx_(fctx) {}

  std::unique_ptr<SelectorNode> build(const Selector& s) {
    switch (s.kind) {
      case Selector::Kind::kColumn: {
        const ColumnDef* c = column(s.name);
        return std::make_unique<RowValueNode>(RowValueNode::Kind::kColumn, c, c->type, c->name);
      }
      case Selector::Kind::kCountStar: {
        NativeFunction f{FunctionId::kCountRows, "countrows", {}, DataType::native(TypeKind::kBigint)};
        return std::make_unique<AggregateNode>(f, nullptr, "count");
      }
      case Selector::Kind::kFunction:
        return function(s);
      case Selector::Kind::kCast:
        return cast(s);
      case Selector::Kind::kTerm: {
        auto type = literal_type(*s.term);
        if (!type) {
          throw_invalid("Cannot infer type for term " + term_text(*s.term) +
                        " in selection clause (try using a cast to force a type)");
        }
        return std::make_unique<TermNode>(s.term, *type, ctx_);
      }
      case Selector::Kind::kField:
        return field(s);
    }
    throw_invalid("Unsupported selector");
  }

 private:
  const ColumnDef* column(const std::string& name) const {
    const ColumnDef* c = table_.find_column(name);
    if (!c)
      throw_invalid("Undefined column name " + name + " in table " + table_.keyspace + "." + table_.name);
    return c;
  }

  const ColumnDef* column_argument(const Selector& s, const std::string& fname) const {
    if (s.kind != Selector::Kind::kColumn)
      throw_invalid("Invalid argument for " + fname + "(): only a column name");
    return column(s.name);
  }

  std::unique_ptr<SelectorNode> function(const Selector& s) {
    std::string fname = lower(s.name);
    if (fname.starts_with("system.")) fname = fname.substr(7);
    if (fname == "writetime" || fname == "ttl") {
      if (s.args.size() != 1) throw_invalid(fname + "() takes exactly one argument");
      const ColumnDef* c = column_argument(s.args[0], fname);
      if (c->kind == ColumnKind::kPartitionKey || c->kind == ColumnKind::kClustering)
        throw_invalid("Cannot use selection function " + fname + " on PRIMARY KEY part " + c->name);
      if (c->type.is_multi_cell())
        throw_invalid("Cannot use selection function " + fname + " on non-frozen collection " + c->name);
      bool wt = fname == "writetime";
      return std::make_unique<RowValueNode>(wt ? RowValueNode::Kind::kWritetime : RowValueNode::Kind::kTtl, c,
                                            DataType::native(wt ? TypeKind::kBigint : TypeKind::kInt),
                                            fname + "(" + c->name + ")");
    }
    if (fname == "token") {
      auto pk = table_.partition_key();
      if (s.args.size() != pk.size()) throw_invalid("Invalid number of arguments in call to function token");
      std::string name = "system.token(";
      for (size_t i = 0; i < pk.size(); ++i) {
        if (column_argument(s.args[i], "token") != pk[i])
          throw_invalid("token() must be called on the partition key columns, in order");
        name += (i ? ", " : "") + pk[i]->name;
      }
      return std::make_unique<RowValueNode>(RowValueNode::Kind::kToken, nullptr,
                                            DataType::native(TypeKind::kBigint), name + ")");
    }
    // Arguments: selectors have exact types; literal terms are typed by the overload.
    std::vector<std::unique_ptr<SelectorNode>> args;
    std::vector<ArgInfo> infos;
    for (const Selector& a : s.args) {
      ArgInfo info;
      if (a.kind == Selector::Kind::kTerm && a.term->kind != Term::Kind::kCast) {
        info.term = a.term.get();
        info.text = term_text(*a.term);
        args.push_back(nullptr);
      } else {
        args.push_back(build(a));
        info.type = args.back()->type();
        info.text = args.back()->name();
      }
      infos.push_back(std::move(info));
    }
    NativeFunction f = resolve_function(s.name, infos, nullptr);
    std::vector<std::string> names;
    for (size_t i = 0; i < args.size(); ++i) {
      if (!args[i]) args[i] = std::make_unique<TermNode>(s.args[i].term, f.arg_types[i], ctx_);
      names.push_back(args[i]->name());
    }
    std::string name = f.column_name(names);
    if (f.is_aggregate()) {
      for (const auto& a : args) {
        if (a->is_aggregate())
          throw_invalid("aggregate functions cannot be used as arguments of aggregate functions");
      }
      return std::make_unique<AggregateNode>(f, args.empty() ? nullptr : std::move(args[0]), name);
    }
    return std::make_unique<ScalarNode>(std::move(f), std::move(args), name, fctx_);
  }

  std::unique_ptr<SelectorNode> cast(const Selector& s) {
    auto arg = build(s.args.at(0));
    DataType to = DataType::parse(s.name);
    if (arg->type() == to) return arg;  // an identity cast is the argument itself
    NativeFunction f = resolve_cast(arg->type(), to, arg->name());
    std::string name = f.column_name({arg->name()});
    std::vector<std::unique_ptr<SelectorNode>> args;
    args.push_back(std::move(arg));
    return std::make_unique<ScalarNode>(std::move(f), std::move(args), name, fctx_);
  }

  std::unique_ptr<SelectorNode> field(const Selector& s) {
    auto arg = build(s.args.at(0));
    const DataType& t = arg->type();
    if (t.kind() != TypeKind::kUdt)
      throw_invalid("Invalid field selection: " + arg->name() + " of type " + t.cql_name() +
                    " is not a user type");
    const auto& names = t.field_names();
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == s.name) {
        std::string name = arg->name() + "." + s.name;
        return std::make_unique<FieldNode>(std::move(arg), i, t.params()[i], name);
      }
    }
    throw_invalid(t.udt_name() + " has no field " + s.name);
  }

  const schema::TableDef& table_;
  const ExecContext* ctx_;
  const FunctionContext* fctx_;
};

}  // namespace

Selection::Selection(const SelectStatement& stmt, const schema::TableDef& table, const ExecContext* ctx)
    : ctx_(ctx), json_(stmt.json) {
  if (ctx != nullptr) fctx_.uuids = &ctx->svc.uuids;
  auto spec = [&](const std::string& name, const DataType& type) {
    specs_.push_back(ColumnSpec{table.keyspace, table.name, name, type});
  };
  auto is_distinct_column = [](const ColumnDef& c) {
    return c.kind == ColumnKind::kPartitionKey || c.kind == ColumnKind::kStatic;
  };
  if (stmt.selectors.empty()) {
    for (const auto& c : table.columns) {
      if (stmt.distinct && !is_distinct_column(c)) continue;
      nodes_.push_back(std::make_unique<RowValueNode>(RowValueNode::Kind::kColumn, &c, c.type, c.name));
      spec(c.name, c.type);
    }
  } else {
    Builder builder(table, ctx, &fctx_);
    for (const Selector& s : stmt.selectors) {
      if (s.kind == Selector::Kind::kColumn && stmt.distinct) {
        const ColumnDef* c = table.find_column(s.name);
        if (c && !is_distinct_column(*c)) {
          throw_invalid(
              "SELECT DISTINCT queries must only request partition key columns and/or static columns (not " +
              c->name + ")");
        }
      }
      nodes_.push_back(builder.build(s));
      if (nodes_.back()->is_aggregate()) aggregate_ = true;
      spec(s.alias.empty() ? nodes_.back()->name() : s.alias, nodes_.back()->type());
    }
    if (stmt.distinct) {
      // Cassandra: every partition key column must be selected.
      std::string missing;
      for (const ColumnDef* pk : table.partition_key()) {
        bool selected = std::any_of(stmt.selectors.begin(), stmt.selectors.end(), [&](const Selector& s) {
          return s.kind == Selector::Kind::kColumn && s.name == pk->name;
        });
        if (!selected) missing += (missing.empty() ? "" : ", ") + pk->name;
      }
      if (!missing.empty()) {
        throw_invalid("SELECT DISTINCT queries must request all the partition key columns (missing " +
                      missing + ")");
      }
    }
  }
  if (json_) {
    json_specs_ = std::move(specs_);
    specs_.clear();
    spec("[json]", DataType::native(TypeKind::kText));
  }
}

Selection::Selection(const SelectionShape& shape)
    : plain_(true), plain_columns_(shape.columns), specs_(shape.specs) {
  plain_values_.resize(plain_columns_.size());
  plain_set_.assign(plain_columns_.size(), 0);
}

Selection::~Selection() = default;

std::shared_ptr<const SelectionShape> make_selection_shape(const SelectStatement& stmt,
                                                           std::shared_ptr<const schema::TableDef> table) {
  auto shape = std::make_shared<SelectionShape>();
  shape->specs = Selection(stmt, *table, nullptr).columns();  // validates, as at execution
  shape->plain = !stmt.json;
  if (stmt.selectors.empty()) {
    for (const auto& c : table->columns) {
      if (stmt.distinct && c.kind != ColumnKind::kPartitionKey && c.kind != ColumnKind::kStatic) continue;
      shape->columns.push_back(&c);
    }
  } else {
    for (const Selector& s : stmt.selectors) {
      const ColumnDef* c = s.kind == Selector::Kind::kColumn ? table->find_column(s.name) : nullptr;
      if (c == nullptr) {
        shape->plain = false;
        break;
      }
      shape->columns.push_back(c);
    }
  }
  if (!shape->plain) shape->columns.clear();
  shape->table = std::move(table);
  return shape;
}

std::vector<size_t> Selection::add_hidden_columns(const std::vector<const ColumnDef*>& columns) {
  std::vector<size_t> out;
  if (plain_) {
    for (const ColumnDef* c : columns) {
      out.push_back(plain_columns_.size());
      plain_columns_.push_back(c);
    }
    plain_values_.resize(plain_columns_.size());
    plain_set_.assign(plain_columns_.size(), 0);
    return out;
  }
  for (const ColumnDef* c : columns) {
    out.push_back(visible_count() + (nodes_.size() - (json_ ? json_specs_.size() : specs_.size())));
    nodes_.push_back(std::make_unique<RowValueNode>(RowValueNode::Kind::kColumn, c, c->type, c->name));
  }
  return out;
}

void Selection::reset() {
  if (plain_) std::fill(plain_set_.begin(), plain_set_.end(), 0);
  for (auto& n : nodes_) n->reset();
}

void Selection::add_input(const RowView& row) {
  if (plain_) {
    // Like a column selector: the first row added since the last reset gives the value.
    for (size_t i = 0; i < plain_columns_.size(); ++i) {
      if (plain_set_[i]) continue;
      plain_set_[i] = 1;
      plain_values_[i] = row.value(*plain_columns_[i]);
    }
    return;
  }
  for (auto& n : nodes_) n->add_input(row);
}

Row Selection::output() {
  if (plain_) {
    Row values(plain_columns_.size());
    for (size_t i = 0; i < plain_columns_.size(); ++i) {
      if (plain_set_[i]) values[i] = std::move(plain_values_[i]);
    }
    return values;
  }
  Row values;
  values.reserve(nodes_.size());
  for (auto& n : nodes_) values.push_back(n->output());
  if (!json_) return values;
  size_t selected = json_specs_.size();
  Row out;
  out.push_back(Bytes(
      json_row(json_specs_, Row(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(selected)))));
  out.insert(out.end(), values.begin() + static_cast<std::ptrdiff_t>(selected), values.end());
  return out;
}

}  // namespace krill::cql
