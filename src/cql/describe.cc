// Server-side DESCRIBE (Cassandra 4.0): the statements cqlsh sends, answered with rows of
// (keyspace_name, type, name[, create_statement]) whose CQL re-creates the schema when
// replayed, in Cassandra 4.0's layout.
#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "cql/ddl_internal.h"
#include "cql/lexer.h"
#include "cql/parser_internal.h"
#include "schema/indexes.h"
#include "schema/user_types.h"

namespace krill::cql {

using common::DataType;
using common::throw_invalid;
using schema::ColumnDef;
using schema::ColumnKind;
using schema::KeyspaceDef;
using schema::TableDef;

namespace {

using internal::maybe_quote;

// One described schema element.
struct Element {
  std::string keyspace;
  std::string type;  // "keyspace", "type", "table"
  std::string name;
  std::string cql;
};

ColumnSpec text_column(const std::string& name) {
  return ColumnSpec{"system", "describe", name, DataType::native(common::TypeKind::kText)};
}

RowsResult element_rows(const std::vector<Element>& elements, bool with_statement) {
  RowsResult r;
  r.columns = {text_column("keyspace_name"), text_column("type"), text_column("name")};
  if (with_statement) r.columns.push_back(text_column("create_statement"));
  for (const auto& e : elements) {
    Row row{common::Bytes(maybe_quote(e.keyspace)), common::Bytes(e.type),
            common::Bytes(maybe_quote(e.name))};
    if (with_statement) row.push_back(common::Bytes(e.cql));
    r.rows.push_back(std::move(row));
  }
  return r;
}

bool name_less(const std::string& a, const std::string& b) {
  auto la = to_lower_ascii(a), lb = to_lower_ascii(b);
  return la != lb ? la < lb : a < b;
}

std::string single_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  return out + "'";
}

std::string string_map(const std::map<std::string, std::string>& m) {
  std::string out = "{";
  for (const auto& [k, v] : m) {
    if (out.size() > 1) out += ", ";
    out += single_quoted(k) + ": " + single_quoted(v);
  }
  return out + "}";
}

// Java's Double.toString: shortest round-trip digits; plain between 1e-3 and 1e7, otherwise
// d.dddE<exp>; always at least one digit after the point.
std::string java_double(double d) {
  if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  const auto e = sci.find('e');
  std::string mantissa = sci.substr(0, e);
  const int exponent = std::atoi(sci.c_str() + e + 1);
  std::string sign;
  if (mantissa[0] == '-') {
    sign = "-";
    mantissa.erase(0, 1);
  }
  std::string digits;
  for (char c : mantissa) {
    if (c != '.') digits.push_back(c);
  }
  const double mag = std::abs(d);
  if (mag >= 1e-3 && mag < 1e7) {
    std::string out;
    if (exponent < 0) {
      out = "0." + std::string(-exponent - 1, '0') + digits;
    } else {
      const size_t point = static_cast<size_t>(exponent) + 1;
      if (digits.size() <= point) digits.append(point - digits.size() + 1, '0');
      out = digits.substr(0, point) + "." + digits.substr(point);
    }
    return sign + out;
  }
  std::string frac = digits.size() > 1 ? digits.substr(1) : "0";
  return sign + digits.substr(0, 1) + "." + frac + "E" + std::to_string(exponent);
}

// A type as Cassandra 4.0 prints it in CQL: like DataType::cql_name(), except that tuples
// show as frozen<tuple<...>>.
std::string type_text(const DataType& t) {
  const auto k = t.kind();
  if (k != common::TypeKind::kTuple && !t.is_collection()) return t.cql_name();
  std::string params;
  for (const auto& p : t.params()) params += (params.empty() ? "" : ", ") + type_text(p);
  if (k == common::TypeKind::kTuple) return "frozen<tuple<" + params + ">>";
  const char* name = k == common::TypeKind::kList ? "list<" : k == common::TypeKind::kSet ? "set<" : "map<";
  std::string inner = name + params + ">";
  return t.is_frozen() ? "frozen<" + inner + ">" : inner;
}

std::string keyspace_cql(const KeyspaceDef& ks) {
  return "CREATE KEYSPACE " + maybe_quote(ks.name) + " WITH replication = " + string_map(ks.replication) +
         "  AND durable_writes = " + (ks.durable_writes ? "true" : "false") + ";";
}

std::string type_cql(const std::string& keyspace, const DataType& t) {
  std::string out = "CREATE TYPE " + qualified_name(keyspace, t.udt_name()) + " (\n";
  for (size_t i = 0; i < t.field_names().size(); ++i) {
    if (i > 0) out += ",\n";
    out += "    " + maybe_quote(t.field_names()[i]) + " " + type_text(t.params()[i]);
  }
  return out + "\n);";
}

std::string column_cql(const std::string& name, const DataType& type, ColumnKind kind) {
  return maybe_quote(name) + " " + type_text(type) + (kind == ColumnKind::kStatic ? " static" : "");
}

void append_params(const schema::TableParams& p, std::vector<std::string>& options);

// The WITH clause: [ID,] [CLUSTERING ORDER,] then the table parameters, one per line.
std::string table_options(const TableDef& t, bool internals) {
  const auto& p = t.params;
  std::vector<std::string> options;
  if (internals) options.push_back("ID = " + t.id.to_string());
  auto clustering = t.clustering_key();
  if (!clustering.empty()) {
    std::string order;
    for (const ColumnDef* c : clustering) {
      order += (order.empty() ? "" : ", ") + maybe_quote(c->name) + (c->descending ? " DESC" : " ASC");
    }
    options.push_back("CLUSTERING ORDER BY (" + order + ")");
  }
  if (t.is_virtual) {
    options.push_back("comment = " + single_quoted(p.comment));
  } else {
    append_params(p, options);
  }
  std::string out;
  for (size_t i = 0; i < options.size(); ++i) out += (i == 0 ? "" : "\n    AND ") + options[i];
  return out + ";";
}

void append_params(const schema::TableParams& p, std::vector<std::string>& options) {
  options.push_back("additional_write_policy = " + single_quoted(p.additional_write_policy));
  options.push_back("bloom_filter_fp_chance = " + java_double(p.bloom_filter_fp_chance));
  options.push_back("caching = " + string_map(p.caching));
  options.push_back(std::string("cdc = ") + (p.cdc ? "true" : "false"));
  options.push_back("comment = " + single_quoted(p.comment));
  options.push_back("compaction = " + string_map(p.compaction));
  options.push_back("compression = " + string_map(p.compression));
  options.push_back("crc_check_chance = " + java_double(p.crc_check_chance));
  options.push_back("default_time_to_live = " + std::to_string(p.default_time_to_live));
  options.push_back("extensions = {}");
  options.push_back("gc_grace_seconds = " + std::to_string(p.gc_grace_seconds));
  options.push_back("max_index_interval = " + std::to_string(p.max_index_interval));
  options.push_back("memtable_flush_period_in_ms = " + std::to_string(p.memtable_flush_period_in_ms));
  options.push_back("min_index_interval = " + std::to_string(p.min_index_interval));
  options.push_back("read_repair = " + single_quoted(p.read_repair));
  options.push_back("speculative_retry = " + single_quoted(p.speculative_retry));
}

// CREATE TABLE in Cassandra 4.0's layout. With internals, the table id and the history of
// dropped columns (the dropped definitions, then ALTER TABLE DROP / ADD) are included.
std::string table_cql(const TableDef& t, bool internals) {
  const std::string name = qualified_name(t.keyspace, t.name);
  const auto pk = t.partition_key();
  const auto ck = t.clustering_key();
  const bool single_key = pk.size() == 1 && ck.empty();
  std::vector<std::string> defs;
  for (const auto& c : t.columns) {
    if (internals && t.dropped_columns.count(c.name)) continue;  // re-added: shown after its DROP
    defs.push_back(column_cql(c.name, c.type, c.kind) +
                   (single_key && c.kind == ColumnKind::kPartitionKey ? " PRIMARY KEY" : ""));
  }
  if (internals) {
    for (const auto& [n, d] : t.dropped_columns) defs.push_back(column_cql(n, d.type, d.kind));
  }
  std::string out = (t.is_virtual ? "/*\nWarning: Table " + name +
                                        " is a virtual table and cannot be recreated with CQL.\n"
                                        "Structure, for reference:\nVIRTUAL"
                                  : std::string("CREATE")) +
                    " TABLE " + name + " (\n";
  for (size_t i = 0; i < defs.size(); ++i) {
    out += "    " + defs[i] + (!single_key || i + 1 < defs.size() ? "," : "") + "\n";
  }
  if (!single_key) {
    auto names = [](const std::vector<const ColumnDef*>& cols) {
      std::string s;
      for (const ColumnDef* c : cols) s += (s.empty() ? "" : ", ") + maybe_quote(c->name);
      return s;
    };
    out += "    PRIMARY KEY (" + (pk.size() > 1 ? "(" + names(pk) + ")" : names(pk)) +
           (ck.empty() ? "" : ", " + names(ck)) + ")\n";
  }
  out += ") WITH " + table_options(t, internals) + (t.is_virtual ? "\n*/" : "");
  if (internals) {
    for (const auto& [n, d] : t.dropped_columns) {
      out += "\nALTER TABLE " + name + " DROP " + maybe_quote(n) + " USING TIMESTAMP " +
             std::to_string(d.dropped_time) + ";";
      if (const ColumnDef* c = t.find_column(n))
        out += "\nALTER TABLE " + name + " ADD " + column_cql(n, c->type, c->kind) + ";";
    }
  }
  return out;
}

Element table_element(const TableDef& t, bool internals) {
  return Element{t.keyspace, "table", t.name, table_cql(t, internals)};
}

Element index_element(const TableDef& t, const schema::IndexDef& i) {
  std::string target =
      i.target_kind.empty() ? maybe_quote(i.column) : i.target_kind + "(" + maybe_quote(i.column) + ")";
  return Element{t.keyspace, "index", i.name,
                 "CREATE INDEX " + maybe_quote(i.name) + " ON " + qualified_name(t.keyspace, t.name) + " (" +
                     target + ");"};
}

// CREATE MATERIALIZED VIEW in Cassandra 4.0's layout.
Element view_element(const TableDef& v, bool internals) {
  const auto pk = v.partition_key();
  const auto ck = v.clustering_key();
  auto names = [](const std::vector<const ColumnDef*>& cols) {
    std::string s;
    for (const ColumnDef* c : cols) s += (s.empty() ? "" : ", ") + maybe_quote(c->name);
    return s;
  };
  std::string select;
  if (v.view->include_all_columns) {
    select = "*";
  } else {
    for (const auto& c : v.columns) select += (select.empty() ? "" : ", ") + maybe_quote(c.name);
  }
  std::string out = "CREATE MATERIALIZED VIEW " + qualified_name(v.keyspace, v.name) + " AS\n    SELECT " +
                    select + "\n    FROM " + qualified_name(v.keyspace, v.view->base_table) + "\n    WHERE " +
                    v.view->where_clause + "\n    PRIMARY KEY (" +
                    (pk.size() > 1 ? "(" + names(pk) + ")" : names(pk)) +
                    (ck.empty() ? "" : ", " + names(ck)) + ")\n WITH " + table_options(v, internals);
  return Element{v.keyspace, "materialized_view", v.name, out};
}

// A table, then its indexes by name, then its views by name.
void table_elements(const KeyspaceDef& ks, const TableDef& t, bool internals, std::vector<Element>& out) {
  out.push_back(table_element(t, internals));
  std::vector<const schema::IndexDef*> indexes;
  for (const auto& i : t.indexes) indexes.push_back(&i);
  std::sort(indexes.begin(), indexes.end(), [](auto* a, auto* b) { return a->name < b->name; });
  for (const auto* i : indexes) out.push_back(index_element(t, *i));
  for (const auto& v : schema::views_of(ks, t.name)) out.push_back(view_element(*v, internals));
}

template <typename Map>
std::vector<std::string> sorted_names(const Map& m) {
  std::vector<std::string> names;
  for (const auto& [name, v] : m) names.push_back(name);
  std::sort(names.begin(), names.end(), name_less);
  return names;
}

// The keyspace, then (unless `only`) its types in dependency order and its tables by name.
void keyspace_elements(const KeyspaceDef& ks, bool only, bool internals, std::vector<Element>& out) {
  out.push_back(Element{ks.name, "keyspace", ks.name, keyspace_cql(ks)});
  if (only) return;
  for (const auto& name : schema::types_in_dependency_order(ks)) {
    out.push_back(Element{ks.name, "type", name, type_cql(ks.name, ks.types.at(name))});
  }
  for (const auto& name : sorted_names(ks.tables)) {
    const auto& t = ks.tables.at(name);
    if (!t->view) table_elements(ks, *t, internals, out);
  }
}

bool is_system_keyspace(const std::string& ks) {
  return ks == "system" || ks == "system_schema" || ks == "system_auth" || ks == "system_distributed" ||
         ks == "system_traces" || ks == "system_virtual_schema" || ks == "system_views";
}

class Describer {
 public:
  Describer(const DescribeStatement& s, ExecContext& ctx) : s_(s), ctx_(ctx), schema_(*ctx.schema) {}

  ResultMessage run() {
    using Kind = DescribeStatement::Kind;
    const bool internals = s_.with_internals;
    std::vector<Element> out;
    switch (s_.kind) {
      case Kind::kCluster:
        return cluster();
      case Kind::kKeyspaces:
        for (const auto& name : sorted_names(schema_.keyspaces))
          out.push_back(Element{name, "keyspace", name, ""});
        return element_rows(out, false);
      case Kind::kTables:
      case Kind::kTypes:
      case Kind::kFunctions:
      case Kind::kAggregates:
        return listing(s_.kind);
      case Kind::kKeyspace:
        keyspace_elements(keyspace_or_current(s_.name.keyspace), s_.only, internals, out);
        break;
      case Kind::kSchema:
      case Kind::kFullSchema:
        for (const auto& name : sorted_names(schema_.keyspaces)) {
          if (s_.kind == Kind::kSchema && is_system_keyspace(name)) continue;
          keyspace_elements(*schema_.keyspaces.at(name), false, internals, out);
        }
        break;
      case Kind::kTable:
        return table(s_.name.keyspace, s_.name.name);
      case Kind::kType:
        return type(s_.name.keyspace, s_.name.name);
      case Kind::kFunction:
      case Kind::kAggregate: {
        const KeyspaceDef& ks = keyspace_or_current(s_.name.keyspace);
        const char* what = s_.kind == Kind::kFunction ? "function" : "aggregate";
        throw_invalid(std::string("User defined ") + what + " '" + s_.name.name + "' not found in '" +
                      ks.name + "'");
      }
      case Kind::kIndex: {
        const KeyspaceDef& ks = keyspace_or_current(s_.name.keyspace);
        if (auto t = schema::table_of_index(ks, s_.name.name)) {
          for (const auto& i : t->indexes) {
            if (i.name == s_.name.name) return element_rows({index_element(*t, i)}, true);
          }
        }
        throw_invalid("Table for existing index '" + s_.name.name + "' not found in '" + ks.name + "'");
      }
      case Kind::kMaterializedView: {
        const KeyspaceDef& ks = keyspace_or_current(s_.name.keyspace);
        if (auto v = ks.find_table(s_.name.name); v && v->view)
          return element_rows({view_element(*v, internals)}, true);
        throw_invalid("Materialized view '" + s_.name.name + "' not found in '" + ks.name + "'");
      }
      case Kind::kName:
        return generic();
    }
    return element_rows(out, true);
  }

 private:
  const KeyspaceDef& keyspace(const std::string& name) const {
    auto ks = schema_.find_keyspace(name);
    if (!ks) throw_invalid("'" + name + "' not found in keyspaces");
    return *ks;
  }

  const KeyspaceDef& keyspace_or_current(const std::string& name) const {
    if (!name.empty()) return keyspace(name);
    if (ctx_.state.keyspace.empty()) throw_invalid("No keyspace specified and no current keyspace");
    return keyspace(ctx_.state.keyspace);
  }

  ResultMessage cluster() const {
    RowsResult r;
    r.columns = {text_column("cluster"), text_column("partitioner"), text_column("snitch")};
    std::string partitioner = ctx_.svc.node.partitioner;
    const std::string prefix = "org.apache.cassandra.dht.";
    if (partitioner.rfind(prefix, 0) == 0) partitioner.erase(0, prefix.size());
    r.rows.push_back(Row{common::Bytes(ctx_.svc.node.cluster_name), common::Bytes(partitioner),
                         common::Bytes("DynamicEndpointSnitch")});
    return r;
  }

  // DESCRIBE TABLES / TYPES / FUNCTIONS / AGGREGATES: names only, in the current keyspace
  // when there is one, else in every keyspace.
  ResultMessage listing(DescribeStatement::Kind kind) const {
    std::vector<const KeyspaceDef*> keyspaces;
    if (!ctx_.state.keyspace.empty()) {
      keyspaces.push_back(&keyspace(ctx_.state.keyspace));
    } else {
      for (const auto& name : sorted_names(schema_.keyspaces))
        keyspaces.push_back(schema_.keyspaces.at(name).get());
    }
    std::vector<Element> out;
    for (const KeyspaceDef* ks : keyspaces) {
      if (kind == DescribeStatement::Kind::kTables) {
        for (const auto& name : sorted_names(ks->tables)) {
          if (!ks->tables.at(name)->view) out.push_back(Element{ks->name, "table", name, ""});
        }
      } else if (kind == DescribeStatement::Kind::kTypes) {
        for (const auto& name : sorted_names(ks->types)) out.push_back(Element{ks->name, "type", name, ""});
      }
    }
    return element_rows(out, false);
  }

  ResultMessage table(const std::string& ks_name, const std::string& name) const {
    const KeyspaceDef& ks = keyspace_or_current(ks_name);
    auto t = ks.find_table(name);
    if (!t) throw_invalid("Table '" + name + "' not found in keyspace '" + ks.name + "'");
    std::vector<Element> out;
    if (t->view) {
      out.push_back(view_element(*t, s_.with_internals));
    } else {
      table_elements(ks, *t, s_.with_internals, out);
    }
    return element_rows(out, true);
  }

  ResultMessage type(const std::string& ks_name, const std::string& name) const {
    const KeyspaceDef& ks = keyspace_or_current(ks_name);
    auto t = ks.find_type(name);
    if (!t) throw_invalid("User defined type '" + name + "' not found in '" + ks.name + "'");
    return element_rows({Element{ks.name, "type", name, type_cql(ks.name, *t)}}, true);
  }

  // DESCRIBE <name>: a keyspace, else a table (or type) of the named or current keyspace.
  ResultMessage generic() const {
    const std::string& name = s_.name.name;
    std::string ks_name = s_.name.keyspace;
    if (ks_name.empty()) {
      if (auto ks = schema_.find_keyspace(name)) {
        std::vector<Element> out;
        keyspace_elements(*ks, false, s_.with_internals, out);
        return element_rows(out, true);
      }
      ks_name = ctx_.state.keyspace.empty() ? name : ctx_.state.keyspace;
    }
    const KeyspaceDef& ks = keyspace(ks_name);
    if (ks.find_table(name)) return table(ks.name, name);
    if (ks.find_type(name)) return type(ks.name, name);
    if (auto t = schema::table_of_index(ks, name)) {
      for (const auto& i : t->indexes) {
        if (i.name == name) return element_rows({index_element(*t, i)}, true);
      }
    }
    throw_invalid("'" + name + "' not found in keyspace '" + ks.name + "'");
  }

  const DescribeStatement& s_;
  ExecContext& ctx_;
  const schema::Schema& schema_;
};

}  // namespace

ResultMessage execute_describe(const DescribeStatement& s, ExecContext& ctx) {
  return Describer(s, ctx).run();
}

}  // namespace krill::cql
