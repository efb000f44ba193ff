#include "cql/properties.h"

#include <cerrno>
#include <cstdlib>

#include "common/error.h"

namespace krill::cql {

using common::CqlError;
using common::ErrorCode;

namespace {

std::string scalar_text(const Term& t, const std::string& name) {
  switch (t.kind) {
    case Term::Kind::kString:
    case Term::Kind::kInteger:
    case Term::Kind::kFloat:
    case Term::Kind::kBoolean:
      return t.text;
    default:
      throw CqlError(ErrorCode::kSyntaxError, "Invalid value for property '" + name + "'");
  }
}

}  // namespace

std::map<std::string, std::string> property_map(const Property& p) {
  if (!p.value || (p.value->kind != Term::Kind::kMap &&
                   !(p.value->kind == Term::Kind::kSet && p.value->elements.empty()))) {
    throw CqlError(ErrorCode::kSyntaxError, "Invalid value for property '" + p.name + "': expected a map");
  }
  std::map<std::string, std::string> m;
  const auto& e = p.value->elements;
  for (size_t i = 0; i + 1 < e.size(); i += 2) {
    std::string key = scalar_text(*e[i], p.name);
    m[key] = scalar_text(*e[i + 1], p.name);
  }
  return m;
}

std::string property_string(const Property& p) {
  if (!p.value) throw CqlError(ErrorCode::kSyntaxError, "Missing value for property '" + p.name + "'");
  return scalar_text(*p.value, p.name);
}

bool property_bool(const Property& p) {
  std::string v = property_string(p);
  for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (v == "true") return true;
  if (v == "false") return false;
  throw CqlError(ErrorCode::kSyntaxError, "Invalid boolean value " + v + " for '" + p.name + "'");
}

double property_double(const Property& p) {
  std::string v = property_string(p);
  char* end = nullptr;
  errno = 0;
  double d = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || errno != 0) {
    throw CqlError(ErrorCode::kSyntaxError, "Invalid double value " + v + " for '" + p.name + "'");
  }
  return d;
}

int32_t property_int(const Property& p) {
  std::string v = property_string(p);
  char* end = nullptr;
  errno = 0;
  long long n = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || errno != 0 || n < INT32_MIN || n > INT32_MAX) {
    throw CqlError(ErrorCode::kSyntaxError, "Invalid integer value " + v + " for '" + p.name + "'");
  }
  return static_cast<int32_t>(n);
}

void apply_table_properties(schema::TableParams& t, const std::vector<Property>& props) {
  auto config = [](const std::string& msg) { return CqlError(ErrorCode::kConfigError, msg); };
  for (const auto& p : props) {
    const std::string& n = p.name;
    if (n == "comment") {
      t.comment = property_string(p);
    } else if (n == "gc_grace_seconds") {
      t.gc_grace_seconds = property_int(p);
      if (t.gc_grace_seconds < 0)
        throw config("gc_grace_seconds must be greater than or equal to 0 (got " +
                     std::to_string(t.gc_grace_seconds) + ")");
    } else if (n == "default_time_to_live") {
      t.default_time_to_live = property_int(p);
      if (t.default_time_to_live < 0)
        throw config("default_time_to_live must be greater than or equal to 0 (got " +
                     std::to_string(t.default_time_to_live) + ")");
      if (t.default_time_to_live > 630720000)
        throw config("default_time_to_live must be less than or equal to 630720000 (got " +
                     std::to_string(t.default_time_to_live) + ")");
    } else if (n == "bloom_filter_fp_chance") {
      t.bloom_filter_fp_chance = property_double(p);
      if (t.bloom_filter_fp_chance <= 0 || t.bloom_filter_fp_chance > 1)
        throw config("bloom_filter_fp_chance must be larger than 0 and less than or equal to 1.0");
    } else if (n == "crc_check_chance") {
      t.crc_check_chance = property_double(p);
      if (t.crc_check_chance < 0 || t.crc_check_chance > 1)
        throw config("crc_check_chance should be between 0.0 and 1.0");
    } else if (n == "caching") {
      t.caching = property_map(p);
    } else if (n == "compaction") {
      auto m = property_map(p);
      if (!m.count("class")) throw config("Missing sub-option 'class' for the 'compaction' option.");
      if (m["class"].find('.') == std::string::npos)
        m["class"] = "org.apache.cassandra.db.compaction." + m["class"];
      if (auto err = schema::validate_compaction(m); !err.empty()) throw config(err);
      t.compaction = m;
    } else if (n == "compression") {
      auto m = property_map(p);
      if (m.count("sstable_compression")) {
        m["class"] = m["sstable_compression"];
        m.erase("sstable_compression");
      }
      if (m.count("class") && !m["class"].empty() && m["class"].find('.') == std::string::npos) {
        m["class"] = "org.apache.cassandra.io.compress." + m["class"];
      }
      t.compression = m;
    } else if (n == "memtable_flush_period_in_ms") {
      t.memtable_flush_period_in_ms = property_int(p);
    } else if (n == "min_index_interval") {
      t.min_index_interval = property_int(p);
    } else if (n == "max_index_interval") {
      t.max_index_interval = property_int(p);
    } else if (n == "speculative_retry") {
      t.speculative_retry = property_string(p);
    } else if (n == "additional_write_policy") {
      t.additional_write_policy = property_string(p);
    } else if (n == "read_repair") {
      t.read_repair = property_string(p);
    } else if (n == "cdc") {
      t.cdc = property_bool(p);
    } else if (n == "dclocal_read_repair_chance" || n == "read_repair_chance") {
      // Removed in Cassandra 4.0; accepted and ignored for old scripts.
    } else {
      throw CqlError(ErrorCode::kSyntaxError, "Unknown property '" + n + "'");
    }
  }
}

}  // namespace krill::cql
