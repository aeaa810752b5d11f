#!/usr/bin/env bash
# Installs the web chat widget (web/node_modules, from web/package-lock.json) with
# `npm ci` when it is missing or the lockfile changed. Used by run.sh and test.sh.
# Log: build/logs/npm.log.

set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

INSTALLED=web/node_modules/.package-lock.json
if [ -f "$INSTALLED" ] && ! [ web/package-lock.json -nt "$INSTALLED" ]; then
    echo "Web chat widget is up to date: web/node_modules."
    exit 0
fi
command -v npm >/dev/null 2>&1 || {
    echo "npm is needed for the web chat widget (Debian: apt-get install npm)." >&2
    exit 1
}
mkdir -p build/logs
echo "Installing the web chat widget (npm ci in web/; log: build/logs/npm.log)..."
if ! (cd web && npm ci --no-audit --no-fund) >build/logs/npm.log 2>&1; then
    tail -n 15 build/logs/npm.log >&2
    echo "npm ci in web/ failed; the full log is build/logs/npm.log." >&2
    exit 1
fi
touch "$INSTALLED"
