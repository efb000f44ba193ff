#!/usr/bin/env bash
# Builds Krill (if needed) and starts one node with sensible defaults:
# data in ./data, CQL on 127.0.0.1:9042, HTTP on 8000. Extra arguments go to `krill serve`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build -j"$(nproc)" krill
exec ./build/krill serve --data-dir ./data "$@"
