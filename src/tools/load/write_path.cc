// `krill load --write-path`: the same CSV rows sent through the normal write path as
// prepared INSERTs (EXECUTE, consistency ONE), many in flight per connection. Used to
// compare with the SST path and to watch the write rate as the table grows
// (--report-every N prints the rate of every N rows).
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

#include "common/bytes.h"
#include "tools/client/connection.h"
#include "tools/load/load_internal.h"

namespace krill::tools::load {

namespace asio = boost::asio;
using common::Bytes;
using common::Status;
using Clock = std::chrono::steady_clock;

namespace {

std::string quote_name(const std::string& n) {
  std::string out = "\"";
  for (char c : n) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// Sends the rows of queued chunks on the io thread, keeping every connection's streams busy.
class Feeder : public client::ResponseHandler {
 public:
  Feeder(std::vector<std::unique_ptr<client::Connection>>& conns, std::string id, size_t columns,
         int in_flight, uint64_t report_every)
      : conns_(conns),
        id_(std::move(id)),
        columns_(columns),
        in_flight_(in_flight),
        report_every_(report_every) {
    values_.resize(columns);
    interval_start_ = start_ = Clock::now();
  }

  // Called from the pipeline thread: queues a chunk of encoded rows, waiting while too
  // many are queued. Returns false once sending has failed.
  bool push(std::string rows, uint64_t count) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return queued_ < 4 || !error_.empty(); });
    if (!error_.empty()) return false;
    ++queued_;
    lock.unlock();
    asio::post(conns_[0]->io(), [this, rows = std::move(rows), count]() mutable {
      chunks_.push_back(Pending{std::move(rows), 0, count});
      pump();
    });
    return true;
  }

  // Called from the pipeline thread after the last push: waits until every row is answered.
  std::string finish() {
    asio::post(conns_[0]->io(), [this] {
      input_done_ = true;
      check_done();
    });
    return done_.get_future().get();
  }

  uint64_t completed() const { return completed_.load(); }
  double seconds() const { return std::chrono::duration<double>(end_ - start_).count(); }

  void on_reply(uint64_t, const client::Reply& r) override {
    --outstanding_;
    if (r.is_error() && first_error_.empty()) {
      first_error_ = r.ok() ? client::describe_response(*r.header, r.body) : std::string(r.failure);
      std::lock_guard lock(mu_);
      error_ = first_error_;
      cv_.notify_all();
    }
    const uint64_t n = completed_.fetch_add(1) + 1;
    if (report_every_ > 0 && n % report_every_ == 0) {
      const auto now = Clock::now();
      const double secs = std::chrono::duration<double>(now - interval_start_).count();
      std::printf("rows %llu-%llu: %.0f rows/s\n", static_cast<unsigned long long>(n - report_every_ + 1),
                  static_cast<unsigned long long>(n), secs > 0 ? report_every_ / secs : 0.0);
      std::fflush(stdout);
      interval_start_ = now;
    }
    pump();
  }

 private:
  struct Pending {
    std::string rows;
    size_t pos = 0;
    uint64_t count = 0;
  };

  void pump() {
    while (first_error_.empty() && !chunks_.empty()) {
      client::Connection* c = nullptr;
      for (size_t i = 0; i < conns_.size(); ++i) {
        auto& cand = conns_[(next_conn_ + i) % conns_.size()];
        if (cand->open() && cand->in_flight() < in_flight_ && cand->free_streams() > 0) {
          c = cand.get();
          next_conn_ = (next_conn_ + i + 1) % conns_.size();
          break;
        }
      }
      if (c == nullptr) break;
      Pending& p = chunks_.front();
      // Decode one row's values: [int32 length | -1] bytes, per column.
      for (size_t i = 0; i < columns_; ++i) {
        int32_t len = static_cast<int32_t>(common::get_be32(p.rows.data() + p.pos));
        p.pos += 4;
        if (len < 0) {
          values_[i] = client::ValueRef{{}, true};
        } else {
          values_[i] =
              client::ValueRef{std::string_view(p.rows).substr(p.pos, static_cast<size_t>(len)), false};
          p.pos += static_cast<size_t>(len);
        }
      }
      c->start_request(
          client::Opcode::kExecute,
          [&](Bytes& out) {
            client::append_execute_body(out, id_, client::Consistency::kOne, values_, true);
          },
          this, 0);
      ++outstanding_;
      if (p.pos >= p.rows.size()) {
        chunks_.pop_front();
        std::lock_guard lock(mu_);
        --queued_;
        cv_.notify_all();
      }
    }
    if (!first_error_.empty()) {
      chunks_.clear();
    }
    check_done();
  }

  void check_done() {
    if (input_done_ && outstanding_ == 0 && (chunks_.empty() || !first_error_.empty()) && !finished_) {
      finished_ = true;
      end_ = Clock::now();
      done_.set_value(first_error_);
    }
  }

  std::vector<std::unique_ptr<client::Connection>>& conns_;
  std::string id_;
  size_t columns_;
  int in_flight_;
  uint64_t report_every_;
  std::vector<client::ValueRef> values_;
  std::deque<Pending> chunks_;  // io thread only
  size_t next_conn_ = 0;
  int64_t outstanding_ = 0;
  bool input_done_ = false;
  bool finished_ = false;
  std::string first_error_;
  std::atomic<uint64_t> completed_{0};
  Clock::time_point start_, interval_start_, end_;
  std::promise<std::string> done_;
  std::mutex mu_;  // guards queued_ and error_ (shared with the pipeline thread)
  std::condition_variable cv_;
  int queued_ = 0;
  std::string error_;
};

}  // namespace

int run_write_path_load(const LoadOptions& o, const cql::InsertEncoder& encoder) {
  asio::io_context io;
  auto guard = asio::make_work_guard(io);
  std::thread io_thread([&io] { io.run(); });
  std::vector<std::unique_ptr<client::Connection>> conns;
  auto stop_io = [&] {
    asio::post(io, [&] {
      for (auto& c : conns) c->close();
    });
    guard.reset();
    io_thread.join();
  };
  std::string error;
  for (int i = 0; i < o.connections && error.empty(); ++i) {
    conns.push_back(std::make_unique<client::Connection>(io, std::min(o.in_flight, 32768)));
    std::promise<std::string> connected;
    auto& c = *conns.back();
    asio::post(io, [&] {
      c.connect(o.cql_host, o.cql_port, [&](std::string e) { connected.set_value(std::move(e)); });
    });
    error = connected.get_future().get();
  }
  std::string id;
  if (error.empty()) {
    std::string cols, marks;
    for (const auto* c : encoder.columns()) {
      cols += (cols.empty() ? "" : ", ") + quote_name(c->name);
      marks += marks.empty() ? "?" : ", ?";
    }
    const std::string cql = "INSERT INTO " + quote_name(encoder.table().keyspace) + "." +
                            quote_name(encoder.table().name) + " (" + cols + ") VALUES (" + marks + ")";
    for (auto& c : conns) {
      Bytes body;
      client::append_prepare_body(body, cql);
      auto r = c->call(client::Opcode::kPrepare, std::move(body));
      if (!r.failure.empty()) {
        error = r.failure;
      } else if (r.header.opcode != client::Opcode::kResult) {
        error = "PREPARE: " + client::describe_response(r.header, r.body);
      } else {
        id = client::decode_prepared(r.body).id;
      }
      if (!error.empty()) break;
    }
  }
  if (!error.empty()) {
    stop_io();
    std::fprintf(stderr, "krill load: %s\n", error.c_str());
    return 1;
  }
  Progress progress;
  progress.phase = "writing";
  ProgressPrinter printer(progress, o.progress);
  Feeder feeder(conns, id, encoder.columns().size(), o.in_flight, o.report_every);
  auto parse = [&](size_t i, std::string_view text) { return encoder.parse_field(i, text); };
  auto encode = [](std::vector<std::optional<Bytes>>& values, std::string& out) {
    for (auto& v : values) {
      common::put_be32(out, v ? static_cast<uint32_t>(v->size()) : 0xffffffffu);
      if (v) out += *v;
    }
  };
  uint64_t rows = 0;
  Status st = run_pipeline(o.pipeline, o.field_names, parse, encode, [&](ChunkResult& r) -> Status {
    rows += r.rows;
    progress.rows.store(feeder.completed());
    progress.bytes.fetch_add(r.bytes);
    if (r.rows > 0 && !feeder.push(std::move(r.out), r.rows)) return Status::error("write failed");
    return Status::ok();
  });
  std::string send_error = feeder.finish();
  printer.stop();
  stop_io();
  if (!send_error.empty()) {
    std::fprintf(stderr, "krill load: write failed after %llu rows: %s\n",
                 static_cast<unsigned long long>(feeder.completed()), send_error.c_str());
    return 1;
  }
  if (!st.is_ok()) {
    std::fprintf(stderr, "krill load: %s\n(%llu rows before it were written)\n", st.message().c_str(),
                 static_cast<unsigned long long>(feeder.completed()));
    return 1;
  }
  const double secs = feeder.seconds();
  std::printf("Wrote %llu rows into %s.%s through the write path in %.1f s (%.0f rows/s)\n",
              static_cast<unsigned long long>(rows), encoder.table().keyspace.c_str(),
              encoder.table().name.c_str(), secs, secs > 0 ? rows / secs : 0.0);
  return 0;
}

}  // namespace krill::tools::load
