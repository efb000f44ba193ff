// A plain TCP echo round trip, to say what part of a latency tail is the machine's.
//
//   echo server PORT            echo every byte back (a thread per connection), until killed
//   echo client PORT RATE SECS  one connection; send a 16-byte message RATE times a second
//                               for SECS seconds, wait for each echo; print
//                               "count=N p50_ms=.. p99_ms=.. p999_ms=.. max_ms=.."
//
// Built by bench/run.sh with g++ alone; not part of the krill build. 127.0.0.1 only.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

sockaddr_in loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

void set_nodelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

int serve(int port) {
  const int lfd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a = loopback(port);
  if (bind(lfd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(lfd, 16) != 0) {
    std::perror("echo server: bind/listen");
    return 1;
  }
  while (true) {
    const int fd = accept(lfd, nullptr, nullptr);
    if (fd < 0) continue;
    set_nodelay(fd);
    std::thread([fd] {
      char buf[4096];
      while (true) {
        const ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) break;
        if (write(fd, buf, static_cast<size_t>(n)) != n) break;
      }
      close(fd);
    }).detach();
  }
}

int client(int port, double rate, double seconds) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a = loopback(port);
  for (int attempt = 0; connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0; ++attempt) {
    if (attempt > 200) {
      std::perror("echo client: connect");
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  set_nodelay(fd);
  std::vector<double> rtt_ms;
  const auto start = Clock::now();
  const auto period = std::chrono::duration<double>(1.0 / rate);
  char msg[16];
  std::memset(msg, 'e', sizeof msg);
  for (uint64_t i = 0;; ++i) {
    const auto due = start + std::chrono::duration_cast<Clock::duration>(period * static_cast<double>(i));
    if (due - start > std::chrono::duration<double>(seconds)) break;
    std::this_thread::sleep_until(due);
    const auto t0 = Clock::now();
    if (write(fd, msg, sizeof msg) != static_cast<ssize_t>(sizeof msg)) return 1;
    size_t got = 0;
    char buf[sizeof msg];
    while (got < sizeof msg) {
      const ssize_t n = read(fd, buf + got, sizeof msg - got);
      if (n <= 0) return 1;
      got += static_cast<size_t>(n);
    }
    rtt_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  close(fd);
  if (rtt_ms.empty()) return 1;
  std::sort(rtt_ms.begin(), rtt_ms.end());
  const auto at = [&](double q) {
    size_t i = static_cast<size_t>(q * static_cast<double>(rtt_ms.size()));
    return rtt_ms[std::min(i, rtt_ms.size() - 1)];
  };
  std::printf("count=%zu p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f\n", rtt_ms.size(), at(0.5),
              at(0.99), at(0.999), rtt_ms.back());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "server") return serve(std::atoi(argv[2]));
  if (argc == 5 && std::string(argv[1]) == "client") {
    return client(std::atoi(argv[2]), std::atof(argv[3]), std::atof(argv[4]));
  }
  std::fprintf(stderr, "usage: echo server PORT | echo client PORT RATE SECONDS\n");
  return 2;
}
