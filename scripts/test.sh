#!/usr/bin/env bash
# Builds everything and runs every test: unit tests, then the black-box tests that start
# the real krill binary and drive it with the Python, Node.js and Go drivers.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
bash scripts/install-deps.sh
jobs="${KRILL_BUILD_JOBS:-2}"
werror=OFF
[ "${CI:-}" = "true" ] && werror=ON
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKRILL_WERROR="$werror" >/dev/null
ninja -C build -j"$jobs"
cd build
ctest --output-on-failure -j"$jobs" --timeout 900
