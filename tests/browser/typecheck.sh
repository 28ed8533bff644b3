#!/usr/bin/env bash
# Type-checks the web client: `tsc --noEmit --checkJs` with client-web/jsconfig.json (strict), against
# the JSDoc typedefs generated from the server's Rust types (client-web/js/types.js). TypeScript is a
# pinned devDependency of this folder, installed by `npm ci` like the browser tests' dependencies, so a
# fresh machine needs nothing by hand. Users still get the client as it is: no build step.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"

echo "== npm ci (tests/browser) =="
(cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)

echo "== tsc --noEmit --checkJs (client-web) =="
"$HERE/node_modules/.bin/tsc" --noEmit --checkJs -p "$REPO/client-web/jsconfig.json"
echo "tsc: client-web type-checks"

echo "== message catalogs (client-web/js/i18n) =="
node "$HERE/i18n-check.mjs"
