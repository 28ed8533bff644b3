#!/usr/bin/env bash
# Browser end-to-end tests: the real server binary, the real client (client-web/), real Chromium.
#
#   cargo build && bash tests/browser/run.sh
#
# Installs what it needs on a fresh machine (Debian's chromium, the npm dependencies of this
# folder), starts `parley serve` on a free port with a temporary database, waits for /healthz,
# runs `node --test` with PARLEY_URL set, and stops the server at the end. It never builds the
# server: PARLEY_BIN (default <repo>/target/debug/parley) must exist already.
# Screenshots of every phase land in tests/browser/screenshots/ (git-ignored).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PARLEY_BIN="${PARLEY_BIN:-$REPO/target/debug/parley}"
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"

if [ ! -x "$PARLEY_BIN" ]; then
  echo "run.sh: server binary $PARLEY_BIN not found: build it first (cargo build)" >&2
  exit 1
fi

if [ ! -x "$CHROMIUM" ]; then
  echo "== installing Debian's chromium =="
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y chromium
fi

echo "== npm ci (tests/browser) =="
(cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)

TMP="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

# A free port on the loopback interface.
PORT="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close();})")"
URL="http://127.0.0.1:$PORT"

echo "== starting $PARLEY_BIN on $URL =="
# A bot is offered after 3 s alone in the practice pool (the default is 30 s), so the tests of
# the waiting screen's bot button do not wait half a minute. Every test creates its sessions from
# this one address, more than the default 30 an hour (that limit has its own Rust tests), so the
# budget is raised here; otherwise the tests that run last are refused with 429.
# The server reads a copy of the bundled scenarios: the editor's test saves a scenario into the
# folder, which must not be the repository's.
mkdir -p "$TMP/scenarios"
cp "$REPO"/scenarios/*.toml "$TMP/scenarios/"
"$PARLEY_BIN" serve --addr "127.0.0.1:$PORT" --db "$TMP/parley.db" \
  --scenarios "$TMP/scenarios" --static "$REPO/client-web" --practice-bot-after 3 \
  --sessions-per-hour 1000 >"$TMP/server.log" 2>&1 &
SERVER_PID=$!

# Wait (at most 30 s) until /healthz answers.
up=0
for _ in $(seq 1 150); do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "run.sh: the server exited early:" >&2
    cat "$TMP/server.log" >&2
    exit 1
  fi
  if node -e "fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" "$URL/healthz" 2>/dev/null; then
    up=1
    break
  fi
  sleep 0.2
done
if [ "$up" != "1" ]; then
  echo "run.sh: the server did not answer $URL/healthz within 30 s:" >&2
  cat "$TMP/server.log" >&2
  exit 1
fi

echo "== node --test (Chromium) =="
status=0
(cd "$HERE" && PARLEY_URL="$URL" CHROMIUM_PATH="$CHROMIUM" node --test --test-concurrency=1 ./*.test.mjs) || status=$?
if [ "$status" != "0" ]; then
  echo "run.sh: browser tests failed; last lines of the server log:" >&2
  tail -n 40 "$TMP/server.log" >&2
fi
exit "$status"
