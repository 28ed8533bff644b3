#!/usr/bin/env bash
# The whole test suite: Rust unit, property and integration tests (real server, real
# WebSockets), then the browser tests (real Chromium). Installs what the browser tests need
# on a fresh machine (Debian's chromium and postgresql, the test package's npm dependencies,
# TypeScript for the client's type check).
set -euo pipefail
cd "$(dirname "$0")/.."

# The PostgreSQL store's tests start a PostgreSQL server of their own (initdb in a temporary folder).
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  echo "== installing PostgreSQL =="
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y postgresql
fi

echo "== cargo test (unit, property, integration) =="
# A log of its own: two copies of the suite on one machine must not read each other's.
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
cargo test --workspace --all-targets 2>&1 | tee "$LOG"
grep -q "test result" "$LOG"

echo "== scenario files =="
cargo run --quiet -- scenario check --strict scenarios/*.toml > /dev/null

echo "== web client type check (tsc --checkJs) =="
bash tests/browser/typecheck.sh

echo "== browser tests (Chromium) =="
cargo build --quiet
PARLEY_BIN="$PWD/target/debug/parley" bash tests/browser/run.sh
