// COPY: statement dispatch, the table's columns, and COPY FROM (CSV -> prepared INSERTs
// sent as unlogged batches, MAXREQUESTS in flight).
//
// The shell thread reads and converts the CSV and encodes each batch; the io thread only
// queues the encoded frame and reports the reply back through a completion queue, so all
// bookkeeping (retries, splitting a failed batch into rows, error lines) stays on the shell
// thread.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "common/error.h"
#include "tools/shell/convert.h"
#include "tools/shell/format.h"
#include "tools/shell/shell_internal.h"

namespace krill::tools::shell {

namespace {

using Clock = std::chrono::steady_clock;
using client::Opcode;

std::string quote_literal(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    out.push_back(c);
    if (c == '\'') out.push_back('\'');
  }
  return out + "'";
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Rows of one request: their CSV lines and values.
struct PendingBatch {
  std::vector<long> lines;
  std::vector<std::vector<std::optional<common::Bytes>>> rows;
  int attempts = 0;
};

struct Completion {
  uint64_t tag = 0;
  bool ok = false;
  bool retryable = false;
  bool connection_lost = false;
  std::string error;
};

// Receives replies on the io thread and queues them for the shell thread.
class CompletionQueue : public client::ResponseHandler {
 public:
  void on_reply(uint64_t tag, const client::Reply& reply) override {
    Completion c;
    c.tag = tag;
    if (!reply.ok()) {
      c.connection_lost = true;
      c.error = std::string(reply.failure);
    } else if (reply.header->opcode == Opcode::kError) {
      try {
        const client::ErrorInfo e = client::decode_error(reply.body);
        c.retryable = e.code == 0x1001 || e.code == 0x1100 || e.code == 0x1002;
        char code[16];
        std::snprintf(code, sizeof code, "%04x", static_cast<unsigned>(e.code));
        c.error = std::string(client::error_class_name(e.code)) + ": Error from server: code=" + code + " [" +
                  client::error_summary(e.code) + "] message=\"" + e.message + "\"";
      } catch (const common::CqlError& e) {
        c.error = e.what();
      }
    } else {
      c.ok = true;
    }
    push(std::move(c));
  }

  void push(Completion c) {
    {
      std::lock_guard lock(mu_);
      done_.push_back(std::move(c));
    }
    cv_.notify_one();
  }

  // Waits up to `timeout` for completions and takes them all.
  std::deque<Completion> take(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [this] { return !done_.empty(); });
    std::deque<Completion> out;
    out.swap(done_);
    return out;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Completion> done_;
};

}  // namespace

std::string Shell::table_columns(const std::string& keyspace, const std::string& table,
                                 std::vector<TableColumn>& out) {
  const Response r = send_query(
      "SELECT column_name, kind, position, type FROM system_schema.columns WHERE keyspace_name = " +
          quote_literal(keyspace) + " AND table_name = " + quote_literal(table),
      0, {});
  if (r.is_error()) return r.ok() ? client::describe_response(r.header, r.body) : r.failure;
  try {
    const client::RowsResult rows = client::decode_rows(r.body);
    for (const auto& row : rows.rows) {
      TableColumn c;
      c.name = row[0].value_or("");
      c.kind = row[1].value_or("");
      c.position = row[2] && row[2]->size() == 4 ? static_cast<int>(common::get_be32(row[2]->data())) : -1;
      c.type = row[3].value_or("");
      out.push_back(std::move(c));
    }
  } catch (const common::CqlError& e) {
    return e.what();
  }
  if (out.empty()) return "Table " + keyspace + "." + table + " does not exist";
  auto rank = [](const TableColumn& c) {
    return c.kind == "partition_key" ? 0 : c.kind == "clustering" ? 1 : 2;
  };
  std::sort(out.begin(), out.end(), [&](const TableColumn& a, const TableColumn& b) {
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    if (rank(a) < 2) return a.position < b.position;
    return a.name < b.name;
  });
  return "";
}

bool Shell::cmd_copy(const std::string& text) {
  CopyStatement st;
  if (const std::string err = parse_copy(text, st); !err.empty()) {
    report(err);
    return false;
  }
  if (st.keyspace.empty()) st.keyspace = keyspace_;
  if (st.keyspace.empty()) {
    report("COPY: no keyspace given and no current keyspace (write ks.table or USE ks first)");
    return false;
  }
  CopyOptions options;
  if (const std::string err = parse_copy_options(st, options); !err.empty()) {
    report(err);
    return false;
  }
  if (!ensure_connected()) return false;
  std::vector<TableColumn> all;
  if (const std::string err = table_columns(st.keyspace, st.table, all); !err.empty()) {
    report("COPY: " + err);
    return false;
  }
  std::vector<TableColumn> columns;
  if (st.columns.empty()) {
    columns = all;
  } else {
    for (const auto& name : st.columns) {
      auto it = std::find_if(all.begin(), all.end(), [&](const TableColumn& c) { return c.name == name; });
      if (it == all.end()) {
        report("COPY: table " + st.keyspace + "." + st.table + " has no column '" + name + "'");
        return false;
      }
      columns.push_back(*it);
    }
  }
  for (const auto& c : columns) {
    if (c.type == "counter") {
      report("COPY: counter columns are not supported by krill cql yet (" + c.name + ")");
      return false;
    }
  }
  return st.from ? copy_from(st, options, columns) : copy_to(st, options, columns);
}

bool Shell::copy_from(const CopyStatement& st, const CopyOptions& options,
                      const std::vector<TableColumn>& columns) {
  std::ostream& out = *io_.out;
  const std::string file_name = st.stdio ? "STDIN" : st.path;
  // Every primary key column must be imported.
  std::vector<bool> is_key;
  std::string names, marks;
  for (const auto& c : columns) {
    is_key.push_back(c.kind == "partition_key" || c.kind == "clustering");
    names += (names.empty() ? "" : ", ") + quote_identifier(c.name);
    marks += marks.empty() ? "?" : ", ?";
  }
  std::string insert = "INSERT INTO " + quote_identifier(st.keyspace) + "." + quote_identifier(st.table) +
                       " (" + names + ") VALUES (" + marks + ")";
  if (options.ttl >= 0) insert += " USING TTL " + std::to_string(options.ttl);
  common::Bytes prepare_body;
  common::put_be32(prepare_body, static_cast<uint32_t>(insert.size()));
  prepare_body += insert;
  const Response prepared_reply = session_.request(Opcode::kPrepare, std::move(prepare_body));
  if (prepared_reply.is_error()) {
    report_response(prepared_reply);
    return false;
  }
  client::PreparedStatement prepared;
  try {
    prepared = client::decode_prepared_statement(prepared_reply.body);
  } catch (const common::CqlError& e) {
    report(std::string("ProtocolError: ") + e.what());
    return false;
  }
  if (prepared.binds.size() != columns.size()) {
    report("COPY: the prepared INSERT has " + std::to_string(prepared.binds.size()) + " markers, expected " +
           std::to_string(columns.size()));
    return false;
  }

  std::ifstream file;
  std::istream* in = &std::cin;
  if (!st.stdio) {
    file.open(st.path, std::ios::binary);
    if (!file) {
      report("COPY: cannot open '" + st.path + "': " + std::strerror(errno));
      return false;
    }
    in = &file;
  }
  CsvReader reader(*in, options.dialect);
  std::vector<CsvField> fields;

  auto queue = std::make_unique<CompletionQueue>();
  std::map<uint64_t, PendingBatch> in_flight;
  uint64_t next_tag = 1;
  long imported = 0, parse_errors = 0, insert_errors = 0, sent_rows = 0;
  std::string fatal;
  const Clock::time_point start = Clock::now();
  Clock::time_point last_report = start;
  long last_report_rows = 0;
  bool progress_shown = false;

  auto row_error = [&](long line, const std::string& message) {
    report("Failed to import row at line " + std::to_string(line) + " of '" + file_name + "': " + message);
  };
  auto send = [&](PendingBatch batch) {
    const uint64_t tag = next_tag++;
    common::Bytes body;
    std::vector<std::vector<client::ValueRef>> refs(batch.rows.size());
    for (size_t r = 0; r < batch.rows.size(); ++r) {
      for (const auto& v : batch.rows[r])
        refs[r].push_back(v ? client::ValueRef{*v, false} : client::ValueRef{{}, true});
    }
    Opcode op = Opcode::kBatch;
    if (batch.rows.size() == 1) {
      op = Opcode::kExecute;
      client::QueryParams params;
      params.consistency = consistency_;
      params.values = refs[0];
      params.skip_metadata = true;
      client::append_execute(body, prepared.id, params);
    } else {
      std::vector<client::BatchStatement> statements;
      for (const auto& r : refs) statements.push_back(client::BatchStatement{prepared.id, r});
      client::append_batch(body, client::BatchType::kUnlogged, statements, consistency_, std::nullopt);
    }
    sent_rows += static_cast<long>(batch.rows.size());
    in_flight.emplace(tag, std::move(batch));
    CompletionQueue* q = queue.get();
    session_.post([this, q, tag, op, body = std::move(body)]() mutable {
      const bool started = session_.connection().start_request(
          op, [&](common::Bytes& frame) { frame.append(body); }, q, tag);
      if (!started) q->push(Completion{tag, false, false, true, "connection closed"});
    });
  };
  auto report_progress = [&](bool force) {
    if (!io_.interactive) return;
    const double since = seconds_since(last_report);
    if (!force && since < options.report_frequency) return;
    const double elapsed = std::max(seconds_since(start), 1e-6);
    char line[160];
    std::snprintf(line, sizeof line, "\rProcessed: %ld rows; Rate: %7.0f rows/s; Avg. rate: %7.0f rows/s",
                  imported, since > 0 ? static_cast<double>(imported - last_report_rows) / since : 0.0,
                  static_cast<double>(imported) / elapsed);
    out << line << std::flush;
    progress_shown = true;
    last_report = Clock::now();
    last_report_rows = imported;
  };
  auto drain = [&](std::chrono::milliseconds wait) {
    for (Completion& c : queue->take(wait)) {
      auto it = in_flight.find(c.tag);
      if (it == in_flight.end()) continue;
      PendingBatch batch = std::move(it->second);
      in_flight.erase(it);
      if (c.ok) {
        imported += static_cast<long>(batch.rows.size());
      } else if (c.connection_lost) {
        if (fatal.empty()) fatal = "connection lost: " + c.error;
      } else if (c.retryable && batch.attempts + 1 < options.max_attempts) {
        ++batch.attempts;
        std::this_thread::sleep_for(std::chrono::milliseconds(50 * batch.attempts));
        send(std::move(batch));
      } else if (batch.rows.size() > 1) {
        // Find the failing rows: resend each row on its own.
        for (size_t r = 0; r < batch.rows.size(); ++r) {
          PendingBatch one;
          one.lines.push_back(batch.lines[r]);
          one.rows.push_back(std::move(batch.rows[r]));
          send(std::move(one));
        }
      } else {
        ++insert_errors;
        row_error(batch.lines.empty() ? 0 : batch.lines[0], c.error);
      }
    }
    report_progress(false);
  };
  auto wait_for_slot = [&] {
    while (fatal.empty() && static_cast<long>(in_flight.size()) >= options.max_requests) {
      drain(std::chrono::milliseconds(100));
    }
  };

  long data_rows = 0;
  bool header_pending = options.header;
  long to_skip = options.skip_rows;
  PendingBatch batch;
  std::string stop_reason;
  for (;;) {
    if (!fatal.empty()) break;
    if (options.max_parse_errors >= 0 && parse_errors > options.max_parse_errors) {
      stop_reason = "Exceeded maximum number of parse errors " + std::to_string(options.max_parse_errors);
      break;
    }
    if (options.max_insert_errors >= 0 && insert_errors > options.max_insert_errors) {
      stop_reason = "Exceeded maximum number of insert errors " + std::to_string(options.max_insert_errors);
      break;
    }
    if (options.max_rows >= 0 && data_rows >= options.max_rows) break;
    const bool got = reader.next(fields);
    if (!got && reader.error().empty()) break;
    if (header_pending) {
      header_pending = false;
      continue;
    }
    if (to_skip > 0) {
      --to_skip;
      continue;
    }
    ++data_rows;
    const long line = reader.record_line();
    if (!got) {
      ++parse_errors;
      row_error(line, reader.error());
      continue;
    }
    if (fields.size() != columns.size()) {
      ++parse_errors;
      row_error(line, "expected " + std::to_string(columns.size()) + " fields, found " +
                          std::to_string(fields.size()));
      continue;
    }
    std::vector<std::optional<common::Bytes>> values(columns.size());
    std::string error;
    for (size_t c = 0; c < columns.size() && error.empty(); ++c) {
      const CsvField& f = fields[c];
      if (!f.quoted && f.text == options.null_text) {
        if (is_key[c]) error = "primary key column " + columns[c].name + " is null";
        continue;
      }
      try {
        values[c] = parse_field(prepared.binds[c].type, f.text);
      } catch (const std::exception& e) {
        error = "column " + columns[c].name + ": " + e.what();
      }
    }
    if (!error.empty()) {
      ++parse_errors;
      row_error(line, error);
      continue;
    }
    batch.lines.push_back(line);
    batch.rows.push_back(std::move(values));
    if (static_cast<long>(batch.rows.size()) >= options.max_batch_size) {
      wait_for_slot();
      if (options.ingest_rate > 0) {
        const double ahead =
            static_cast<double>(sent_rows) / static_cast<double>(options.ingest_rate) - seconds_since(start);
        if (ahead > 0) std::this_thread::sleep_for(std::chrono::duration<double>(ahead));
      }
      send(std::move(batch));
      batch = PendingBatch{};
    }
    if (data_rows % options.chunk_size == 0) drain(std::chrono::milliseconds(0));
  }
  if (!batch.rows.empty() && fatal.empty()) {
    wait_for_slot();
    send(std::move(batch));
  }
  // Wait for what is in flight; give up after a request timeout without any reply.
  Clock::time_point last_progress = Clock::now();
  while (!in_flight.empty() && fatal.empty()) {
    const size_t before = in_flight.size();
    const long before_imported = imported;
    drain(std::chrono::milliseconds(100));
    if (in_flight.size() != before || imported != before_imported) last_progress = Clock::now();
    if (Clock::now() - last_progress > session_.settings().request_timeout) {
      fatal = "timed out waiting for " + std::to_string(in_flight.size()) + " requests";
    }
  }
  if (!in_flight.empty()) {
    // Replies still owed to `queue`: drop the connection (and its handlers) before it goes.
    session_.connect(keyspace_);
  }
  report_progress(true);
  if (progress_shown) out << '\n';
  const double elapsed = std::max(seconds_since(start), 1e-6);
  char summary[200];
  std::snprintf(summary, sizeof summary, "%ld rows imported from 1 files in %.3f seconds (%.0f rows/s).",
                imported, elapsed, static_cast<double>(imported) / elapsed);
  out << summary << '\n';
  const long failed = parse_errors + insert_errors;
  if (failed > 0) {
    out << failed << " rows failed to import (" << parse_errors << " parse errors, " << insert_errors
        << " insert errors).\n";
  }
  out.flush();
  if (!stop_reason.empty()) report(stop_reason);
  if (!fatal.empty()) report("COPY FROM stopped: " + fatal);
  return failed == 0 && fatal.empty() && stop_reason.empty();
}

}  // namespace krill::tools::shell
