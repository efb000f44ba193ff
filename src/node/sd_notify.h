// systemd's service notification protocol, without libsystemd: datagrams to the AF_UNIX
// socket named by $NOTIFY_SOCKET (a path, or "@name" in the abstract namespace).
//
// - SystemdNotifier sends "STATUS=...", "READY=1", "STOPPING=1", "WATCHDOG=1" lines; when
//   $NOTIFY_SOCKET is unset every call is a no-op. Thread-safe (one datagram per call).
// - Watchdog, when $WATCHDOG_USEC is set (and $WATCHDOG_PID, if set, is this process),
//   sends WATCHDOG=1 every WATCHDOG_USEC / 2 from its own thread, but only after
//   `healthy(timeout)` returned true: the node's check posts a no-op to every reactor and
//   waits for all of them, so a wedged reactor stops the pings and systemd restarts us.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace spdlog {
class logger;
}

namespace krill::node {

// The value of `name` in a NUL-terminated "NAME=value" array such as main's envp; null
// when it is absent or `envp` is null.
const char* env_value(char** envp, const char* name);

class SystemdNotifier {
 public:
  // Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID from `envp`.
  explicit SystemdNotifier(char** envp);
  ~SystemdNotifier();
  SystemdNotifier(const SystemdNotifier&) = delete;
  SystemdNotifier& operator=(const SystemdNotifier&) = delete;

  bool enabled() const { return fd_ >= 0; }
  // Sends `state` (newline-separated assignments). Returns false when disabled or on error.
  bool notify(std::string_view state) const;
  bool status(std::string_view text) const { return notify("STATUS=" + std::string(text)); }
  // 0 when systemd's watchdog is off for this process.
  std::chrono::microseconds watchdog_interval() const { return watchdog_; }
  const std::string& socket_path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
  std::chrono::microseconds watchdog_{0};
};

class Watchdog {
 public:
  // Pings every `period` while `healthy(timeout = period / 2)` returns true.
  Watchdog(const SystemdNotifier& notifier, std::chrono::microseconds period,
           std::function<bool(std::chrono::milliseconds)> healthy, std::shared_ptr<spdlog::logger> log);
  ~Watchdog();  // stops and joins

 private:
  void run();
  const SystemdNotifier& notifier_;
  std::chrono::microseconds period_;
  std::function<bool(std::chrono::milliseconds)> healthy_;
  std::shared_ptr<spdlog::logger> log_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace krill::node
