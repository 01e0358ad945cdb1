#!/usr/bin/env bash
# The benchmark suite (issue 7): `scripts/bench.sh --scale council|national [--fraction F]`.
# Starts its own throwaway PostgreSQL cluster and a private Kafka broker
# (CASEJOURNEY_KAFKA_DIR defaults to /tmp/cj-bench-kafka, never a test run's), measures
# every figure beside its baseline, writes bench/results/<date>-<scale>.{json,md}, and
# stops what it started. Options: `.venv/bin/python -m bench --help`.
set -euo pipefail
cd "$(dirname "$0")/.."
make --no-print-directory venv
scripts/ensure-packages.sh
kafka_dir="${CASEJOURNEY_BENCH_KAFKA_DIR:-/tmp/cj-bench-kafka}"
exec .venv/bin/python -m bench --kafka-dir "$kafka_dir" "$@"
