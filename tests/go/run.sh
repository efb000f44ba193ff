#!/usr/bin/env bash
# Runs the gocql black-box tests offline: GOPATH mode against Debian's
# golang-github-gocql-gocql-dev (/usr/share/gocode), no module downloads.
#   KRILL_BIN=build/krill tests/go/run.sh            # run the tests
#   tests/go/run.sh --compile-only                   # only vet and compile them (no server)
# Extra arguments are passed to `go test`. GOCACHE may be preset (CTest uses the build dir).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/krill-go-build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

export GO111MODULE=off
export GOPATH="$tmp/gopath:/usr/share/gocode"
export GOCACHE="${GOCACHE:-$tmp/gocache}"
export GOFLAGS=
export GOPROXY=off
export GOTOOLCHAIN=local
export CGO_ENABLED="${CGO_ENABLED:-0}"

if [ -z "${KRILL_BIN:-}" ]; then
  export KRILL_BIN="$here/../../build/krill"
fi

cd "$here"
go vet .
if [ "${1:-}" = "--compile-only" ]; then
  go test -c -o "$tmp/krill-go.test" .
  echo "go tests compile"
  exit 0
fi
go test -count=1 -timeout 300s -v "$@" .
