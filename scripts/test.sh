#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what the tests need
# (Debian's chromium for browser tests, a Java runtime for the HTML
# checker, npm packages), runs the checks, then every Go test including the
# browser tests, which fail rather than skip when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
command -v chromium >/dev/null 2>&1 || need_pkgs+=(chromium)
command -v java >/dev/null 2>&1 || need_pkgs+=(default-jre-headless)
command -v gcc >/dev/null 2>&1 || need_pkgs+=(gcc)
if ((${#need_pkgs[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "== installing ${need_pkgs[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
  else
    echo "missing ${need_pkgs[*]}: install them (apt-get install ${need_pkgs[*]}) or run as root" >&2
    exit 1
  fi
fi

if [ ! -d e2e/node_modules/axe-core ] || [ ! -d e2e/node_modules/vnu-jar ]; then
  echo "== npm ci (e2e)"
  (cd e2e && npm ci --no-audit --no-fund --loglevel=error)
fi
[ -d web/editor/node_modules/prosemirror-view ] || { echo "== npm ci (web/editor)"; (cd web/editor && npm ci --no-audit --no-fund --loglevel=error); }

command -v mailpit >/dev/null 2>&1 || [ -x "$(go env GOPATH)/bin/mailpit" ] || { echo "== go install mailpit (SMTP server for newsletter tests)"; go install github.com/axllent/mailpit@v1.33.1; }

echo "== checks"
bash scripts/check.sh

echo "== go test"
export QALAM_E2E=require
go test -count=1 -timeout 15m ./...
echo "== go test -race (concurrent parts)"
go test -count=1 -race -timeout 10m ./internal/pagecache/ ./internal/sqlite/ ./internal/storetest/
