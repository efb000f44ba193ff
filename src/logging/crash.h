// Last words: fatal signals and uncaught exceptions are reported before the process dies.
//
// While a CrashReporter exists:
// - SIGSEGV, SIGBUS, SIGFPE, SIGILL and SIGABRT run an async-signal-safe handler (on an
//   alternate stack on the thread that created the reporter, so a stack overflow there is
//   reported too) that writes
//     "<time> critical [tid] crash - Krill <version> about to crash: signal 11 (SIGSEGV) ..."
//   and a backtrace (one "[0xADDRESS]" per frame; the binary is static and not PIE, so
//   `addr2line -f -C -e krill ADDRESS` names them) to stderr, sends the same as one RFC 5424
//   message to the syslog server if one is configured (best effort: UDP, or a fresh TCP
//   connection with a 500 ms timeout), then re-raises the signal with its default action
//   (core dump, exit status 128 + N).
// - std::terminate (an exception escaping a thread, a noexcept function, ...) logs
//   "uncaught exception: <type>: <what()>" at critical level on the "crash" logger, flushes
//   the registry (syslog up to one second), then aborts (the SIGABRT path above).
//
// Signal handlers can reach only process-wide state: the reporter publishes a pointer to
// its pre-formatted, immutable state for them (the one global of the program). At most one
// reporter may exist at a time.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace krill::logging {

class Registry;

class CrashReporter {
 public:
  // `registry` must outlive the reporter. `version` goes into the crash line.
  CrashReporter(Registry& registry, std::string version);
  ~CrashReporter();  // restores the default handlers
  CrashReporter(const CrashReporter&) = delete;
  CrashReporter& operator=(const CrashReporter&) = delete;

  struct State;

 private:
  std::unique_ptr<State> state_;
};

// The hidden test trigger (`KRILL_DEBUG_CRASH`): "segv", "bus", "fpe", "ill", "abort" or
// "throw" crashes the process that way, from a new thread. Returns false (and does
// nothing) for any other value.
bool debug_crash(std::string_view kind);

}  // namespace krill::logging
