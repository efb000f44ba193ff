// Runs a `krill stress` workload: connects, creates the schema, prepares the statements,
// drives the load on io threads (Worker) and prints progress lines and the final report.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "tools/client/connection.h"
#include "tools/stress/histogram.h"
#include "tools/stress/options.h"
#include "tools/stress/workload.h"

namespace krill::tools::stress {

using Clock = std::chrono::steady_clock;

// State shared by all workers of a run.
struct RunShared {
  explicit RunShared(const Options& options) : o(options) {}
  const Options& o;
  uint64_t limit = UINT64_MAX;      // operations to start in all
  std::atomic<uint64_t> issued{0};  // operations started (their sequence numbers)
  std::atomic<bool> stop{false};    // start no more operations
  Clock::time_point start;
  std::vector<std::string> insert_ids;  // prepared ids, by node index
  std::vector<std::string> select_ids;
};

// Counts a worker hands to the reporter.
struct WorkerStats {
  uint64_t ops = 0;
  uint64_t partitions = 0;
  uint64_t rows = 0;
  uint64_t errors = 0;
};

// One io thread's share of the load: its connections and its share of the in-flight
// requests (and of the rate). Everything but the methods marked thread-safe runs on the
// worker's io thread.
class Worker : public client::ResponseHandler {
 public:
  Worker(RunShared& shared, int index, int max_in_flight, double rate);
  ~Worker();

  boost::asio::io_context& io() { return io_; }
  // Adds a connection to `node` (an index into Options::nodes). Before run().
  client::Connection& add_connection(int node);
  std::vector<std::pair<std::unique_ptr<client::Connection>, int>>& connections() { return conns_; }

  // Starts the load (posts to the io thread). Thread-safe.
  void begin();
  // Stops starting operations; completes when those in flight are answered. Thread-safe.
  void finish();
  // Closes every connection: in-flight operations fail. Thread-safe.
  void abort();
  bool done() const { return done_.load(); }
  Clock::time_point done_at() const;

  // Moves the interval's latencies into `into` and adds its counts to `stats`, then
  // resets the interval. Thread-safe. Returns error messages seen since the last call
  // (at most a few).
  std::vector<std::string> collect(Histogram& into, WorkerStats& stats);

  void on_reply(uint64_t tag, const client::Reply& reply) override;

 private:
  void pump();
  // Sends one operation counted from `start`. `same_connection`: stay on the connection
  // the previous operation used while it has a free stream (a rate tick's operations then
  // leave in one write), instead of taking the next one round robin.
  bool issue(Clock::time_point start, bool same_connection = false);
  void arm_timer(Clock::time_point when);
  void check_done();
  int64_t since_start_ns(Clock::time_point t) const;

  RunShared& shared_;
  boost::asio::io_context io_;
  // Keeps io_.run() going until the worker is done, even while no I/O is pending.
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard_;
  boost::asio::steady_timer timer_;
  std::vector<std::pair<std::unique_ptr<client::Connection>, int>> conns_;
  size_t next_conn_ = 0;
  KeyChooser keys_;
  std::mt19937_64 rng_;
  int max_in_flight_;
  int in_flight_ = 0;
  double rate_;  // ops/s for this worker; 0: closed loop
  bool timer_armed_ = false;
  bool finishing_ = false;
  uint64_t scheduled_ = 0;  // rate mode: operations scheduled so far
  std::vector<client::ValueRef> values_;
  std::string key_buf_;
  std::string value_buf_;
  std::atomic<bool> done_{false};
  Clock::time_point done_at_;  // written before done_ is set

  std::mutex mu_;  // guards the interval below
  Histogram interval_;
  WorkerStats stats_;
  std::vector<std::string> errors_;
};

// Runs the whole workload; returns the process exit code (0 ok, 1 errors or failure).
int run_workload(const Options& o, std::ostream& out, std::ostream& err);

}  // namespace krill::tools::stress
