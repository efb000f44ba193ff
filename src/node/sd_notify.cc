#include "node/sd_notify.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>

namespace krill::node {

const char* env_value(char** envp, const char* name) {
  size_t n = std::strlen(name);
  for (char** e = envp; e != nullptr && *e != nullptr; ++e)
    if (std::strncmp(*e, name, n) == 0 && (*e)[n] == '=') return *e + n + 1;
  return nullptr;
}

SystemdNotifier::SystemdNotifier(char** envp) {
  const char* socket_path = env_value(envp, "NOTIFY_SOCKET");
  if (socket_path == nullptr || socket_path[0] == '\0') return;
  path_ = socket_path;
  if (path_[0] != '/' && path_[0] != '@') return;  // not a socket we know how to reach
  if (path_.size() >= sizeof(sockaddr_un::sun_path)) return;
  fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  if (const char* usec = env_value(envp, "WATCHDOG_USEC")) {
    const char* pid = env_value(envp, "WATCHDOG_PID");
    char* end = nullptr;
    long long v = std::strtoll(usec, &end, 10);
    bool ours = pid == nullptr || std::strtoll(pid, nullptr, 10) == static_cast<long long>(getpid());
    if (end != usec && *end == '\0' && v > 0 && ours) watchdog_ = std::chrono::microseconds(v);
  }
}

SystemdNotifier::~SystemdNotifier() {
  if (fd_ >= 0) ::close(fd_);
}

bool SystemdNotifier::notify(std::string_view state) const {
  if (fd_ < 0) return false;
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::memcpy(sa.sun_path, path_.data(), path_.size());
  socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path_.size());
  if (path_[0] == '@') {
    sa.sun_path[0] = '\0';  // abstract namespace: no terminating NUL counted
  } else {
    len += 1;
  }
  ssize_t n = ::sendto(fd_, state.data(), state.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&sa), len);
  return n == static_cast<ssize_t>(state.size());
}

Watchdog::Watchdog(const SystemdNotifier& notifier, std::chrono::microseconds period,
                   std::function<bool(std::chrono::milliseconds)> healthy,
                   std::shared_ptr<spdlog::logger> log)
    : notifier_(notifier), period_(period), healthy_(std::move(healthy)), log_(std::move(log)) {
  thread_ = std::thread([this] { run(); });
}

Watchdog::~Watchdog() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Watchdog::run() {
  auto timeout = std::max(std::chrono::milliseconds(1),
                          std::chrono::duration_cast<std::chrono::milliseconds>(period_ / 2));
  bool failing = false;
  std::unique_lock lock(mu_);
  while (!stop_) {
    lock.unlock();
    auto started = std::chrono::steady_clock::now();
    bool ok = healthy_(timeout);
    if (ok) {
      notifier_.notify("WATCHDOG=1");
      if (failing) log_->info("watchdog: every reactor answers again; pinging systemd");
    } else if (!failing) {
      log_->error("watchdog: a reactor did not answer within {} ms; not pinging systemd", timeout.count());
    }
    failing = !ok;
    lock.lock();
    cv_.wait_until(lock, started + period_, [&] { return stop_; });
  }
}

}  // namespace krill::node
