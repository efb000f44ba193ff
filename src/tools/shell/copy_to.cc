// COPY TO: pages through SELECT cols FROM ks.t and writes CSV, fetching the next page
// while the current one is written.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <future>
#include <iostream>

#include "common/error.h"
#include "tools/shell/format.h"
#include "tools/shell/shell_internal.h"

namespace krill::tools::shell {

namespace {

using Clock = std::chrono::steady_clock;
using client::Opcode;

}  // namespace

bool Shell::copy_to(const CopyStatement& st, const CopyOptions& options,
                    const std::vector<TableColumn>& columns) {
  std::ofstream file;
  std::ostream* csv = &std::cout;
  if (!st.stdio) {
    file.open(st.path, std::ios::binary | std::ios::trunc);
    if (!file) {
      report("COPY: cannot open '" + st.path + "' for writing: " + std::strerror(errno));
      return false;
    }
    csv = &file;
  }
  // The summary must not mix with CSV written to stdout.
  std::ostream& out = st.stdio ? *io_.err : *io_.out;
  std::string names;
  std::string header;
  for (const auto& c : columns) {
    names += (names.empty() ? "" : ", ") + quote_identifier(c.name);
    if (!header.empty()) header.push_back(options.dialect.delimiter);
    append_csv_field(header, c.name, options.dialect);
  }
  const std::string query =
      "SELECT " + names + " FROM " + quote_identifier(st.keyspace) + "." + quote_identifier(st.table);
  FormatOptions format;
  format.escape_control = false;
  format.round_trip = options.float_precision < 0 && options.double_precision < 0;
  if (options.float_precision > 0) format.float_precision = options.float_precision;
  if (options.double_precision > 0) format.double_precision = options.double_precision;

  auto page_request = [&](const std::optional<common::Bytes>& state) {
    common::Bytes body;
    client::QueryParams params;
    params.consistency = consistency_;
    params.page_size = static_cast<int32_t>(options.page_size);
    params.paging_state = state;
    client::append_query(body, query, params);
    return session_.connection().call_async(Opcode::kQuery, std::move(body));
  };
  const Clock::time_point start = Clock::now();
  Clock::time_point last_report = start;
  bool progress_shown = false;
  long exported = 0;
  std::string failure;
  if (options.header) *csv << header << '\n';
  std::future<client::OwnedReply> pending = page_request(std::nullopt);
  std::string buffer;
  for (;;) {
    if (pending.wait_for(session_.settings().request_timeout) != std::future_status::ready) {
      failure = "OperationTimedOut: a page took longer than the request timeout";
      session_.connect(keyspace_);  // drop the late reply with the connection
      break;
    }
    client::OwnedReply reply = pending.get();
    if (!reply.failure.empty() || reply.header.opcode == Opcode::kError) {
      Response r;
      r.failure = reply.failure;
      r.header = reply.header;
      r.body = std::move(reply.body);
      report_response(r);
      failure = "-";
      if (!r.ok()) session_.connect(keyspace_);
      break;
    }
    client::RowsResult page;
    try {
      page = client::decode_rows(reply.body);
    } catch (const common::CqlError& e) {
      failure = std::string("ProtocolError: ") + e.what();
      break;
    }
    const bool limit_reached =
        options.max_rows >= 0 && exported + static_cast<long>(page.rows.size()) >= options.max_rows;
    if (page.paging_state && !limit_reached) pending = page_request(page.paging_state);
    buffer.clear();
    for (const auto& row : page.rows) {
      if (options.max_rows >= 0 && exported >= options.max_rows) break;
      for (size_t c = 0; c < row.size(); ++c) {
        if (c > 0) buffer.push_back(options.dialect.delimiter);
        if (!row[c]) {
          buffer += options.null_text;
          continue;
        }
        const std::string text = c < page.columns.size() ? format_value(page.columns[c].type, *row[c], format)
                                                         : "0x" + common::to_hex(*row[c]);
        append_csv_field(buffer, text, options.dialect, text == options.null_text);
      }
      buffer.push_back('\n');
      ++exported;
    }
    csv->write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (!*csv) {
      failure = "COPY: write to '" + (st.stdio ? std::string("STDOUT") : st.path) + "' failed";
      if (page.paging_state && !limit_reached) pending.wait_for(session_.settings().request_timeout);
      break;
    }
    if (io_.interactive && !st.stdio &&
        std::chrono::duration<double>(Clock::now() - last_report).count() >= options.report_frequency) {
      const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
      char line[120];
      std::snprintf(line, sizeof line, "\rProcessed: %ld rows; Avg. rate: %7.0f rows/s", exported,
                    elapsed > 0 ? static_cast<double>(exported) / elapsed : 0.0);
      out << line << std::flush;
      progress_shown = true;
      last_report = Clock::now();
    }
    if (!page.paging_state || limit_reached) break;
  }
  csv->flush();
  if (progress_shown) out << '\n';
  if (!failure.empty() && failure != "-") report(failure);
  const double elapsed = std::max(std::chrono::duration<double>(Clock::now() - start).count(), 1e-6);
  char summary[200];
  std::snprintf(summary, sizeof summary, "%ld rows exported to 1 files in %.3f seconds (%.0f rows/s).",
                exported, elapsed, static_cast<double>(exported) / elapsed);
  out << summary << std::endl;
  return failure.empty();
}

}  // namespace krill::tools::shell
