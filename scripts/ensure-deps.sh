#!/usr/bin/env bash
# Installs what tests and the sandbox need when it is missing or stale: node_modules (npm ci),
# redis-server, postgresql (FerretDB's default backend) and chromium (apt), .bin/ferretdb-embedded (go build of tools/ferretdb). Silent when all is in place.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { echo "ensure-deps: $*" >&2; }
die() { say "error: $*"; exit 1; }

# Runs a command as root: directly when we are root, else through sudo when it exists.
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root (or sudo) to run: $*"
  fi
}

# 1. npm packages: missing, or package-lock.json changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund >&2
fi

# 2. redis-server from Debian's packages.
if ! command -v redis-server >/dev/null 2>&1 && [ ! -x /usr/bin/redis-server ]; then
  command -v apt-get >/dev/null 2>&1 || die "redis-server is missing and apt-get is not available: install Redis 7 yourself"
  say "installing redis-server (apt-get)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >&2
fi

# 2b. PostgreSQL from Debian's packages: the embedded FerretDB's default backend
#     (local-services/postgres.ts; FERRETDB_BACKEND=sqlite does without it).
if [ "${FERRETDB_BACKEND:-postgresql}" = postgresql ] && ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 || die "PostgreSQL is missing and apt-get is not available: install PostgreSQL 15+ or set FERRETDB_BACKEND=sqlite"
  say "installing postgresql (apt-get)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
fi

# 3. Chromium from Debian's packages, for the browser test of the settings page (playwright-core
#    drives it; CHROMIUM_PATH points elsewhere when it lives somewhere else).
if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 || die "chromium is missing and apt-get is not available: install Chromium and set CHROMIUM_PATH"
  say "installing chromium (apt-get)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >&2
fi

# 4. The embedded FerretDB: missing, or older than any of its sources.
bin=.bin/ferretdb-embedded
stale=""
if [ ! -x "$bin" ]; then
  stale="missing"
else
  for src in tools/ferretdb/go.mod tools/ferretdb/go.sum tools/ferretdb/*.go tools/ferretdb/*.sql; do
    if [ "$src" -nt "$bin" ]; then stale="older than $src"; break; fi
  done
fi
if [ -n "$stale" ]; then
  go=go
  if ! command -v go >/dev/null 2>&1; then
    [ -x /usr/local/go/bin/go ] || die "Go toolchain not found (needed to build $bin from tools/ferretdb)"
    go=/usr/local/go/bin/go
  fi
  say "building $bin ($stale) with $("$go" env GOVERSION)"
  mkdir -p .bin
  (cd tools/ferretdb && "$go" build -o "../../$bin.tmp" .) >&2
  mv -f "$bin.tmp" "$bin"
fi
