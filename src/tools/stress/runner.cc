// The `krill stress` load loop (see runner.h).
#include "tools/stress/runner.h"

#include <boost/asio/post.hpp>
#include <future>
#include <thread>

#include "common/error.h"
#include "tools/stress/report.h"

namespace krill::tools::stress {

namespace asio = boost::asio;
using client::Opcode;

namespace {

constexpr size_t kMaxErrorsKept = 5;
constexpr double kStallSeconds = 30;  // no completion for this long: give up
constexpr double kDrainSeconds = 30;  // after stopping, in-flight requests get this long

// Connects `c` on its io thread and waits. Returns "" or the error.
std::string connect_sync(client::Connection& c, const std::string& host, uint16_t port) {
  std::promise<std::string> done;
  auto result = done.get_future();
  asio::post(c.io(), [&] { c.connect(host, port, [&](std::string e) { done.set_value(std::move(e)); }); });
  return result.get();
}

// Runs a QUERY; returns "" or a description of the failure.
std::string query_sync(client::Connection& c, const std::string& cql) {
  common::Bytes body;
  client::append_query_body(body, cql, client::Consistency::kOne, {});
  const client::OwnedReply r = c.call(Opcode::kQuery, std::move(body));
  if (!r.failure.empty()) return cql + ": " + r.failure;
  if (r.header.opcode != Opcode::kResult) return cql + ": " + client::describe_response(r.header, r.body);
  return "";
}

// PREPAREs `cql`; returns the id, or "" with `error` set.
std::string prepare_sync(client::Connection& c, const std::string& cql, std::string& error) {
  common::Bytes body;
  client::append_prepare_body(body, cql);
  const client::OwnedReply r = c.call(Opcode::kPrepare, std::move(body));
  if (!r.failure.empty()) {
    error = "PREPARE " + cql + ": " + r.failure;
    return "";
  }
  if (r.header.opcode != Opcode::kResult) {
    error = "PREPARE " + cql + ": " + client::describe_response(r.header, r.body);
    return "";
  }
  try {
    return client::decode_prepared(r.body).id;
  } catch (const common::CqlError& e) {
    error = "PREPARE " + cql + ": " + e.what();
    return "";
  }
}

const char* op_name(Command c) {
  switch (c) {
    case Command::kWrite:
      return "WRITE";
    case Command::kRead:
      return "READ";
    case Command::kMixed:
      return "MIXED";
  }
  return "";
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Worker

Worker::Worker(RunShared& shared, int index, int max_in_flight, double rate)
    : shared_(shared),
      guard_(io_.get_executor()),
      timer_(io_),
      keys_(shared.o.effective_population(), 0x5EED0000ull + static_cast<uint64_t>(index)),
      rng_(0xC0FFEEull + static_cast<uint64_t>(index)),
      max_in_flight_(max_in_flight),
      rate_(rate),
      key_buf_(kKeySize, '0'),
      value_buf_(static_cast<size_t>(shared.o.columns) * shared.o.col_size_max, '\0') {
  values_.resize(static_cast<size_t>(shared.o.columns) + 1);
}

Worker::~Worker() = default;

client::Connection& Worker::add_connection(int node) {
  const int per_conn = std::min(1024, std::max(1, max_in_flight_));
  conns_.emplace_back(std::make_unique<client::Connection>(io_, per_conn), node);
  return *conns_.back().first;
}

void Worker::begin() {
  asio::post(io_, [this] { pump(); });
}

void Worker::finish() {
  asio::post(io_, [this] {
    finishing_ = true;
    timer_.cancel();
    check_done();
  });
}

void Worker::abort() {
  asio::post(io_, [this] {
    finishing_ = true;
    timer_.cancel();
    for (auto& [c, node] : conns_) c->close();
    check_done();
  });
}

Clock::time_point Worker::done_at() const { return done_at_; }

int64_t Worker::since_start_ns(Clock::time_point t) const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t - shared_.start).count();
}

std::vector<std::string> Worker::collect(Histogram& into, WorkerStats& stats) {
  std::lock_guard lock(mu_);
  into.merge(interval_);
  interval_.reset();
  stats.ops += stats_.ops;
  stats.partitions += stats_.partitions;
  stats.rows += stats_.rows;
  stats.errors += stats_.errors;
  stats_ = WorkerStats{};
  return std::exchange(errors_, {});
}

void Worker::check_done() {
  if (done_.load()) return;
  bool any_open = false;
  for (auto& [c, node] : conns_) any_open = any_open || c->open();
  const bool no_more = finishing_ || !any_open || shared_.stop.load(std::memory_order_relaxed) ||
                       shared_.issued.load(std::memory_order_relaxed) >= shared_.limit;
  if (!no_more || in_flight_ > 0) return;
  timer_.cancel();
  for (auto& [c, node] : conns_) c->close();
  done_at_ = Clock::now();
  done_.store(true);
  guard_.reset();  // io_.run() returns once the closed sockets' handlers have run
}

bool Worker::issue(Clock::time_point start, bool same_connection) {
  // Pick an open connection with a free stream, round robin.
  client::Connection* conn = nullptr;
  int node = 0;
  if (same_connection) next_conn_ = (next_conn_ + conns_.size() - 1) % conns_.size();
  for (size_t tries = 0; tries < conns_.size(); ++tries) {
    auto& [c, n] = conns_[next_conn_];
    next_conn_ = (next_conn_ + 1) % conns_.size();
    if (c->open() && c->free_streams() > 0) {
      conn = c.get();
      node = n;
      break;
    }
  }
  if (conn == nullptr) return false;
  const uint64_t seq = shared_.issued.fetch_add(1, std::memory_order_relaxed);
  if (seq >= shared_.limit) return false;

  const Options& o = shared_.o;
  bool write = o.command == Command::kWrite;
  if (o.command == Command::kMixed) {
    std::uniform_real_distribution<double> pick(0.0, o.write_ratio + o.read_ratio);
    write = pick(rng_) < o.write_ratio;
  }
  const uint64_t key = keys_.next(seq);
  format_key(key, key_buf_.data());
  values_[0] = client::ValueRef{key_buf_};
  size_t nvalues = 1;
  if (write) {
    size_t offset = 0;
    for (int c = 0; c < o.columns; ++c) {
      size_t size = o.col_size_min;
      if (o.col_size_max > o.col_size_min) {
        size = std::uniform_int_distribution<size_t>(o.col_size_min, o.col_size_max)(rng_);
      }
      fill_value(key, c, value_buf_.data() + offset, size);
      values_[nvalues++] = client::ValueRef{std::string_view(value_buf_).substr(offset, size)};
      offset += size;
    }
  }
  const std::string& id =
      write ? shared_.insert_ids[static_cast<size_t>(node)] : shared_.select_ids[static_cast<size_t>(node)];
  const auto start_ns = static_cast<uint64_t>(std::max<int64_t>(0, since_start_ns(start)));
  const uint64_t tag = (start_ns << 1) | (write ? 1u : 0u);
  const std::span<const client::ValueRef> values(values_.data(), nvalues);
  const bool started = conn->start_request(
      Opcode::kExecute,
      [&](common::Bytes& out) { client::append_execute_body(out, id, o.consistency, values, !write); }, this,
      tag);
  if (!started) return false;  // cannot happen: the stream was checked above
  ++in_flight_;
  return true;
}

void Worker::arm_timer(Clock::time_point when) {
  if (timer_armed_) return;
  timer_armed_ = true;
  timer_.expires_at(when);
  timer_.async_wait([this](boost::system::error_code) {
    timer_armed_ = false;
    pump();
  });
}

void Worker::pump() {
  if (done_.load()) return;
  const bool stopping = [&] {
    return finishing_ || shared_.stop.load(std::memory_order_relaxed) ||
           shared_.issued.load(std::memory_order_relaxed) >= shared_.limit;
  }();
  if (stopping) {
    check_done();
    return;
  }
  if (rate_ <= 0) {  // closed loop: keep max_in_flight_ requests outstanding
    while (in_flight_ < max_in_flight_ && issue(Clock::now())) {
    }
    check_done();
    return;
  }
  // Open loop: operation i is due at start + i / rate. The operations due by now leave
  // together, on one connection; the timer wakes on the first tick boundary (-rate tick=) at or
  // after the next one is due. With fixed=, latency counts from the due time, so the wait
  // for the tick is part of every measured latency, never hidden.
  const auto now = Clock::now();
  const bool fixed = shared_.o.fixed_rate.has_value();
  bool first = true;
  while (in_flight_ < max_in_flight_) {
    const auto due = shared_.start + std::chrono::nanoseconds(
                                         static_cast<int64_t>(static_cast<double>(scheduled_) * 1e9 / rate_));
    if (due > now) {
      const std::chrono::nanoseconds tick = std::chrono::microseconds(shared_.o.rate_tick_us);
      if (tick.count() == 0) {
        arm_timer(due);
      } else {
        const auto ticks = (due - shared_.start + tick - std::chrono::nanoseconds(1)) / tick;
        arm_timer(shared_.start + ticks * tick);
      }
      break;
    }
    if (!issue(fixed ? due : now, !first)) break;
    first = false;
    ++scheduled_;
  }
  check_done();
}

void Worker::on_reply(uint64_t tag, const client::Reply& reply) {
  --in_flight_;
  const auto now = Clock::now();
  const bool write = (tag & 1u) != 0;
  const auto start_ns = static_cast<int64_t>(tag >> 1);
  const int64_t latency = std::max<int64_t>(0, since_start_ns(now) - start_ns);
  std::string error;
  int32_t rows = 1;
  if (!reply.ok()) {
    error = std::string(reply.failure);
  } else if (reply.header->opcode != Opcode::kResult) {
    error = client::describe_response(*reply.header, reply.body);
  } else if (!write) {
    try {
      rows = client::count_rows(reply.body);
    } catch (const common::CqlError& e) {
      error = std::string("bad Rows result: ") + e.what();
    }
  }
  {
    std::lock_guard lock(mu_);
    if (error.empty()) {
      ++stats_.ops;
      ++stats_.partitions;
      stats_.rows += static_cast<uint64_t>(rows);
      interval_.record(static_cast<uint64_t>(latency));
    } else {
      ++stats_.errors;
      if (errors_.size() < kMaxErrorsKept) errors_.push_back(std::move(error));
    }
  }
  pump();
}

// ---------------------------------------------------------------------------------------------
// The run

int run_workload(const Options& o, std::ostream& out, std::ostream& err) {
  RunShared shared(o);
  if (o.n) shared.limit = *o.n;
  const int workers_n = std::max(1, std::min(o.io_threads, o.threads));
  const double total_rate = o.fixed_rate.value_or(o.throttle_rate.value_or(0));
  std::vector<std::unique_ptr<Worker>> workers;
  for (int w = 0; w < workers_n; ++w) {
    const int share = o.threads / workers_n + (w < o.threads % workers_n ? 1 : 0);
    workers.push_back(std::make_unique<Worker>(shared, w, share, total_rate / workers_n));
  }
  // Connections: connections_per_host per node, dealt round robin to the workers; every
  // worker gets at least one per node.
  const int per_host = std::max(o.connections_per_host, workers_n);
  for (size_t node = 0; node < o.nodes.size(); ++node) {
    for (int c = 0; c < per_host; ++c)
      workers[static_cast<size_t>(c % workers_n)]->add_connection(static_cast<int>(node));
  }
  std::vector<std::thread> threads;
  for (auto& w : workers) threads.emplace_back([&io = w->io()] { io.run(); });
  const auto stop_threads = [&] {
    for (auto& w : workers) w->abort();
    for (auto& t : threads) t.join();
  };

  // Connect, create the schema, prepare.
  std::string failure;
  for (auto& w : workers) {
    for (auto& [c, node] : w->connections()) {
      if (failure.empty()) failure = connect_sync(*c, o.nodes[static_cast<size_t>(node)], o.port);
    }
  }
  client::Connection* first = workers[0]->connections()[0].first.get();
  if (failure.empty()) failure = query_sync(*first, create_keyspace_cql(o));
  if (failure.empty()) failure = query_sync(*first, create_table_cql(o));
  shared.insert_ids.resize(o.nodes.size());
  shared.select_ids.resize(o.nodes.size());
  for (size_t node = 0; node < o.nodes.size() && failure.empty(); ++node) {
    client::Connection* c = nullptr;
    for (auto& w : workers) {
      for (auto& [conn, n] : w->connections()) {
        if (static_cast<size_t>(n) == node && c == nullptr) c = conn.get();
      }
    }
    shared.insert_ids[node] = prepare_sync(*c, insert_cql(o), failure);
    if (failure.empty()) shared.select_ids[node] = prepare_sync(*c, select_cql(o), failure);
  }
  if (!failure.empty()) {
    err << "krill stress: " << failure << "\n";
    stop_threads();
    return 1;
  }

  out << "Connected to " << o.nodes.size() << " node(s) on port " << o.port << "; running "
      << op_name(o.command) << " with " << o.threads << " requests in flight";
  if (o.n) out << " for " << *o.n << " operations";
  if (o.duration_s) out << " for " << *o.duration_s << " s";
  if (o.fixed_rate) out << " at a fixed rate of " << *o.fixed_rate << " op/s";
  if (o.throttle_rate) out << " throttled to " << *o.throttle_rate << " op/s";
  out << "\n" << progress_header() << "\n" << std::flush;

  shared.start = Clock::now();
  for (auto& w : workers) w->begin();  // the io threads return once their worker is done

  Histogram total_hist;
  Histogram interval_hist;
  WorkerStats total;
  const auto interval = std::chrono::duration<double>(o.log_interval_s);
  auto next_tick = shared.start + std::chrono::duration_cast<Clock::duration>(interval);
  auto last_tick = shared.start;
  auto last_progress = shared.start;
  Clock::time_point stopped_at{};
  bool aborted = false;
  size_t errors_printed = 0;
  while (true) {
    bool all_done = true;
    for (auto& w : workers) all_done = all_done && w->done();
    const auto now = Clock::now();
    if (!all_done && now < next_tick) {
      std::this_thread::sleep_for(std::min<Clock::duration>(next_tick - now, std::chrono::milliseconds(20)));
      continue;
    }
    WorkerStats in;
    for (auto& w : workers) {
      for (auto& e : w->collect(interval_hist, in)) {
        if (errors_printed++ < kMaxErrorsKept) err << "krill stress: operation failed: " << e << "\n";
      }
    }
    Clock::time_point end = now;
    if (all_done) {
      end = shared.start;
      for (auto& w : workers) end = std::max(end, w->done_at());
    }
    const double elapsed = std::chrono::duration<double>(end - shared.start).count();
    total.ops += in.ops;
    total.partitions += in.partitions;
    total.rows += in.rows;
    total.errors += in.errors;
    if (in.ops > 0 || in.errors > 0) last_progress = now;
    Period p{in.ops,
             in.partitions,
             in.rows,
             in.errors,
             std::chrono::duration<double>(end - last_tick).count(),
             &interval_hist};
    if (in.ops > 0 || in.errors > 0 || !all_done)
      out << progress_line(total.ops, p, elapsed, total.errors) << "\n" << std::flush;
    total_hist.merge(interval_hist);
    interval_hist.reset();
    last_tick = end;
    next_tick += std::chrono::duration_cast<Clock::duration>(interval);
    if (all_done) break;
    if (o.duration_s && elapsed >= *o.duration_s && !shared.stop.load()) {
      shared.stop.store(true);
      stopped_at = now;
      for (auto& w : workers) w->finish();
    }
    const bool stalled = std::chrono::duration<double>(now - last_progress).count() > kStallSeconds;
    const bool drain_over = stopped_at != Clock::time_point{} &&
                            std::chrono::duration<double>(now - stopped_at).count() > kDrainSeconds;
    if ((stalled || drain_over) && !aborted) {
      err << "krill stress: no progress for " << kStallSeconds << " s; closing connections\n";
      shared.stop.store(true);
      stopped_at = now;
      aborted = true;
      for (auto& w : workers) w->abort();
    }
  }
  for (auto& t : threads) t.join();

  Period t{total.ops,
           total.partitions,
           total.rows,
           total.errors,
           std::chrono::duration<double>(last_tick - shared.start).count(),
           &total_hist};
  out << final_report(t, op_name(o.command)) << std::flush;
  if (total.errors > 0 || aborted) {
    out << "FAILURE\n" << std::flush;
    return 1;
  }
  return 0;
}

}  // namespace krill::tools::stress
