#include "logging/crash.h"

#include <arpa/inet.h>
#include <cxxabi.h>
#include <execinfo.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iterator>
#include <stdexcept>
#include <thread>
#include <vector>

#include "logging/logging.h"
#include "logging/rfc5424.h"

namespace krill::logging {

namespace {

constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
constexpr int kMaxFrames = 64;

}  // namespace

struct CrashReporter::State {
  Registry* registry = nullptr;
  std::shared_ptr<spdlog::logger> logger;
  std::string version;
  std::string exe = "krill";
  // Remote syslog, resolved up front: the handler only makes system calls.
  bool syslog = false;
  bool tcp = false;
  sockaddr_storage addr{};
  socklen_t addr_len = 0;
  std::string pri;         // "<130>1 "
  std::string after_time;  // " host app pid crash [krill@32473 ...] "
  size_t max_message_bytes = 2048;
  std::vector<char> altstack;
  stack_t old_altstack{};
  struct sigaction old_actions[std::size(kSignals)] = {};
  std::terminate_handler old_terminate = nullptr;
};

namespace {

// The handlers' only way to the reporter (see crash.h).
std::atomic<const CrashReporter::State*> g_crash_state{nullptr};
std::atomic<bool> g_crashing{false};

// A fixed buffer filled without allocating (async-signal-safe).
struct Buf {
  char data[4096];
  size_t len = 0;
  void add(const char* s, size_t n) {
    if (n > sizeof data - len) n = sizeof data - len;
    std::memcpy(data + len, s, n);
    len += n;
  }
  void add(const char* s) { add(s, std::strlen(s)); }
  void add(const std::string& s) { add(s.data(), s.size()); }
  void num(uint64_t v, int width = 0) {
    char tmp[24];
    int n = 0;
    do {
      tmp[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    while (n < width) tmp[n++] = '0';
    while (n > 0) add(&tmp[--n], 1);
  }
  void hex(uintptr_t v) {
    char tmp[20];
    int n = 0;
    do {
      tmp[n++] = "0123456789abcdef"[v & 15];
      v >>= 4;
    } while (v != 0);
    add("0x");
    while (n > 0) add(&tmp[--n], 1);
  }
  // UTC "YYYY-MM-DDTHH:MM:SS.ffffffZ" (days to civil date: Howard Hinnant's algorithm).
  void utc(const timespec& ts) {
    int64_t secs = ts.tv_sec;
    int64_t days = secs / 86400;
    int64_t rem = secs % 86400;
    days += 719468;
    int64_t era = days / 146097;
    int64_t doe = days - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2) ++y;
    num(static_cast<uint64_t>(y), 4);
    add("-");
    num(static_cast<uint64_t>(m), 2);
    add("-");
    num(static_cast<uint64_t>(d), 2);
    add("T");
    num(static_cast<uint64_t>(rem / 3600), 2);
    add(":");
    num(static_cast<uint64_t>(rem / 60 % 60), 2);
    add(":");
    num(static_cast<uint64_t>(rem % 60), 2);
    add(".");
    num(static_cast<uint64_t>(ts.tv_nsec / 1000), 6);
    add("Z");
  }
};

const char* signal_name(int sig) {
  switch (sig) {
    case SIGSEGV:
      return "SIGSEGV";
    case SIGBUS:
      return "SIGBUS";
    case SIGFPE:
      return "SIGFPE";
    case SIGILL:
      return "SIGILL";
    case SIGABRT:
      return "SIGABRT";
  }
  return "signal";
}

void write_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    p += w;
    n -= static_cast<size_t>(w);
  }
}

void send_to_syslog(const CrashReporter::State& st, const Buf& message) {
  int fd = ::socket(st.addr.ss_family, (st.tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return;
  const auto* sa = reinterpret_cast<const sockaddr*>(&st.addr);
  if (!st.tcp) {
    ::sendto(fd, message.data, message.len, MSG_NOSIGNAL, sa, st.addr_len);
    ::close(fd);
    return;
  }
  int rc = ::connect(fd, sa, st.addr_len);
  if (rc != 0 && errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    int err = 0;
    socklen_t len = sizeof err;
    if (::poll(&p, 1, 500) == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) rc = 0;
  }
  if (rc == 0) {
    Buf frame;
    frame.num(message.len);
    frame.add(" ");
    frame.add(message.data, message.len);
    ::send(fd, frame.data, frame.len, MSG_NOSIGNAL);
    // Give the server a moment to read before the close (and the process) go.
    pollfd p{fd, POLLIN, 0};
    ::shutdown(fd, SHUT_WR);
    ::poll(&p, 1, 200);
  }
  ::close(fd);
}

void on_fatal_signal(int sig, siginfo_t* info, void* /*context*/) {
  const CrashReporter::State* st = g_crash_state.load();
  if (st != nullptr && !g_crashing.exchange(true)) {
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    void* frames[kMaxFrames];
    int n = backtrace(frames, kMaxFrames);

    Buf what;  // shared by the console line and the syslog message
    what.add("Krill ");
    what.add(st->version);
    what.add(" about to crash: signal ");
    what.num(static_cast<uint64_t>(sig));
    what.add(" (");
    what.add(signal_name(sig));
    what.add(")");
    if (sig != SIGABRT && info != nullptr) {
      what.add(", fault address ");
      what.hex(reinterpret_cast<uintptr_t>(info->si_addr));
    }

    Buf line;
    line.utc(now);
    line.add(" critical [");
    line.num(static_cast<uint64_t>(syscall(SYS_gettid)));
    line.add("] crash - ");
    line.add(what.data, what.len);
    line.add("\nbacktrace (resolve with: addr2line -f -C -e ");
    line.add(st->exe);
    line.add(" ADDRESS...):\n");
    write_all(STDERR_FILENO, line.data, line.len);
    backtrace_symbols_fd(frames, n, STDERR_FILENO);

    if (st->syslog) {
      Buf msg;
      msg.add(st->pri);
      msg.utc(now);
      msg.add(st->after_time);
      msg.add(what.data, what.len);
      msg.add("; backtrace:");
      for (int i = 0; i < n; ++i) {
        msg.add(" ");
        msg.hex(reinterpret_cast<uintptr_t>(frames[i]));
      }
      if (msg.len > st->max_message_bytes) msg.len = st->max_message_bytes;
      send_to_syslog(*st, msg);
    }
  }
  // Die of the same signal, with its default action (core dump, status 128 + sig).
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, nullptr);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  raise(sig);
  _exit(128 + sig);
}

std::string demangle(const char* name) {
  int status = 0;
  char* d = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  std::string out = (status == 0 && d != nullptr) ? d : name;
  std::free(d);
  return out;
}

[[noreturn]] void on_terminate() {
  const CrashReporter::State* st = g_crash_state.load();
  if (st != nullptr) {
    std::string what = "std::terminate called without an active exception";
    if (std::exception_ptr e = std::current_exception()) {
      std::type_info* type = abi::__cxa_current_exception_type();
      std::string name = type != nullptr ? demangle(type->name()) : "unknown";
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        what = "uncaught exception: " + name + ": " + ex.what();
      } catch (...) {
        what = "uncaught exception: " + name;
      }
    }
    st->logger->critical("{}", what);
    st->registry->flush(1000);
  }
  std::abort();
}

}  // namespace

CrashReporter::CrashReporter(Registry& registry, std::string version) : state_(std::make_unique<State>()) {
  State& st = *state_;
  st.registry = &registry;
  st.logger = registry.get("crash");
  st.version = std::move(version);
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) st.exe.assign(exe, static_cast<size_t>(n));

  const SyslogOptions& so = registry.options().syslog;
  std::string error;
  auto address = so.enabled() ? parse_syslog_address(so.address, error) : std::nullopt;
  if (address) {
    st.syslog = true;
    st.tcp = so.transport == "tcp";
    std::memset(&st.addr, 0, sizeof st.addr);
    auto* v4 = reinterpret_cast<sockaddr_in*>(&st.addr);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&st.addr);
    if (inet_pton(AF_INET, address->ip.c_str(), &v4->sin_addr) == 1) {
      v4->sin_family = AF_INET;
      v4->sin_port = htons(address->port);
      st.addr_len = sizeof(sockaddr_in);
    } else {
      inet_pton(AF_INET6, address->ip.c_str(), &v6->sin6_addr);
      v6->sin6_family = AF_INET6;
      v6->sin6_port = htons(address->port);
      st.addr_len = sizeof(sockaddr_in6);
    }
    int facility = parse_facility(so.facility).value_or(16);
    st.pri = "<" + std::to_string(facility * 8 + static_cast<int>(Severity::critical)) + ">1 ";
    char host[256] = {};
    if (so.hostname.empty()) gethostname(host, sizeof host - 1);
    st.after_time = " " + header_field(so.hostname.empty() ? std::string(host) : so.hostname, 255) + " " +
                    header_field(so.app_name, 48) + " " + std::to_string(getpid()) + " crash [" + kSdId +
                    " logger=\"crash\"";
    if (!registry.options().node_address.empty())
      st.after_time += " node=\"" + sd_escape(registry.options().node_address) + "\"";
    st.after_time += "] ";
    st.max_message_bytes = so.max_message_bytes;
  }

  // The first backtrace() may allocate (unwinder set-up): do it now, not in the handler.
  void* warm[4];
  backtrace(warm, 4);

  st.altstack.resize(std::max<size_t>(SIGSTKSZ, 64 * 1024));
  stack_t ss{};
  ss.ss_sp = st.altstack.data();
  ss.ss_size = st.altstack.size();
  sigaltstack(&ss, &st.old_altstack);

  g_crash_state.store(&st);
  for (size_t i = 0; i < std::size(kSignals); ++i) {
    struct sigaction sa {};
    sa.sa_sigaction = on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(kSignals[i], &sa, &st.old_actions[i]);
  }
  st.old_terminate = std::set_terminate(on_terminate);
}

CrashReporter::~CrashReporter() {
  State& st = *state_;
  std::set_terminate(st.old_terminate);
  for (size_t i = 0; i < std::size(kSignals); ++i) sigaction(kSignals[i], &st.old_actions[i], nullptr);
  g_crash_state.store(nullptr);
  sigaltstack(&st.old_altstack, nullptr);
}

bool debug_crash(std::string_view kind) {
  void (*crash)() = nullptr;
  if (kind == "segv") {
    crash = [] {
      volatile uintptr_t address = 0;  // volatile: the compiler cannot see the null
      *reinterpret_cast<volatile int*>(address) = 1;
    };
  } else if (kind == "fpe") {
    crash = [] {
      volatile int zero = 0;
      volatile int seven = 7;  // GCC turns 1 / x into compares: divide an unknown by it
      volatile int x = seven / zero;
      static_cast<void>(x);
    };
  } else if (kind == "bus") {
    crash = [] { raise(SIGBUS); };
  } else if (kind == "ill") {
    crash = [] { __builtin_trap(); };
  } else if (kind == "abort") {
    crash = [] { std::abort(); };
  } else if (kind == "throw") {
    crash = [] { throw std::runtime_error("KRILL_DEBUG_CRASH=throw: an exception nobody catches"); };
  } else {
    return false;
  }
  std::thread(crash).detach();
  return true;
}

}  // namespace krill::logging
