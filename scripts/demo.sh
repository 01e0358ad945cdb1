#!/usr/bin/env bash
# `make demo`: synthetic families into the embedded SQLite store, summarised, no servers.
set -euo pipefail
cd "$(dirname "$0")/.."
CJ=.venv/bin/casejourney
FAMILIES="${DEMO_FAMILIES:-300}"
YEARS="${DEMO_YEARS:-3}"
OUT="${DEMO_DIR:-var/demo}"
mkdir -p "$OUT"

echo "== generating $FAMILIES synthetic families over $YEARS years"
$CJ generate --families "$FAMILIES" --years "$YEARS" --seed 2019 --out "$OUT/events.jsonl"

echo "== ingesting into the embedded event store"
$CJ ingest "$OUT/events.jsonl"

echo "== summary"
$CJ summary
