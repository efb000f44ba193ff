// Prepare-time metadata: what each bind marker binds to, and the partition key indexes
// drivers use for token-aware routing.
#include "cql/execution.h"
#include "cql/selection.h"
#include "cql/where.h"

namespace krill::cql {

using common::DataType;
using common::TypeKind;
using schema::ColumnDef;
using schema::ColumnKind;
using schema::TableDef;

namespace {

class Describer {
 public:
  Describer(Prepared& p, const schema::Schema& s) : p_(p), schema_(s) {}

  void statement(const Statement& st) {
    if (auto* s = std::get_if<InsertStatement>(&st)) return insert(*s);
    if (auto* s = std::get_if<UpdateStatement>(&st)) return update(*s);
    if (auto* s = std::get_if<DeleteStatement>(&st)) return remove(*s);
    if (auto* s = std::get_if<SelectStatement>(&st)) return select(*s);
    if (auto* s = std::get_if<BatchStatement>(&st)) {
      using_clause(s->using_clause, "");
      for (const auto& child : s->statements) {
        std::visit([&](const auto& c) { statement(Statement(c)); }, child);
      }
      p_.pk_indexes.clear();
    }
  }

  void finish() {
    if (p_.bind_specs.size() < static_cast<size_t>(p_.parsed.bind_count))
      p_.bind_specs.resize(p_.parsed.bind_count);
    for (auto& spec : p_.bind_specs) {
      if (!spec.type.valid()) spec.type = DataType::native(TypeKind::kBlob);
    }
  }

 private:
  std::shared_ptr<const TableDef> table(const QualifiedName& n) {
    std::string ks = resolve_keyspace(n.keyspace, p_.keyspace);
    auto t = find_table(schema_, ks, n.name);
    table_ = t;
    pk_markers_.assign(t->partition_key().size(), -1);
    return t;
  }

  ColumnSpec spec(const std::string& name, const DataType& type) const {
    return ColumnSpec{table_->keyspace, table_->name, name, type};
  }

  void bind(const TermPtr& term, const ColumnSpec& s) {
    if (term) collect_bind_specs(*term, s, p_.bind_specs);
  }

  void key_marker(const ColumnDef& c, const TermPtr& term) {
    if (c.kind == ColumnKind::kPartitionKey && term && term->kind == Term::Kind::kBindMarker) {
      pk_markers_[c.position] = term->bind_index;
    }
  }

  void using_clause(const UsingClause& u, const std::string&) {
    if (u.timestamp) {
      ColumnSpec s{table_ ? table_->keyspace : "", table_ ? table_->name : "", "[timestamp]",
                   DataType::native(TypeKind::kBigint)};
      collect_bind_specs(*u.timestamp, s, p_.bind_specs);
    }
    if (u.ttl) {
      ColumnSpec s{table_ ? table_->keyspace : "", table_ ? table_->name : "", "[ttl]",
                   DataType::native(TypeKind::kInt)};
      collect_bind_specs(*u.ttl, s, p_.bind_specs);
    }
  }

  void relations(const std::vector<Relation>& where) {
    for (const Relation& r : where) {
      if (r.token || r.multi_column || r.columns.size() != 1) {
        relation_bind_specs(r, *table_, p_.bind_specs);  // token(...) and (a, b) relations: where.h
        continue;
      }
      const ColumnDef* c = table_->find_column(r.columns[0]);
      if (!c) continue;
      if (r.op == Relation::Op::kIn) {
        if (r.value) bind(r.value, spec("in(" + c->name + ")", DataType::list(c->type, true)));
        for (const auto& v : r.in_values) bind(v, spec(c->name, c->type));
        continue;
      }
      DataType t = c->type;
      if (r.op == Relation::Op::kContains && t.is_collection()) {
        t = t.kind() == TypeKind::kMap ? t.params()[1] : t.params()[0];
      } else if (r.op == Relation::Op::kContainsKey && t.kind() == TypeKind::kMap) {
        t = t.params()[0];
      }
      bind(r.value, spec(c->name, t));
      if (r.op == Relation::Op::kEq) key_marker(*c, r.value);
    }
  }

  void routing() {
    for (int m : pk_markers_) {
      if (m < 0) return;
    }
    p_.pk_indexes.clear();
    for (int m : pk_markers_) p_.pk_indexes.push_back(static_cast<uint16_t>(m));
  }

  void insert(const InsertStatement& s) {
    auto t = table(s.table);
    for (size_t i = 0; i < s.columns.size() && i < s.values.size(); ++i) {
      const ColumnDef* c = t->find_column(s.columns[i]);
      if (!c) continue;
      bind(s.values[i], spec(c->name, c->type));
      key_marker(*c, s.values[i]);
    }
    if (s.json) bind(s.json, spec("[json]", DataType::native(TypeKind::kText)));
    using_clause(s.using_clause, "");
    routing();
  }

  void update(const UpdateStatement& s) {
    auto t = table(s.table);
    using_clause(s.using_clause, "");
    for (const auto& a : s.assignments) {
      const ColumnDef* c = t->find_column(a.column);
      if (!c) continue;
      assignment(a, *c);
    }
    relations(s.where);
    conditions(s.conditions);
    routing();
  }

  void conditions(const std::vector<Condition>& conds) {
    for (const Condition& c : conds) {
      const ColumnDef* col = table_->find_column(c.column);
      if (!col) continue;
      DataType t = col->type;
      if (c.element && t.is_collection() && t.kind() != TypeKind::kSet) {
        bool is_map = t.kind() == TypeKind::kMap;
        bind(c.element, spec(is_map ? "key(" + col->name + ")" : "idx(" + col->name + ")",
                             is_map ? t.params()[0] : DataType::native(TypeKind::kInt)));
        t = is_map ? t.params()[1] : t.params()[0];
      }
      if (c.op == Relation::Op::kIn && c.value) {
        bind(c.value, spec("in(" + col->name + ")", DataType::list(t, true)));
      } else {
        bind(c.value, spec(col->name, t));
      }
      for (const auto& v : c.in_values) bind(v, spec(col->name, t));
    }
  }

  // Markers in SET items: the element key/index, then the value with its receiver's type.
  void assignment(const Assignment& a, const ColumnDef& c) {
    const DataType& t = c.type;
    DataType value_type = t;
    if (a.op == Assignment::Op::kSetElement && t.is_collection()) {
      bool is_map = t.kind() == TypeKind::kMap;
      bind(a.key, spec(is_map ? "key(" + c.name + ")" : "idx(" + c.name + ")",
                       is_map ? t.params()[0] : DataType::native(TypeKind::kInt)));
      value_type = is_map ? t.params()[1] : t.params()[0];
      bind(a.value, spec("value(" + c.name + ")", value_type));
      return;
    }
    if (a.op == Assignment::Op::kSetField && t.kind() == TypeKind::kUdt) {
      for (size_t i = 0; i < t.field_names().size(); ++i) {
        if (t.field_names()[i] == a.field) value_type = t.params()[i];
      }
      bind(a.value, spec(c.name + "." + a.field, value_type));
      return;
    }
    if (t.is_counter()) value_type = DataType::native(TypeKind::kBigint);
    if (a.op == Assignment::Op::kSubtract && t.kind() == TypeKind::kMap)
      value_type = DataType::set(t.params()[0]);
    bind(a.value, spec(c.name, value_type));
  }

  void remove(const DeleteStatement& s) {
    auto t = table(s.table);
    for (const auto& target : s.targets) {
      const ColumnDef* c = t->find_column(target.column);
      if (!c || !target.element || !c->type.is_collection()) continue;
      bool is_map = c->type.kind() == TypeKind::kMap;
      bind(target.element, spec(is_map ? "key(" + c->name + ")" : "idx(" + c->name + ")",
                                is_map ? c->type.params()[0] : DataType::native(TypeKind::kInt)));
    }
    using_clause(s.using_clause, "");
    relations(s.where);
    conditions(s.conditions);
    routing();
  }

  void select(const SelectStatement& s) {
    auto t = table(s.table);
    relations(s.where);
    bind(s.per_partition_limit, spec("[per_partition_limit]", DataType::native(TypeKind::kInt)));
    bind(s.limit, spec("[limit]", DataType::native(TypeKind::kInt)));
    routing();
    p_.selection = make_selection_shape(s, t);
    p_.result_columns = p_.selection->specs;
  }

  Prepared& p_;
  const schema::Schema& schema_;
  std::shared_ptr<const TableDef> table_;
  std::vector<int> pk_markers_;
};

}  // namespace

void describe_statement(Prepared& p, const schema::Schema& schema) {
  Describer d(p, schema);
  d.statement(p.parsed.statement);
  d.finish();
}

}  // namespace krill::cql
