#!/usr/bin/env bash
# Reconnect after a restart (issue 19, connection storm): CONNS subscribed clients of the load
# generator (bench reconnect) on one node; the node is stopped with SIGTERM (Switchboard unbinds its
# port, then closes its clients with 1012 spread over shutdown.spread) and started again on the
# same port; the clients come back with the Java client's restart jitter and backoff. Reported:
# the time from the first lost client until all CONNS are subscribed again (hub: resubscribed with
# "since" their last position, recovered or not).
#
#   bench/storm.sh                      # switchboard (memory, and redis if redis-cli ping works), uws
#   CONNS=2000 ONLY="switchboard-memory uws" SKIP_BUILD=1 bench/storm.sh
#
# With the memory engine the history is gone after a restart: clients resubscribe with
# "recovered":false (epoch changed). With the redis engine (REDIS_URI) positions survive: they
# resume. uWS (bench/peers/uws-server.js) has no resume; its clients just reconnect and subscribe.
# Loopback only; every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."

CONNS=${CONNS:-10000}
PORT=${PORT:-19210}
SPREAD=${SPREAD:-5s}
REDIS_URI=${REDIS_URI:-redis://127.0.0.1:6379/0}
PREFIX="bench-storm-$$:"
OUT=target/bench
RESULTS=$OUT/storm-results.txt
JAR=target/switchboard.jar

mkdir -p "$OUT"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  mvn -B -q package -DskipTests
  (cd bench/peers && npm ci --no-audit --no-fund --silent)
fi
: > "$RESULTS"

# As in compare.sh: the load generator opens its clients at once; CONNECT_RATE=1000 (the default
# of limits.connect-rate) shows what the limiter does to a restart. The clients come from four
# source addresses (127.0.0.1-4), under limits.max-connections-per-ip.
export SWITCHBOARD_WS_RATE_MESSAGES=0 SWITCHBOARD_WS_RATE_BYTES=0
export SWITCHBOARD_LIMITS_CONNECT_RATE=${CONNECT_RATE:-100000}
export SWITCHBOARD_SHUTDOWN_SPREAD=$SPREAD SWITCHBOARD_SHUTDOWN_TIMEOUT=30s
# The "hist" namespace keeps history, so subscriptions have positions to resume from.
export SWITCHBOARD_NAMESPACE_HIST_HISTORY_SIZE=100 SWITCHBOARD_NAMESPACE_HIST_HISTORY_TTL=5m

SERVERS=("switchboard-memory|hub|java -jar $JAR --host 127.0.0.1 --port PORT")
if redis-cli -u "$REDIS_URI" ping > /dev/null 2>&1; then
  SERVERS+=("switchboard-redis|hub|env SWITCHBOARD_ENGINE=redis SWITCHBOARD_REDIS_URI=$REDIS_URI SWITCHBOARD_REDIS_PREFIX=$PREFIX java -jar $JAR --host 127.0.0.1 --port PORT")
fi
SERVERS+=("uws|raw|node bench/peers/uws-server.js PORT")
if [ -n "${ONLY:-}" ]; then
  kept=()
  for entry in "${SERVERS[@]}"; do
    [[ " $ONLY " == *" ${entry%%|*} "* ]] && kept+=("$entry")
  done
  SERVERS=("${kept[@]}")
fi

server_pid=
bench_pid=
start_server() { # label command log
  local cmd=${2//PORT/$PORT}
  : > "$3"
  $cmd >> "$3" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do
    grep -q "listening on" "$3" 2>/dev/null && return 0
    kill -0 "$server_pid" 2>/dev/null || { echo "server $1 died:" >&2; cat "$3" >&2; return 1; }
    sleep 0.1
  done
  echo "server $1 did not start" >&2
  return 1
}
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  [ -n "$bench_pid" ] && kill "$bench_pid" 2>/dev/null || true
  redis-cli -u "$REDIS_URI" --scan --pattern "$PREFIX*" 2>/dev/null \
    | xargs -r redis-cli -u "$REDIS_URI" del > /dev/null 2>&1 || true
}
trap cleanup EXIT
now() { date +%s.%N; }
secs() { echo "scale=1; ($1) / 1" | bc; }

for entry in "${SERVERS[@]}"; do
  IFS='|' read -r label dialect cmd <<< "$entry"
  echo "== $label: $CONNS clients" >&2
  log=$OUT/storm-server-$label.log
  ready=$OUT/storm-ready-$label
  rm -f "$ready"
  start_server "$label" "$cmd" "$log"
  java -jar "$JAR" bench reconnect --url "ws://127.0.0.1:$PORT" --dialect "$dialect" -c "$CONNS" \
    --src-addrs 4 --ready-file "$ready" --max-wait 120 --label "$label" \
    --result-file "$RESULTS" -q > /dev/null &
  bench_pid=$!
  for _ in $(seq 1 1200); do
    [ -f "$ready" ] && break
    kill -0 "$bench_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ ! -f "$ready" ]; then
    echo "$label: the clients did not all subscribe" >&2
    wait "$bench_pid" || true
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    continue
  fi
  t_term=$(now)
  kill -TERM "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  t_exit=$(now)
  start_server "$label" "$cmd" "$log.restarted"
  t_up=$(now)
  wait "$bench_pid" || echo "$label: reconnect bench failed" >&2
  bench_pid=
  back_at=$(grep "label=$label mode=reconnect" "$RESULTS" | tail -n 1 | grep -o 'all_back_at_epoch_ms=[0-9-]*' | cut -d= -f2)
  back=-1
  [ "${back_at:--1}" != -1 ] && back=$(secs "$back_at / 1000 - $t_up")
  # The restart as the script saw it: SIGTERM to exit, SIGTERM to listening again, and from
  # listening again until the last client was subscribed again.
  echo "RESULT label=$label mode=restart exit_s=$(secs "$t_exit - $t_term") listening_s=$(secs "$t_up - $t_term") all_back_after_listening_s=$back" | tee -a "$RESULTS" >&2
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=
  sleep 1
done

grep RESULT "$RESULTS" >&2 || true
java -Djava.awt.headless=true -jar "$JAR" bench report --input "$RESULTS" --out "$OUT/storm" > /dev/null
sed -n '/Reconnect after a restart/,$p' "$OUT/storm/compare.md"
