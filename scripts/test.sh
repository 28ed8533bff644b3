#!/usr/bin/env bash
# The whole test suite: Rust unit, property and integration tests (real server, real
# WebSockets), then the browser tests (real Chromium). Installs what the browser tests need
# on a fresh machine (Debian's chromium, the test package's npm dependencies, TypeScript for the
# client's type check).
set -euo pipefail
cd "$(dirname "$0")/.."

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
