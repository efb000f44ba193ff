// `krill stress` argument parsing (see options.h).
#include "tools/stress/options.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <string_view>

namespace krill::tools::stress {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// "1000", "10k", "2M", "1b" -> count.
bool parse_count(std::string_view text, uint64_t& out) {
  if (text.empty()) return false;
  uint64_t mult = 1;
  const char last = static_cast<char>(std::tolower(static_cast<unsigned char>(text.back())));
  if (last == 'k' || last == 'm' || last == 'b') {
    mult = last == 'k' ? 1000 : last == 'm' ? 1000000 : 1000000000;
    text.remove_suffix(1);
  }
  uint64_t v = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size()) return false;
  out = v * mult;
  return true;
}

bool parse_double(std::string_view text, double& out) {
  if (text.empty()) return false;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && p == text.data() + text.size();
}

bool parse_int(std::string_view text, int& out) {
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc() && p == text.data() + text.size();
}

// "N/s" or "N" -> ops per second.
bool parse_rate(std::string_view text, double& out) {
  if (text.size() > 2 && text.substr(text.size() - 2) == "/s") text.remove_suffix(2);
  uint64_t count = 0;
  if (parse_count(text, count) && count > 0) {
    out = static_cast<double>(count);
    return true;
  }
  return parse_double(text, out) && out > 0;
}

// "a..b" -> [a, b].
bool parse_range(std::string_view text, uint64_t& a, uint64_t& b) {
  const size_t dots = text.find("..");
  if (dots == std::string_view::npos) return false;
  return parse_count(text.substr(0, dots), a) && parse_count(text.substr(dots + 2), b) && a <= b && a > 0;
}

// "name(inner)" -> inner, when `text` (lower-cased) starts with name + "(" and ends with ")".
bool parse_call(std::string_view text, std::string_view name, std::string_view& inner) {
  if (text.size() < name.size() + 2 || !starts_with(text, name) || text[name.size()] != '(' ||
      text.back() != ')') {
    return false;
  }
  inner = text.substr(name.size() + 1, text.size() - name.size() - 2);
  return true;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    const size_t i = s.find(sep);
    out.push_back(s.substr(0, i));
    if (i == std::string_view::npos) break;
    s.remove_prefix(i + 1);
  }
  return out;
}

std::string parse_command_option(const std::string& arg, Options& o) {
  const std::string a = lower(arg);
  std::string_view inner;
  if (starts_with(a, "n=")) {
    uint64_t n = 0;
    if (!parse_count(std::string_view(a).substr(2), n) || n == 0) return "bad operation count '" + arg + "'";
    o.n = n;
  } else if (starts_with(a, "duration=")) {
    double s = 0;
    if (!parse_duration(a.substr(9), s) || s <= 0)
      return "bad duration '" + arg + "' (examples: 30s, 2m, 1h)";
    o.duration_s = s;
  } else if (starts_with(a, "cl=")) {
    if (!client::parse_consistency(a.substr(3), o.consistency))
      return "unknown consistency level '" + arg + "'";
  } else if (a == "no-warmup" || starts_with(a, "err<") || starts_with(a, "truncate=")) {
    // accepted for compatibility: there is no warm-up, no auto mode and no truncation
  } else if (parse_call(a, "ratio", inner)) {
    for (std::string_view part : split(inner, ',')) {
      const size_t eq = part.find('=');
      double w = 0;
      if (eq == std::string_view::npos || !parse_double(part.substr(eq + 1), w) || w < 0) {
        return "bad ratio '" + arg + "' (example: ratio(write=1,read=3))";
      }
      const std::string_view name = part.substr(0, eq);
      if (name == "write" || name == "insert") {
        o.write_ratio = w;
      } else if (name == "read" || name == "simple1") {
        o.read_ratio = w;
      } else {
        return "unknown operation '" + std::string(name) + "' in " + arg;
      }
    }
    if (o.write_ratio + o.read_ratio <= 0) return "ratio weights must not all be 0";
  } else {
    return "unknown option '" + arg + "'";
  }
  return "";
}

std::string parse_group_option(const std::string& group, const std::string& arg, Options& o) {
  const std::string a = lower(arg);
  std::string_view inner;
  if (group == "-rate") {
    if (starts_with(a, "threads=")) {
      if (!parse_int(std::string_view(a).substr(8), o.threads) || o.threads < 1 || o.threads > 100000) {
        return "bad '" + arg + "' (threads=1..100000)";
      }
      return "";
    }
    double r = 0;
    if (starts_with(a, "tick=")) {
      std::string v = a.substr(5);
      if (v.size() > 2 && v.ends_with("us")) v.resize(v.size() - 2);
      if (parse_int(v, o.rate_tick_us) && o.rate_tick_us >= 0 && o.rate_tick_us <= 100000) return "";
      return "bad '" + arg + "' (tick=0us..100000us)";
    }
    if (starts_with(a, "fixed=")) {
      if (!parse_rate(std::string_view(a).substr(6), r))
        return "bad rate '" + arg + "' (example: fixed=5000/s)";
      o.fixed_rate = r;
      return "";
    }
    if (starts_with(a, "throttle=")) {
      if (!parse_rate(std::string_view(a).substr(9), r))
        return "bad rate '" + arg + "' (example: throttle=5000/s)";
      o.throttle_rate = r;
      return "";
    }
  } else if (group == "-node") {
    if (a == "whitelist") return "";
    for (std::string_view h : split(arg, ',')) {
      if (!h.empty()) o.nodes.emplace_back(h);
    }
    return "";
  } else if (group == "-port") {
    int port = 0;
    if (starts_with(a, "native=") && parse_int(std::string_view(a).substr(7), port) && port > 0 &&
        port < 65536) {
      o.port = static_cast<uint16_t>(port);
      return "";
    }
    if (starts_with(a, "jmx=") || starts_with(a, "thrift=")) return "";
  } else if (group == "-pop") {
    Population p;
    if (starts_with(a, "seq=")) {
      p.kind = Population::Kind::kSeq;
      if (!parse_range(std::string_view(a).substr(4), p.min, p.max))
        return "bad '" + arg + "' (example: seq=1..1000)";
      o.population = p;
      return "";
    }
    if (starts_with(a, "dist=")) {
      const std::string_view d = std::string_view(a).substr(5);
      if (parse_call(d, "gaussian", inner)) {
        p.kind = Population::Kind::kGaussian;
      } else if (parse_call(d, "uniform", inner)) {
        p.kind = Population::Kind::kUniform;
      } else {
        return "bad '" + arg + "' (examples: dist=gaussian(1..1000), dist=uniform(1..1000))";
      }
      const auto parts = split(inner, ',');
      if (parts.empty() || !parse_range(parts[0], p.min, p.max)) return "bad range in '" + arg + "'";
      if (parts.size() > 1 && (!parse_double(parts[1], p.stdvrng) || p.stdvrng <= 0)) {
        return "bad stdvrng in '" + arg + "'";
      }
      o.population = p;
      return "";
    }
  } else if (group == "-col") {
    if (starts_with(a, "n=")) {
      if (parse_call(std::string_view(a).substr(2), "fixed", inner) && parse_int(inner, o.columns) &&
          o.columns >= 1 && o.columns <= 1000) {
        return "";
      }
      return "bad '" + arg + "' (example: n=FIXED(5))";
    }
    if (starts_with(a, "size=")) {
      const std::string_view s = std::string_view(a).substr(5);
      uint64_t lo = 0;
      uint64_t hi = 0;
      if (parse_call(s, "fixed", inner) && parse_count(inner, lo) && lo <= (1u << 24)) {
        o.col_size_min = o.col_size_max = static_cast<uint32_t>(lo);
        return "";
      }
      if (parse_call(s, "uniform", inner) && parse_range(inner, lo, hi) && hi <= (1u << 24)) {
        o.col_size_min = static_cast<uint32_t>(lo);
        o.col_size_max = static_cast<uint32_t>(hi);
        return "";
      }
      return "bad '" + arg + "' (examples: size=FIXED(34), size=UNIFORM(10..100))";
    }
  } else if (group == "-schema") {
    if (parse_call(a, "replication", inner)) {
      for (std::string_view part : split(inner, ',')) {
        if (starts_with(part, "factor=")) {
          if (!parse_int(part.substr(7), o.replication_factor) || o.replication_factor < 1) {
            return "bad replication factor in '" + arg + "'";
          }
        } else if (!starts_with(part, "strategy=")) {
          return "unknown replication option in '" + arg + "'";
        }
      }
      return "";
    }
    if (starts_with(a, "keyspace=")) {
      o.keyspace = arg.substr(9);
      if (o.keyspace.empty()) return "empty keyspace name";
      return "";
    }
  } else if (group == "-mode") {
    if (a == "native" || a == "cql3" || a == "prepared" || a == "simplenative") return "";
    if (starts_with(a, "connectionsperhost=")) {
      if (parse_int(std::string_view(a).substr(19), o.connections_per_host) && o.connections_per_host >= 1 &&
          o.connections_per_host <= 1024) {
        return "";
      }
      return "bad '" + arg + "' (connectionsPerHost=1..1024)";
    }
    if (starts_with(a, "io=")) {
      if (parse_int(std::string_view(a).substr(3), o.io_threads) && o.io_threads >= 1 && o.io_threads <= 64) {
        return "";
      }
      return "bad '" + arg + "' (io=1..64)";
    }
    if (a == "unprepared") return "unprepared statements are not supported by krill stress";
  } else if (group == "-log") {
    if (starts_with(a, "interval=")) {
      std::string v = a.substr(9);
      if (!v.empty() && v.back() != 's') v += 's';
      if (parse_duration(v, o.log_interval_s) && o.log_interval_s >= 0.1) return "";
      return "bad '" + arg + "' (example: interval=1)";
    }
    if (starts_with(a, "level=") || starts_with(a, "file=") || a == "no-summary") return "";
  } else if (group == "-errors") {
    if (a == "ignore" || starts_with(a, "retries=")) return "";  // errors are counted, never retried
  }
  return "unknown option '" + arg + "' for " + group;
}

}  // namespace

bool parse_duration(const std::string& text, double& seconds) {
  if (text.empty()) return false;
  double mult = 1;
  std::string_view v(text);
  switch (std::tolower(static_cast<unsigned char>(v.back()))) {
    case 's':
      v.remove_suffix(1);
      break;
    case 'm':
      mult = 60;
      v.remove_suffix(1);
      break;
    case 'h':
      mult = 3600;
      v.remove_suffix(1);
      break;
    default:
      break;
  }
  double x = 0;
  if (!parse_double(v, x) || x < 0) return false;
  seconds = x * mult;
  return true;
}

Population Options::effective_population() const {
  if (population) return *population;
  Population p;
  p.min = 1;
  p.max = n.value_or(1000000);
  p.kind = command == Command::kWrite ? Population::Kind::kSeq : Population::Kind::kGaussian;
  return p;
}

std::string parse_options(const std::vector<std::string>& args, Options& out) {
  Options o;
  o.nodes.clear();
  size_t i = 0;
  if (args.empty()) return "missing command (write, read or mixed)";
  const std::string cmd = lower(args[0]);
  if (cmd == "help" || cmd == "-h" || cmd == "--help") {
    out.help = true;
    return "";
  }
  if (cmd == "write") {
    o.command = Command::kWrite;
  } else if (cmd == "read") {
    o.command = Command::kRead;
  } else if (cmd == "mixed") {
    o.command = Command::kMixed;
  } else {
    return "unknown command '" + args[0] + "' (write, read or mixed)";
  }
  for (i = 1; i < args.size() && (args[i].empty() || args[i][0] != '-'); ++i) {
    if (auto err = parse_command_option(args[i], o); !err.empty()) return err;
  }
  std::string group;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (!a.empty() && a[0] == '-') {
      group = lower(a);
      static constexpr std::string_view kGroups[] = {"-rate",   "-node", "-port", "-pop",   "-col",
                                                     "-schema", "-mode", "-log",  "-errors"};
      if (std::find(std::begin(kGroups), std::end(kGroups), group) == std::end(kGroups)) {
        return "unknown option group '" + a + "'";
      }
      continue;
    }
    if (auto err = parse_group_option(group, a, o); !err.empty()) return err;
  }
  if (o.nodes.empty()) o.nodes.push_back("127.0.0.1");
  if (!o.n && !o.duration_s) return "give n=<operations> or duration=<time>, e.g. n=100000 or duration=30s";
  if (o.fixed_rate && o.throttle_rate) return "give fixed= or throttle=, not both";
  out = std::move(o);
  return "";
}

std::string usage() {
  return R"(Usage: krill stress <write|read|mixed> [options] [-group option...]
  cassandra-stress compatible load generator over the CQL native protocol (v4).

Command options:
  n=N                      operations to run (suffixes k, m, b)
  duration=T               run for a time instead: 30s, 5m, 1h
  cl=LEVEL                 consistency level (default LOCAL_ONE)
  ratio(write=W,read=R)    mixed: operation weights (default 1:1)
Groups:
  -rate threads=N          requests in flight (default 200)
        fixed=N/s          open-loop rate; latency counted from the intended start
                           (no coordinated omission); threads= caps in-flight requests
        throttle=N/s       rate limit; latency counted from the actual start
        tick=Nus           with a rate: operations due within one tick are sent
                           together (default 100us; 0 = each at its own time)
  -node HOST[,HOST...]     nodes: IP addresses or localhost (default 127.0.0.1)
  -port native=P           CQL port (default 9042)
  -pop seq=A..B            sequential keys (default for write: seq=1..n)
       dist=gaussian(A..B) gaussian keys (default for read and mixed: gaussian(1..n))
       dist=uniform(A..B)  uniform keys
  -col n=FIXED(K)          columns per row (default 5)
       size=FIXED(S)       bytes per column (default 34), or size=UNIFORM(A..B)
  -schema replication(factor=N) keyspace=NAME   (default keyspace1, RF 1)
  -mode connectionsPerHost=N                    connections per node (default 4)
        io=N                                    client event-loop threads (default 1)
  -log interval=S          progress line interval in seconds (default 1)

Schema (created when missing): NAME.standard1 (key blob PRIMARY KEY, "C0".."C<K-1>" blob);
keys are 10 bytes, statements are prepared.
)";
}

}  // namespace krill::tools::stress
