#!/usr/bin/env bash
# Installs everything Krill needs to build, run and test, on a fresh Debian 12 machine.
# Used by both README commands and by CI. Idempotent: re-running is cheap when all is present.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

DEBIAN_PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libboost1.81-all-dev libboost-json1.81-dev
  librocksdb-dev libspdlog-dev libfmt-dev libcli11-dev libyaml-cpp-dev
  liblz4-dev libsnappy-dev libzstd-dev libbz2-dev zlib1g-dev libssl-dev libjemalloc-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3-cassandra python3-pytest
  redis-server redis-tools
  tmux rsyslog chromium
  nodejs
  golang-go golang-github-gocql-gocql-dev
)

missing=()
# npm ships inside some nodejs builds (NodeSource); only ask Debian for it when it is absent.
command -v npm >/dev/null 2>&1 || DEBIAN_PACKAGES+=(npm)
for p in "${DEBIAN_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The Node.js driver for the black-box tests, pinned in tests/node/package.json.
if [ ! -d "$here/tests/node/node_modules/cassandra-driver" ]; then
  echo "install-deps: installing npm cassandra-driver"
  (cd "$here/tests/node" && npm install --no-audit --no-fund --silent)
fi

# The dashboard's browser test: playwright-core (drives Debian's chromium) and the driver,
# pinned in tests/browser/package.json.
if [ ! -d "$here/tests/browser/node_modules/playwright-core" ]; then
  echo "install-deps: installing npm playwright-core for the dashboard test"
  (cd "$here/tests/browser" && npm install --no-audit --no-fund --silent)
fi
