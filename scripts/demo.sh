#!/usr/bin/env bash
# `make demo`: synthetic families into the embedded SQLite store, projected, alerts
# raised, then the dashboard. No servers needed. DEMO_NO_DASHBOARD=1 stops before it.
set -euo pipefail
cd "$(dirname "$0")/.."
CJ=.venv/bin/casejourney
FAMILIES="${DEMO_FAMILIES:-300}"
YEARS="${DEMO_YEARS:-3}"
OUT="${DEMO_DIR:-var/demo}"
PORT="${DEMO_PORT:-8501}"
mkdir -p "$OUT"
# A demo store of its own, made afresh each run (the journeys end today, so
# yesterday's demo would not match). Set CASEJOURNEY_DATABASE_URL to use another.
if [[ -z "${CASEJOURNEY_DATABASE_URL:-}" ]]; then
  rm -f "$OUT"/casejourney.db "$OUT"/casejourney.db-*
  export CASEJOURNEY_DATABASE_URL="sqlite:///$PWD/$OUT/casejourney.db"
fi

echo "== generating $FAMILIES synthetic families over $YEARS years"
# The journeys run up to today, so deadlines and drift read as they would in practice.
$CJ generate --families "$FAMILIES" --years "$YEARS" --seed 2019 --end "$(date +%F)" \
  --out "$OUT/events.jsonl"

echo "== ingesting into the embedded event store"
$CJ ingest "$OUT/events.jsonl"

echo "== projecting read models and raising alerts"
$CJ project

echo "== summary"
$CJ summary
echo
$CJ indicators
echo
echo "alerts by kind:"
$CJ alerts --json | .venv/bin/python -c '
import collections, json, sys
rows = json.load(sys.stdin)
for kind, n in sorted(collections.Counter(r["kind"] for r in rows).items()):
    print(f"  {kind:<26} {n}")'

echo
echo "== the CLI reads this demo store after: export CASEJOURNEY_DATABASE_URL=$CASEJOURNEY_DATABASE_URL"
if [[ -n "${DEMO_NO_DASHBOARD:-}" ]]; then
  exit 0
fi
echo
echo "== dashboard: open http://127.0.0.1:$PORT (Ctrl-C stops it)"
exec $CJ dashboard --port "$PORT"
