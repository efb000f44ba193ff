// Deterministic generator for the blacklist benchmark (bench/blacklist/README.md).
//
//   blacklist-gen emails N > emails.csv     email,first_seen,source
//   blacklist-gen ips N > ips.csv           ip,first_seen,source
//
// Row i depends only on i (splitmix64), so lookup.py can recompute any row: every e-mail
// carries i in base 36, so all are distinct; IPv4 addresses are a bijection of i (odd
// multiplier mod 2^32), IPv6 addresses embed i. Rows with i >= N are guaranteed misses.
// Keep the formulas in step with lookup.py.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

const char* const kWords[16] = {"buy",   "cheap", "win",   "promo", "deal",  "lucky", "free",  "crypto",
                                "pills", "loan",  "prize", "offer", "bonus", "rich",  "click", "gift"};
const char* const kDomains[8] = {"mailinator.test", "spam.example", "junk.example",  "bulk.test",
                                 "promo.example",   "fake.test",    "trash.example", "burner.test"};
const char* const kSources[6] = {"honeypot", "spamtrap", "abuse-report", "rbl", "manual", "bounce"};

std::string base36(uint64_t v) {
  std::string s;
  do {
    s.insert(s.begin(), "0123456789abcdefghijklmnopqrstuvwxyz"[v % 36]);
    v /= 36;
  } while (v != 0);
  return s;
}

// first_seen: a second between 2015-01-01 and about 2024-12-31, as yyyy-mm-ddThh:mm:ssZ.
void first_seen(uint64_t h, char* out, size_t n) {
  int64_t t = 1420070400 + static_cast<int64_t>(h % 315360000ull);
  int64_t days = t / 86400, secs = t % 86400;
  // civil_from_days (Howard Hinnant's algorithm).
  days += 719468;
  int64_t era = days / 146097;
  int64_t doe = days - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  std::snprintf(out, n, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", static_cast<long long>(y),
                static_cast<long long>(m), static_cast<long long>(d), static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || (std::strcmp(argv[1], "emails") != 0 && std::strcmp(argv[1], "ips") != 0)) {
    std::fprintf(stderr, "usage: %s emails|ips N\n", argv[0]);
    return 2;
  }
  const bool emails = std::strcmp(argv[1], "emails") == 0;
  const uint64_t n = std::strtoull(argv[2], nullptr, 10);
  static char buf[1 << 20];
  std::setvbuf(stdout, buf, _IOFBF, sizeof buf);
  std::fputs(emails ? "email,first_seen,source\n" : "ip,first_seen,source\n", stdout);
  char when[32];
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t h = mix(i);
    first_seen(h >> 8, when, sizeof when);
    const char* source = kSources[(h >> 56) % 6];
    if (emails) {
      std::printf("%s.%s%s@%s,%s,%s\n", kWords[h & 15], kWords[(h >> 4) & 15], base36(i).c_str(),
                  kDomains[(h >> 48) & 7], when, source);
    } else if (h % 5 != 0) {  // 4 in 5 are IPv4
      uint32_t a = static_cast<uint32_t>(i * 2654435761ull + 0x5bd1e995ull);
      std::printf("%u.%u.%u.%u,%s,%s\n", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255, when, source);
    } else {
      std::printf("2001:db8:%x:%x::%x:%x,%s,%s\n", static_cast<unsigned>((h >> 16) & 0xffff),
                  static_cast<unsigned>((h >> 32) & 0xffff), static_cast<unsigned>(i >> 16),
                  static_cast<unsigned>(i & 0xffff), when, source);
    }
  }
  return std::fflush(stdout) == 0 ? 0 : 1;
}
