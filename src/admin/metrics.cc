#include "admin/metrics.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace krill::admin {

namespace {

const char* kOpcodeNames[Metrics::kOpcodes] = {
    "ERROR",     "STARTUP", "READY",          "AUTHENTICATE",  "0x04",        "OPTIONS",
    "SUPPORTED", "QUERY",   "RESULT",         "PREPARE",       "EXECUTE",     "REGISTER",
    "EVENT",     "BATCH",   "AUTH_CHALLENGE", "AUTH_RESPONSE", "AUTH_SUCCESS"};

// Appends the exposition of one family: # HELP, # TYPE, then samples added by the caller.
void family(std::string& out, const char* name, const char* type, const char* help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void sample(std::string& out, const char* name, const std::string& labels, uint64_t v) {
  out += name;
  if (!labels.empty()) out += "{" + labels + "}";
  out += ' ';
  out += std::to_string(v);
  out += '\n';
}

void sample_double(std::string& out, const std::string& name, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  out += name;
  out += ' ';
  out += buf;
  out += '\n';
}

// A histogram in seconds, like ScyllaDB's latency histograms.
void histogram(std::string& out, const char* name, const char* help, const Histogram& h) {
  family(out, name, "histogram", help);
  uint64_t cumulative = 0;
  char le[32];
  for (size_t i = 0; i < Histogram::kBoundsMicros.size(); ++i) {
    cumulative += h.bucket(i);
    std::snprintf(le, sizeof le, "%g", static_cast<double>(Histogram::kBoundsMicros[i]) / 1e6);
    out += std::string(name) + "_bucket{le=\"" + le + "\"} " + std::to_string(cumulative) + "\n";
  }
  cumulative += h.bucket(Histogram::kBoundsMicros.size());
  out += std::string(name) + "_bucket{le=\"+Inf\"} " + std::to_string(cumulative) + "\n";
  sample_double(out, std::string(name) + "_sum", static_cast<double>(h.sum_micros()) / 1e6);
  out += std::string(name) + "_count " + std::to_string(cumulative) + "\n";
}

}  // namespace

uint64_t read_rss_bytes() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long long size = 0, resident = 0;
  int n = std::fscanf(f, "%llu %llu", &size, &resident);
  std::fclose(f);
  if (n != 2) return 0;
  long page = sysconf(_SC_PAGESIZE);
  return resident * static_cast<uint64_t>(page > 0 ? page : 4096);
}

std::string render_prometheus(const Metrics& m, const ProcessSample& p) {
  std::string out;
  out.reserve(8192);
  family(out, "scylla_transport_requests_served", "counter", "CQL requests served.");
  sample(out, "scylla_transport_requests_served", "", m.requests_served.value());
  family(out, "scylla_transport_cql_requests_count", "counter", "CQL requests by opcode.");
  for (size_t i = 0; i < Metrics::kOpcodes; ++i) {
    // Request opcodes are always present (0 included); others only if a client sent them.
    const bool request =
        i == 0x01 || i == 0x05 || i == 0x07 || i == 0x09 || i == 0x0A || i == 0x0B || i == 0x0D || i == 0x0F;
    if (!request && m.requests_by_opcode[i].value() == 0) continue;
    sample(out, "scylla_transport_cql_requests_count", std::string("kind=\"") + kOpcodeNames[i] + "\"",
           m.requests_by_opcode[i].value());
  }
  family(out, "krill_transport_requests_inline_total", "counter",
         "EXECUTEs answered on the reactor that read them (native_transport_inline_execution).");
  sample(out, "krill_transport_requests_inline_total", "", m.requests_inline.value());
  family(
      out, "krill_transport_requests_deferred_total", "counter",
      "EXECUTEs tried on a reactor that would have waited (disk, stall, lock) and ran on the request pool.");
  sample(out, "krill_transport_requests_deferred_total", "", m.requests_deferred.value());
  family(out, "scylla_transport_current_connections", "gauge", "CQL connections currently open.");
  sample(out, "scylla_transport_current_connections", "",
         static_cast<uint64_t>(std::max<int64_t>(0, m.current_connections.value())));
  family(out, "scylla_transport_connections_total", "counter", "CQL connections accepted.");
  sample(out, "scylla_transport_connections_total", "", m.connections_total.value());
  family(out, "scylla_transport_cql_errors_total", "counter", "CQL errors returned, by error type.");
  for (size_t i = 0; i < kErrorTypes.size(); ++i) {
    sample(out, "scylla_transport_cql_errors_total", std::string("type=\"") + kErrorTypes[i].name + "\"",
           m.errors[i].value());
  }
  sample(out, "scylla_transport_cql_errors_total", "type=\"unknown\"", m.errors[kErrorTypes.size()].value());
  histogram(out, "scylla_transport_cql_request_latency_histogram", "CQL request latency in seconds.",
            m.request_latency);

  family(out, "scylla_cql_reads", "counter", "SELECT statements.");
  sample(out, "scylla_cql_reads", "", m.reads.value());
  family(out, "scylla_cql_inserts", "counter", "INSERT statements.");
  sample(out, "scylla_cql_inserts", "", m.inserts.value());
  family(out, "scylla_cql_updates", "counter", "UPDATE statements.");
  sample(out, "scylla_cql_updates", "", m.updates.value());
  family(out, "scylla_cql_deletes", "counter", "DELETE statements.");
  sample(out, "scylla_cql_deletes", "", m.deletes.value());
  family(out, "scylla_cql_batches", "counter", "BATCH requests and statements.");
  sample(out, "scylla_cql_batches", "", m.batches.value());
  histogram(out, "scylla_storage_proxy_coordinator_read_latency", "Read latency in seconds.", m.read_latency);
  histogram(out, "scylla_storage_proxy_coordinator_write_latency", "Write latency in seconds.",
            m.write_latency);

  family(out, "krill_http_requests_total", "counter", "HTTP requests served.");
  sample(out, "krill_http_requests_total", "", m.http_requests.value());
  family(out, "krill_http_current_connections", "gauge", "HTTP connections open.");
  sample(out, "krill_http_current_connections", "",
         static_cast<uint64_t>(std::max<int64_t>(0, m.http_connections.value())));
  family(out, "krill_memory_budget_bytes", "gauge", "Configured memory budget (--memory).");
  sample(out, "krill_memory_budget_bytes", "", p.memory_budget_bytes);
  family(out, "krill_process_resident_memory_bytes", "gauge", "Resident set size of the process.");
  sample(out, "krill_process_resident_memory_bytes", "", p.rss_bytes);
  family(out, "krill_storage_live_data_bytes", "gauge", "Approximate bytes of table data on disk.");
  sample(out, "krill_storage_live_data_bytes", "", p.live_data_bytes);
  family(out, "krill_ready", "gauge", "1 when CQL accepts connections and the node is not draining.");
  sample(out, "krill_ready", "", p.ready ? 1 : 0);
  family(out, "krill_uptime_seconds", "gauge", "Seconds since the node started.");
  sample_double(out, "krill_uptime_seconds",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - m.started).count());
  return out;
}

}  // namespace krill::admin
