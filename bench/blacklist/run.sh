#!/usr/bin/env bash
# The blacklist scenario (seed 000): 30 M spammer e-mail addresses and 5 M IP addresses,
# bulk-loaded with `krill load`, checked with driver lookups, compared with COPY FROM and
# the normal write path. Prints a table; writes the "Blacklist" section of
# docs/benchmarks.md (unless --no-doc). See bench/blacklist/README.md.
#
#   bash bench/blacklist/run.sh [--quick] [--rows N] [--write-rows N] [--work DIR] [--no-doc]
#
# --quick: 200 000 rows (a smoke test, about a minute). KRILL_BIN=path skips the build.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"

if ! command -v cmake >/dev/null || ! /usr/bin/python3 -c "import cassandra" 2>/dev/null; then
  bash scripts/install-deps.sh
fi
build_dir="${KRILL_BUILD_DIR:-build}"
if [ -z "${KRILL_BIN:-}" ]; then
  if [ ! -f "$build_dir/build.ninja" ]; then
    cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  fi
  ninja -C "$build_dir" -j"${KRILL_BUILD_JOBS:-2}" krill >/dev/null
  KRILL_BIN="$build_dir/krill"
fi
gen_bin="$build_dir/blacklist-gen"
if [ ! -x "$gen_bin" ] || [ bench/blacklist/gen.cc -nt "$gen_bin" ]; then
  g++ -O2 -std=c++20 -Wall -Wextra bench/blacklist/gen.cc -o "$gen_bin"
fi
# Bounded: the full scenario must finish within two hours.
exec timeout --signal=TERM --kill-after=30 7200 \
  /usr/bin/python3 bench/blacklist/blacklist.py --krill "$KRILL_BIN" --gen "$gen_bin" "$@"
