#!/bin/sh
# Installs the browser tests' npm packages, exactly as package-lock.json pins them, when
# node_modules is missing or the lock changed since the last install; otherwise does nothing.
# Never downloads a browser: the tests drive Debian's chromium (deploy/deps.sh).
set -eu
cd "$(dirname "$0")"
if ! command -v npm >/dev/null 2>&1; then
  echo "browser-deps: npm not found (deploy/deps.sh installs nodejs and npm)" >&2
  exit 1
fi
# The lock's hash as of the last successful install, kept inside node_modules (not committed).
stamp=node_modules/.vaora-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
echo "browser-deps: npm ci in tests/browser"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
echo "$want" > "$stamp"
