#!/usr/bin/env bash
# A real Keycloak (OpenID Connect identity provider) for the sign-in tests, run from
# Keycloak's own server distribution on Maven Central in `start-dev` mode. No Docker.
#
#   scripts/keycloak.sh up        fetch if needed, start with the test realm, wait until ready
#   scripts/keycloak.sh down      stop it and remove its state dir
#   scripts/keycloak.sh address   print its base URL (http://127.0.0.1:PORT)
#   scripts/keycloak.sh status    say whether it runs and answers (exit 0 if ready)
#   scripts/keycloak.sh fetch     only fetch and unpack the distribution into the cache
#   scripts/keycloak.sh logs      print the tail of its log
#
# The realm is infra/keycloak/casejourney-realm.json: synthetic users for each role and
# team (password casejourney-test), and the dashboard's client. Each `up` starts from a
# fresh copy of the distribution in the state dir, so the cache is never written to and
# two state dirs can run side by side.
#
# Environment:
#   CASEJOURNEY_KEYCLOAK_DIR   state dir (default /tmp/casejourney-keycloak)
#   CASEJOURNEY_CACHE          cache root (default ~/.cache/casejourney)
#   KEYCLOAK_PORT              HTTP port (default: a free port chosen at `up`)
#   KEYCLOAK_READY_TIMEOUT     seconds to wait for the health check (default 300: over
#                              100 s is usual on a loaded machine)
#   KEYCLOAK_HEAP_OPTS         JVM heap flags (default -Xms64m -Xmx768m)
#   JAVA_HOME                  JDK/JRE to use (default: java on PATH); needs Java 17+
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
POM="$ROOT/infra/keycloak/pom.xml"
REALM="$ROOT/infra/keycloak/casejourney-realm.json"
STATE_DIR="${CASEJOURNEY_KEYCLOAK_DIR:-/tmp/casejourney-keycloak}"
STATE_DIR="${STATE_DIR%/}"
CACHE_ROOT="${CASEJOURNEY_CACHE:-$HOME/.cache/casejourney}"
READY_TIMEOUT="${KEYCLOAK_READY_TIMEOUT:-300}"
HEAP_OPTS="${KEYCLOAK_HEAP_OPTS:--Xms64m -Xmx768m}"
HOST=127.0.0.1

PID_FILE="$STATE_DIR/keycloak.pid"
ADDR_FILE="$STATE_DIR/address"
HEALTH_FILE="$STATE_DIR/health"
LOG_FILE="$STATE_DIR/keycloak.log"
SERVER="$STATE_DIR/server"

NAME=keycloak.sh
# shellcheck source=scripts/lib/jvm.sh
source "$ROOT/scripts/lib/jvm.sh"

[[ -f "$POM" ]] || die "missing $POM"
[[ -f "$REALM" ]] || die "missing $REALM"
VERSION="$(pom_version "$POM" keycloak.version)"
DIST="$CACHE_ROOT/keycloak-$VERSION"
STAMP="$DIST/.complete"

fetch() {
  [[ -f "$STAMP" && -x "$DIST/bin/kc.sh" ]] && return 0
  command -v mvn >/dev/null 2>&1 \
    || die "mvn not found; it is needed once to fetch Keycloak $VERSION (apt-get install -y maven)."
  local tmp="$CACHE_ROOT/keycloak-$VERSION.partial.$$" start=$SECONDS
  rm -rf "$tmp"
  mkdir -p "$tmp"
  say "fetching Keycloak $VERSION from Maven Central into $DIST ..."
  if ! mvn -q -B -f "$POM" dependency:copy-dependencies -DoutputDirectory="$tmp/dl" \
    >"$tmp/fetch.log" 2>&1; then
    tail -n 40 "$tmp/fetch.log" >&2
    die "mvn could not fetch Keycloak (log: $tmp/fetch.log)"
  fi
  local archive="$tmp/dl/keycloak-quarkus-dist-$VERSION.tar.gz"
  [[ -f "$archive" ]] || die "the fetch produced no $archive"
  tar -xzf "$archive" -C "$tmp"
  [[ -x "$tmp/keycloak-$VERSION/bin/kc.sh" ]] || die "no bin/kc.sh in $archive"
  rm -rf "$DIST"
  mv "$tmp/keycloak-$VERSION" "$DIST"
  rm -rf "$tmp"
  touch "$STAMP"
  say "fetched and unpacked in $((SECONDS - start)) s"
}

server_pid() {
  # The pid of our running Keycloak, or nothing (also when the pid was reused).
  [[ -f "$PID_FILE" ]] || return 1
  local pid cmdline
  pid="$(cat "$PID_FILE" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *"$SERVER"* ]] || return 1
  echo "$pid"
}

free_port() {
  python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

ready() {
  # Keycloak's own readiness check, on its management port.
  [[ -f "$HEALTH_FILE" ]] || return 1
  python3 - "$(cat "$HEALTH_FILE")" <<'EOF'
import sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=3) as reply:
        sys.exit(0 if b'"UP"' in reply.read() else 1)
except OSError:
    sys.exit(1)
EOF
}

up() {
  if server_pid >/dev/null && ready; then
    say "already running at $(cat "$ADDR_FILE")"
    return 0
  fi
  java17 "Keycloak $VERSION" >/dev/null  # kc.sh finds the same java itself
  fetch
  rm -rf "$STATE_DIR"
  mkdir -p "$STATE_DIR"
  chmod 700 "$STATE_DIR"
  cp -a "$DIST" "$SERVER"
  mkdir -p "$SERVER/data/import"
  cp "$REALM" "$SERVER/data/import/"
  local port="${KEYCLOAK_PORT:-$(free_port)}" management
  management="$(free_port)"
  echo "http://$HOST:$port" >"$ADDR_FILE"
  echo "http://$HOST:$management/health/ready" >"$HEALTH_FILE"
  say "starting Keycloak $VERSION on $HOST:$port (state $STATE_DIR) ..."
  (
    cd "$STATE_DIR"
    JAVA_OPTS_KC_HEAP="$HEAP_OPTS" exec setsid "$SERVER/bin/kc.sh" start-dev \
      --http-host="$HOST" --http-port="$port" --http-management-port="$management" \
      --hostname-strict=false --health-enabled=true --import-realm \
      --cache=local >"$LOG_FILE" 2>&1 </dev/null
  ) &
  echo $! >"$PID_FILE"
  local deadline=$((SECONDS + READY_TIMEOUT)) start=$SECONDS
  until ready; do
    if ! server_pid >/dev/null; then
      tail -n 40 "$LOG_FILE" >&2 || true
      die "Keycloak exited before it was ready (log: $LOG_FILE)"
    fi
    ((SECONDS < deadline)) || die "Keycloak was not ready within $READY_TIMEOUT s (log: $LOG_FILE)"
    sleep 1
  done
  say "ready at http://$HOST:$port after $((SECONDS - start)) s"
}

down() {
  local pid
  if pid="$(server_pid)"; then
    # kc.sh execs java, so the pid is the JVM's; its process group is ours (setsid).
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 1
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -rf "$STATE_DIR"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  fetch) fetch ;;
  address)
    server_pid >/dev/null || die "not running (state $STATE_DIR)"
    cat "$ADDR_FILE"
    ;;
  status)
    if server_pid >/dev/null && ready; then
      echo "keycloak.sh: ready at $(cat "$ADDR_FILE")"
    else
      echo "keycloak.sh: not running (state $STATE_DIR)"
      exit 1
    fi
    ;;
  logs) tail -n 80 "$LOG_FILE" ;;
  *)
    sed -n '2,14p' "$0" >&2
    exit 2
    ;;
esac
