#!/usr/bin/env bash
# Quick checks a reviewer would make first: formatting, vet, module tidiness.
# The layering and migration-numbering rules are Go tests
# (internal/archtest, internal/sqlite) and run with the suite.
set -euo pipefail
cd "$(dirname "$0")/.."
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './e2e/node_modules/*'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:" >&2
  echo "$unformatted" >&2
  exit 1
fi
go vet ./...
go mod verify >/dev/null
