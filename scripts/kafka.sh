#!/usr/bin/env bash
# A real single-node Apache Kafka broker (KRaft, combined broker+controller) for
# development and tests, run from Apache's own jars on Maven Central. No Docker.
#
#   scripts/kafka.sh up        fetch the jars if needed, format, start, wait until ready
#   scripts/kafka.sh down      stop the broker and remove its state dir
#   scripts/kafka.sh stop      stop the broker, keep its state dir (topics, offsets, port)
#   scripts/kafka.sh start     start a stopped broker again from its state dir, wait until ready
#   scripts/kafka.sh address   print host:port of the running broker
#   scripts/kafka.sh tls-address   print host:port of its SASL_SSL listener (when TLS is on)
#   scripts/kafka.sh status    say whether it runs and answers (exit 0 if ready)
#   scripts/kafka.sh fetch     only fetch the jars into the cache
#   scripts/kafka.sh logs      print the tail of the broker log
#
# Environment:
#   KAFKA_PORT               client port (default: a free port chosen at `up`)
#   KAFKA_CONTROLLER_PORT    controller port (default: a free port chosen at `up`)
#   CASEJOURNEY_KAFKA_DIR    state dir (default /tmp/casejourney-kafka)
#   CASEJOURNEY_CACHE        jar cache root (default ~/.cache/casejourney)
#   KAFKA_READY_TIMEOUT      seconds to wait for readiness (default 90)
#   KAFKA_STOP_GRACE         seconds between SIGTERM and SIGKILL at `down` (default 30)
#   KAFKA_HEAP_OPTS          JVM heap flags (default -Xms128m -Xmx512m)
#   KAFKA_READY_CHECK        auto | python | java: how readiness is asked (default auto:
#                            kafka-python from .venv when importable, else Kafka's TopicCommand)
#   JAVA_HOME                JDK/JRE to use (default: java on PATH); needs Java 17+
#   KAFKA_TLS_CERT, KAFKA_TLS_KEY   at `up`: a server certificate and its unencrypted key
#                            (PEM) turn on a second listener, SASL_SSL with SCRAM-SHA-512,
#                            beside PLAINTEXT (which readiness and the tools keep using)
#   KAFKA_SCRAM_USERS        with TLS: "name:password[,name:password...]", the SCRAM users
#                            written into the storage at format time
#   KAFKA_TLS_PORT           the SASL_SSL port (default: a free port chosen at `up`)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
POM="$ROOT/infra/kafka/pom.xml"
STATE_DIR="${CASEJOURNEY_KAFKA_DIR:-/tmp/casejourney-kafka}"
STATE_DIR="${STATE_DIR%/}"
CACHE_ROOT="${CASEJOURNEY_CACHE:-$HOME/.cache/casejourney}"
READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-90}"
STOP_GRACE="${KAFKA_STOP_GRACE:-30}"
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m}"
HOST=127.0.0.1

PID_FILE="$STATE_DIR/kafka.pid"
ADDR_FILE="$STATE_DIR/address"
TLS_ADDR_FILE="$STATE_DIR/tls-address"
LOG_DIR="$STATE_DIR/logs"
LOG_FILE="$LOG_DIR/server.log"
OUT_FILE="$LOG_DIR/stdout.log"

NAME=kafka.sh
# shellcheck source=scripts/lib/jvm.sh
source "$ROOT/scripts/lib/jvm.sh"

[[ -f "$POM" ]] || die "missing $POM"
KAFKA_VERSION="$(pom_version "$POM" kafka.version)"
KAFKA_HOME="$CACHE_ROOT/kafka-$KAFKA_VERSION"
LIBS="$KAFKA_HOME/libs"
STAMP="$KAFKA_HOME/.complete"
POM_SUM="$(sha1sum "$POM" | cut -c1-40)"

# ---------------------------------------------------------------- jar cache

cache_complete() {
  [[ -f "$STAMP" && -d "$LIBS" ]] || return 1
  local sum count
  read -r sum count <"$STAMP" || return 1
  [[ "$sum" == "$POM_SUM" ]] || return 1
  [[ "$(find "$LIBS" -maxdepth 1 -name '*.jar' | wc -l)" -eq "$count" ]] || return 1
  [[ -f "$LIBS/kafka_2.13-$KAFKA_VERSION.jar" ]]
}

fetch() {
  if cache_complete; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 \
    || die "mvn not found; it is needed once to fetch Kafka $KAFKA_VERSION into $KAFKA_HOME \
(Debian: apt-get install -y maven)."
  mkdir -p "$KAFKA_HOME"
  local tmp="$KAFKA_HOME/libs.partial.$$" start=$SECONDS
  rm -rf "$tmp"
  say "fetching Kafka $KAFKA_VERSION jars from Maven Central into $LIBS ..."
  # shellcheck disable=SC2086
  if ! mvn -q -B -f "$POM" ${KAFKA_MVN_ARGS:-} dependency:copy-dependencies \
    -DoutputDirectory="$tmp" -DincludeScope=runtime >"$KAFKA_HOME/fetch.log" 2>&1; then
    tail -n 40 "$KAFKA_HOME/fetch.log" >&2
    rm -rf "$tmp"
    die "mvn could not fetch the Kafka jars (full log: $KAFKA_HOME/fetch.log)"
  fi
  [[ -f "$tmp/kafka_2.13-$KAFKA_VERSION.jar" ]] || die "fetch produced no kafka_2.13 jar in $tmp"
  rm -rf "$LIBS"
  mv "$tmp" "$LIBS"
  echo "$POM_SUM $(find "$LIBS" -maxdepth 1 -name '*.jar' | wc -l)" >"$STAMP"
  say "fetched $(find "$LIBS" -maxdepth 1 -name '*.jar' | wc -l) jars in $((SECONDS - start)) s"
}

# ---------------------------------------------------------------- process state

broker_pid() {
  # The pid of our running broker, or nothing (also when the pid was reused by another process).
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # No `tr | grep -q` here: with pipefail, grep quitting early can fail the pipeline.
  local cmdline
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *"kafka.Kafka $STATE_DIR/server.properties"* ]] || return 1
  echo "$pid"
}

free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
    return
  fi
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/$HOST/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  die "could not find a free port"
}

cluster_id() {
  # A Kafka Uuid: 16 random bytes, base64url without padding (what StorageTool random-uuid prints).
  head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'
}

write_config() {
  local port="$1" cport="$2"
  cat >"$STATE_DIR/server.properties" <<EOF
# Written by scripts/kafka.sh up: single-node KRaft, combined broker + controller.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$cport
listeners=PLAINTEXT://$HOST:$port,CONTROLLER://$HOST:$cport
advertised.listeners=PLAINTEXT://$HOST:$port
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$STATE_DIR/data
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=false
delete.topic.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
log.retention.hours=24
EOF
  if tls_wanted; then
    write_tls_config "$port" "$cport"
  fi
  cat >"$STATE_DIR/log4j2.properties" <<EOF
status = warn
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = $LOG_FILE
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.clients.name = org.apache.kafka.clients
logger.clients.level = WARN
EOF
  cat >"$STATE_DIR/tools-log4j2.properties" <<EOF
status = warn
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = STDERR
EOF
  cat >"$STATE_DIR/admin.properties" <<EOF
request.timeout.ms=5000
default.api.timeout.ms=8000
EOF
}

# ---------------------------------------------------------------- TLS and SCRAM

tls_wanted() { [[ -n "${KAFKA_TLS_CERT:-}" || -n "${KAFKA_TLS_KEY:-}" ]]; }

# The SASL_SSL listener: the PEM certificate and key become a PKCS12 keystore (with a
# random password, in the 0700 state dir); clients authenticate with SCRAM-SHA-512.
write_tls_config() {
  local port="$1" cport="$2" tport pass
  [[ -r "${KAFKA_TLS_CERT:-}" && -r "${KAFKA_TLS_KEY:-}" ]] \
    || die "KAFKA_TLS_CERT and KAFKA_TLS_KEY must both name readable PEM files"
  [[ -n "${KAFKA_SCRAM_USERS:-}" ]] || die "TLS needs KAFKA_SCRAM_USERS (name:password,...)"
  command -v openssl >/dev/null 2>&1 || die "openssl is needed to build the TLS keystore"
  tport="${KAFKA_TLS_PORT:-$(free_port)}"
  while [[ "$tport" == "$port" || "$tport" == "$cport" ]]; do tport="$(free_port)"; done
  pass="$(head -c 24 /dev/urandom | base64 | tr -d '/+=\n')"
  mkdir -p "$STATE_DIR/tls"
  chmod 700 "$STATE_DIR" "$STATE_DIR/tls"
  (umask 077 && openssl pkcs12 -export -in "$KAFKA_TLS_CERT" -inkey "$KAFKA_TLS_KEY" \
    -name kafka -out "$STATE_DIR/tls/server.p12" -passout "pass:$pass") \
    || die "openssl could not build a keystore from $KAFKA_TLS_CERT and $KAFKA_TLS_KEY"
  local listeners="PLAINTEXT://$HOST:$port,CONTROLLER://$HOST:$cport,SASL_SSL://$HOST:$tport"
  local map="PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL"
  sed -i \
    -e "s#^listeners=.*#listeners=$listeners#" \
    -e "s#^advertised.listeners=.*#advertised.listeners=PLAINTEXT://$HOST:$port,SASL_SSL://$HOST:$tport#" \
    -e "s#^listener.security.protocol.map=.*#listener.security.protocol.map=$map#" \
    "$STATE_DIR/server.properties"
  chmod 600 "$STATE_DIR/server.properties"
  cat >>"$STATE_DIR/server.properties" <<EOF
# TLS + SCRAM-SHA-512 (KAFKA_TLS_CERT / KAFKA_TLS_KEY / KAFKA_SCRAM_USERS at up)
sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.ssl.keystore.type=PKCS12
listener.name.sasl_ssl.ssl.keystore.location=$STATE_DIR/tls/server.p12
listener.name.sasl_ssl.ssl.keystore.password=$pass
listener.name.sasl_ssl.ssl.key.password=$pass
ssl.enabled.protocols=TLSv1.3,TLSv1.2
EOF
  echo "$HOST:$tport" >"$TLS_ADDR_FILE"
}

# StorageTool arguments writing each SCRAM user into the new cluster's metadata.
scram_args() {
  local entry name password entries
  tls_wanted || return 0
  IFS=',' read -ra entries <<<"${KAFKA_SCRAM_USERS}"
  for entry in "${entries[@]}"; do
    name="${entry%%:*}"
    password="${entry#*:}"
    [[ -n "$name" && -n "$password" && "$entry" == *:* ]] \
      || die "KAFKA_SCRAM_USERS entries are name:password"
    printf '%s\n' "--add-scram" "SCRAM-SHA-512=[name=$name,password=$password]"
  done
}

# ---------------------------------------------------------------- readiness

PYTHON_CHECK='
import sys
from kafka.admin import KafkaAdminClient
admin = KafkaAdminClient(bootstrap_servers=sys.argv[1], bootstrap_timeout_ms=5000,
                         request_timeout_ms=5000, client_id="casejourney-ready")
try:
    cluster = admin.describe_cluster()
    admin.list_topics()
    sys.exit(0 if cluster.get("brokers") else 1)
finally:
    admin.close()
'

ready_method() {
  case "${KAFKA_READY_CHECK:-auto}" in
    python | java) echo "${KAFKA_READY_CHECK}" ;;
    auto)
      if [[ -x "$ROOT/.venv/bin/python" ]] && "$ROOT/.venv/bin/python" -c 'import kafka' 2>/dev/null; then
        echo python
      else
        echo java
      fi
      ;;
    *) die "KAFKA_READY_CHECK must be auto, python or java" ;;
  esac
}

# One admin request (Metadata / DescribeCluster) to the broker; 0 when it answers with itself.
is_ready() {
  local addr="$1" method="$2"
  if [[ "$method" == python ]]; then
    timeout 20 "$ROOT/.venv/bin/python" -c "$PYTHON_CHECK" "$addr" >/dev/null 2>&1
  else
    timeout 30 "$JAVA" -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
      -Dlog4j2.configurationFile="$STATE_DIR/tools-log4j2.properties" \
      -cp "$LIBS/*" org.apache.kafka.tools.TopicCommand \
      --bootstrap-server "$addr" --command-config "$STATE_DIR/admin.properties" --list \
      >/dev/null 2>&1
  fi
}

log_tail() {
  local f
  for f in "$OUT_FILE" "$LOG_FILE"; do
    if [[ -s "$f" ]]; then
      echo "----- last lines of $f -----" >&2
      tail -n 40 "$f" >&2
    fi
  done
}

# Wait until the broker answers; 0 ready, 1 process died, 2 timed out.
wait_ready() {
  local pid="$1" addr="$2" method deadline
  method="$(ready_method)"
  deadline=$((SECONDS + READY_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      return 1
    fi
    if is_ready "$addr" "$method"; then
      return 0
    fi
    sleep 0.5
  done
  return 2
}

# ---------------------------------------------------------------- commands

start_once() {
  local port="$1" cport="$2"
  rm -rf "$STATE_DIR"
  mkdir -p "$STATE_DIR/data" "$LOG_DIR"
  write_config "$port" "$cport"
  local cid scram=()
  cid="$(cluster_id)"
  mapfile -t scram < <(scram_args)
  if ! "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -Dlog4j2.configurationFile="$STATE_DIR/tools-log4j2.properties" \
    -cp "$LIBS/*" kafka.tools.StorageTool format \
    --cluster-id "$cid" --config "$STATE_DIR/server.properties" --ignore-formatted \
    "${scram[@]}" >"$LOG_DIR/format.log" 2>&1; then
    cat "$LOG_DIR/format.log" >&2
    die "formatting the KRaft storage failed"
  fi
  launch "$HOST:$port"
}

# Start the broker on the formatted state dir and wait; same return codes as wait_ready.
launch() {
  local addr="$1"
  # setsid: the broker outlives this shell and does not get the caller's Ctrl-C;
  # 9>&-: it must not inherit (and so hold) the lock of this script.
  # shellcheck disable=SC2086
  setsid "$JAVA" $HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$STATE_DIR/log4j2.properties" \
    -Dkafka.logs.dir="$LOG_DIR" \
    -cp "$LIBS/*" kafka.Kafka "$STATE_DIR/server.properties" \
    >>"$OUT_FILE" 2>&1 </dev/null 9>&- &
  local pid=$!
  echo "$pid" >"$PID_FILE"
  echo "$addr" >"$ADDR_FILE"
  local rc=0
  wait_ready "$pid" "$addr" || rc=$?
  return "$rc"
}

# Serialise up/down against each other (two test runs starting the broker at once).
lock() {
  mkdir -p "$(dirname "$STATE_DIR")"
  command -v flock >/dev/null 2>&1 || return 0
  exec 9>"$STATE_DIR.lock"
  flock -w 300 9 || die "another 'kafka.sh up/down' holds $STATE_DIR.lock"
}

cmd_up() {
  JAVA="$(java17 "Kafka $KAFKA_VERSION")"
  lock
  fetch

  local pid addr
  if pid="$(broker_pid)" && [[ -s "$ADDR_FILE" ]]; then
    addr="$(cat "$ADDR_FILE")"
    if is_ready "$addr" "$(ready_method)" || wait_ready "$pid" "$addr"; then
      echo "$addr"
      return 0
    fi
    say "broker pid $pid at $addr does not answer; restarting it"
    stop_broker
  fi

  local start=$SECONDS attempt rc port cport
  for attempt in 1 2 3; do
    port="${KAFKA_PORT:-$(free_port)}"
    cport="${KAFKA_CONTROLLER_PORT:-$(free_port)}"
    while [[ "$cport" == "$port" ]]; do cport="$(free_port)"; done
    say "starting Kafka $KAFKA_VERSION (KRaft) on $HOST:$port, state in $STATE_DIR"
    rc=0
    start_once "$port" "$cport" || rc=$?
    if [[ "$rc" -eq 0 ]]; then
      say "ready in $((SECONDS - start)) s"
      echo "$HOST:$port"
      return 0
    fi
    # A port taken between choosing it and binding it: try other ports.
    if [[ "$rc" -eq 1 && -z "${KAFKA_PORT:-}${KAFKA_CONTROLLER_PORT:-}" ]] \
      && grep -qs 'Address already in use' "$OUT_FILE" "$LOG_FILE" && [[ "$attempt" -lt 3 ]]; then
      say "port clash, retrying with other ports"
      continue
    fi
    break
  done
  log_tail
  stop_broker
  if [[ "$rc" -eq 1 ]]; then
    die "the broker exited during start-up (see the log above; full logs kept in $LOG_DIR)"
  fi
  die "the broker did not answer an admin request within ${READY_TIMEOUT} s \
(see the log above; full logs kept in $LOG_DIR)"
}

stop_broker() {
  local pid
  if pid="$(broker_pid)"; then
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + STOP_GRACE))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      say "broker pid $pid still running after ${STOP_GRACE} s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    fi
  fi
  rm -f "$PID_FILE" "$ADDR_FILE"
}

cmd_down() {
  lock
  local was=""
  if broker_pid >/dev/null; then was=1; fi
  stop_broker
  rm -rf "$STATE_DIR"
  if [[ -n "$was" ]]; then say "stopped"; else say "not running"; fi
}

# `stop` / `start`: a broker restart that keeps topics, offsets and the address
# (tests of consumer recovery use it; `down` / `up` start from nothing).
cmd_stop() {
  lock
  if broker_pid >/dev/null; then
    stop_broker
    say "stopped; state kept in $STATE_DIR (scripts/kafka.sh start brings it back)"
  else
    say "not running"
  fi
}

cmd_start() {
  JAVA="$(java17 "Kafka $KAFKA_VERSION")"
  lock
  [[ -f "$STATE_DIR/server.properties" && -d "$STATE_DIR/data" ]] \
    || die "no stopped broker in $STATE_DIR to start; use scripts/kafka.sh up"
  local addr pid
  addr="$(sed -n 's#^advertised.listeners=PLAINTEXT://##p' "$STATE_DIR/server.properties")"
  [[ -n "$addr" ]] || die "no advertised.listeners in $STATE_DIR/server.properties"
  if pid="$(broker_pid)"; then
    echo "$addr"
    return 0
  fi
  say "starting Kafka $KAFKA_VERSION again on $addr, state in $STATE_DIR"
  local rc=0
  launch "$addr" || rc=$?
  if [[ "$rc" -ne 0 ]]; then
    log_tail
    stop_broker
    die "the broker did not come back (see the log above)"
  fi
  echo "$addr"
}

cmd_address() {
  if ! broker_pid >/dev/null || [[ ! -s "$ADDR_FILE" ]]; then
    die "no broker running (state dir $STATE_DIR); start it with scripts/kafka.sh up"
  fi
  cat "$ADDR_FILE"
}

cmd_tls_address() {
  broker_pid >/dev/null || die "no broker running (state dir $STATE_DIR)"
  [[ -s "$TLS_ADDR_FILE" ]] || die "the broker in $STATE_DIR was started without TLS \
(set KAFKA_TLS_CERT, KAFKA_TLS_KEY and KAFKA_SCRAM_USERS at up)"
  cat "$TLS_ADDR_FILE"
}

cmd_status() {
  local pid addr
  if ! pid="$(broker_pid)"; then
    echo "kafka $KAFKA_VERSION: not running (state dir $STATE_DIR)"
    if cache_complete; then echo "jars: cached in $LIBS"; else echo "jars: not fetched yet"; fi
    return 3
  fi
  addr="$(cat "$ADDR_FILE" 2>/dev/null || true)"
  JAVA="$(java17 "Kafka $KAFKA_VERSION")"
  if [[ -n "$addr" ]] && is_ready "$addr" "$(ready_method)"; then
    echo "kafka $KAFKA_VERSION: ready at $addr (pid $pid, state dir $STATE_DIR)"
    return 0
  fi
  echo "kafka $KAFKA_VERSION: running but not answering at ${addr:-?} (pid $pid, log $LOG_FILE)"
  return 4
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  stop) cmd_stop ;;
  start) cmd_start ;;
  address) cmd_address ;;
  tls-address) cmd_tls_address ;;
  status) cmd_status ;;
  fetch) fetch && echo "$LIBS" ;;
  logs) log_tail ;;
  *)
    echo "usage: $0 up|down|stop|start|address|tls-address|status|fetch|logs" >&2
    exit 2
    ;;
esac
