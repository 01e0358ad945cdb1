#!/usr/bin/env bash
# `make test`: install what the suite needs, start the real services, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
make --no-print-directory venv
scripts/ensure-packages.sh
# The quick checks first, before any service starts: lint, the layer contract, the types.
.venv/bin/ruff check .
.venv/bin/lint-imports --no-logo --cache-dir .cache/import-linter
.venv/bin/python scripts/typecheck.py
if [[ -z "${KAFKA_BOOTSTRAP_SERVERS:-}" ]]; then
  # A broker of the test run's own, in a state dir named after this checkout: never a
  # development broker (make kafka-up) or another checkout's test run.
  CASEJOURNEY_KAFKA_DIR="${CASEJOURNEY_TEST_KAFKA_DIR:-/tmp/cj-test-kafka-$(pwd | sha1sum | cut -c1-10)}"
  export CASEJOURNEY_KAFKA_DIR
  scripts/kafka.sh up
  STOP_KAFKA=1
  trap 'scripts/kafka.sh down' EXIT
  KAFKA_BOOTSTRAP_SERVERS="$(scripts/kafka.sh address)"
  export KAFKA_BOOTSTRAP_SERVERS
fi
if [[ -z "${CASEJOURNEY_KEYCLOAK_URL:-}" ]]; then
  # The identity provider the sign-in browser tests sign in against: a real Keycloak of
  # the test run's own (start-dev, the test realm), stopped when the run ends.
  CASEJOURNEY_KEYCLOAK_DIR="${CASEJOURNEY_TEST_KEYCLOAK_DIR:-/tmp/cj-test-keycloak-$(pwd | sha1sum | cut -c1-10)}"
  export CASEJOURNEY_KEYCLOAK_DIR
  scripts/keycloak.sh up
  trap 'scripts/keycloak.sh down; [[ -z "${STOP_KAFKA:-}" ]] || scripts/kafka.sh down' EXIT
  CASEJOURNEY_KEYCLOAK_URL="$(scripts/keycloak.sh address)"
  export CASEJOURNEY_KEYCLOAK_URL
fi
.venv/bin/python -m pytest tests -q "$@"
