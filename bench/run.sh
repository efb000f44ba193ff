#!/usr/bin/env bash
# Krill vs Redis on this machine: W1 write, R1 read, L1 latency at a fixed rate, M1 memory,
# S1 start-up. One command; builds what it needs; prints a table and writes docs/benchmarks.md.
# Not part of the test suite. See bench/README.md.
#
#   bash bench/run.sh [--quick] [--rows N] [--rounds N] [--build-dir DIR] [--no-doc] [...]
#
# --build-dir DIR: where to build krill (default: build-bench, RelWithDebInfo, dynamic);
# KRILL_BIN=path skips the build and uses that binary. Other flags go to bench/bench.py.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

build_dir="build-bench"
pass=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build_dir="$2"; shift 2 ;;
    *) pass+=("$1"); shift ;;
  esac
done

# Redis from Debian is the baseline; everything else comes with the usual dependencies.
if ! command -v redis-server >/dev/null || ! command -v redis-benchmark >/dev/null || ! command -v cmake >/dev/null; then
  bash scripts/install-deps.sh
fi

jobs="${KRILL_BUILD_JOBS:-2}"
if [ -z "${KRILL_BIN:-}" ]; then
  if [ ! -f "$build_dir/build.ninja" ]; then
    cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKRILL_STATIC=OFF >/dev/null
  fi
  ninja -C "$build_dir" -j"$jobs" krill >/dev/null
  KRILL_BIN="$build_dir/krill"
fi

mkdir -p "$build_dir"
echo_bin="$build_dir/bench-echo"
if [ ! -x "$echo_bin" ] || [ bench/echo.cc -nt "$echo_bin" ]; then
  g++ -O2 -std=c++20 -Wall -Wextra -pthread bench/echo.cc -o "$echo_bin"
fi

# Bounded: the whole run may not exceed an hour (quick mode takes about three minutes).
exec timeout --signal=TERM --kill-after=30 3600 \
  /usr/bin/python3 bench/bench.py --krill "$KRILL_BIN" --echo "$echo_bin" "${pass[@]}"
