#!/usr/bin/env bash
# Runs Switchboard and the peer servers through the same workloads with the project's load
# generator (java -jar target/switchboard.jar bench), interleaved, REPS repetitions, and writes
# target/bench/compare.md (medians) and target/bench/compare.png (ratios to uWS and naive Tyrus).
#
#   bench/compare.sh                 # everything, 3 repetitions
#   REPS=1 DURATION=5 bench/compare.sh
#   ONLY="switchboard uws" SKIP_BUILD=1 bench/compare.sh   # just those two
#
# Workloads: fan-out 1 publisher -> SUBS subscribers, 64 B, window 64 (as fast as possible);
# echo 100 connections x 32 B; and, for Switchboard and uWS, fan-out at a fixed 100,000
# deliveries/s (latency percentiles and loss). All traffic is on 127.0.0.1; every run is bounded.
# Switchboard and uWS also run two more shapes, on a server started for them (see shapes below):
# many rooms (ROOMS rooms x 10 subscribers, 1,000 publishers each to its own room; saturation, then
# 10,000 publications/s) and large binary messages (1 -> 100 subscribers, 64 KiB and 1 MB).
set -euo pipefail
cd "$(dirname "$0")/.."

REPS=${REPS:-3}
WARMUP=${WARMUP:-3}
DURATION=${DURATION:-8}
SUBS=${SUBS:-1000}
# 1,000 rooms of 10 plus 1,000 publishers are 11,000 connections, which connect within a few
# seconds; the load generator's own default, 1,800 (19,000 connections), is what fits under an
# open-file limit of 20,000 but takes longer to connect than this run's budget per workload.
ROOMS=${ROOMS:-1000}
PORT=${PORT:-19200}
OUT=target/bench
RESULTS=$OUT/results.txt
JAR=target/switchboard.jar

mkdir -p "$OUT"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  mvn -B -q package -DskipTests
  (cd bench/peers && npm ci --no-audit --no-fund --silent)
fi
: > "$RESULTS"

# One publisher sends thousands of messages per second: no per-connection rate limits for the
# load generator's connections, and a connect rate that lets it open its subscribers at once.
export SWITCHBOARD_WS_RATE_MESSAGES=0 SWITCHBOARD_WS_RATE_BYTES=0 SWITCHBOARD_LIMITS_CONNECT_RATE=100000
# The storm's connections all come from 127.0.0.1: the per-address limit (5,000) must not be what
# fails first.
export SWITCHBOARD_LIMITS_MAX_CONNECTIONS_PER_IP=18000

# label | dialect | command (PORT is substituted)
SERVERS=(
  "switchboard|hub|java -jar $JAR --host 127.0.0.1 --port PORT"
  "naive-tyrus|raw|bench/naive-tyrus/run.sh PORT"
  "uws|raw|node bench/peers/uws-server.js PORT"
  "ws|raw|node bench/peers/ws-server.js PORT"
  "socketio|socketio|node bench/peers/socketio-server.js PORT"
  "websocket-node|raw|node bench/peers/websocket-node-server.js PORT"
)

# ONLY="switchboard uws" limits the run to those servers (a quick check after a change).
if [ -n "${ONLY:-}" ]; then
  kept=()
  for entry in "${SERVERS[@]}"; do
    [[ " $ONLY " == *" ${entry%%|*} "* ]] && kept+=("$entry")
  done
  SERVERS=("${kept[@]}")
fi

server_pid=
start_server() { # label command
  local log="$OUT/server-$1.log"
  local cmd=${2//PORT/$PORT}
  $cmd > "$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do
    if grep -q "listening on" "$log" 2>/dev/null; then
      return 0
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "server $1 died:" >&2
      cat "$log" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "server $1 did not start" >&2
  return 1
}

stop_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  # Sockets in TIME_WAIT do not block the next bind; give the port a moment anyway.
  sleep 1
}

bench() { # label dialect mode args...
  local label=$1 dialect=$2 mode=$3
  shift 3
  java -jar "$JAR" bench "$mode" --url "ws://127.0.0.1:$PORT" --dialect "$dialect" \
    --server-pid "$server_pid" --label "$label" --result-file "$RESULTS" -q "$@" > /dev/null
}

# Many rooms and large messages, for Switchboard and uWS only, on a server started for them:
# Switchboard needs more connections than its default limit (ROOMS x 10 + 1,000), connections from
# one address past its per-address limit, and messages larger than its 64 KiB default (with an
# outbox that holds the window of 1 MB messages); the other workloads keep the defaults. uWS's own
# limits (uws-server.js) already allow this.
SHAPES_ENV="SWITCHBOARD_LIMITS_MAX_CONNECTIONS=19500"
SHAPES_ENV+=" SWITCHBOARD_LIMITS_MAX_CONNECTIONS_PER_IP=19500"
SHAPES_ENV+=" SWITCHBOARD_WS_MAX_MESSAGE_SIZE=2MiB"
SHAPES_ENV+=" SWITCHBOARD_NAMESPACE_DEFAULT_MAX_MESSAGE_SIZE=2MiB"
SHAPES_ENV+=" SWITCHBOARD_OUTBOX_MAX_BYTES=64MiB"
shapes() { # label dialect command
  local label=$1 dialect=$2
  if [ "$label" != switchboard ] && [ "$label" != uws ]; then
    return 0
  fi
  start_server "$label-shapes" "env $SHAPES_ENV $3"
  bench "$label" "$dialect" rooms --rooms "$ROOMS" --subs-per-room 10 --pubs 1000 --src-addrs 8 \
    --window 4 --rate 10000 -w 1 -d 4 --drain 3 || echo "rooms failed for $label" >&2
  stop_server
  # A fresh server for the large messages, so its memory is theirs and not the rooms' leftovers.
  start_server "$label-shapes" "env $SHAPES_ENV $3"
  bench "$label" "$dialect" large -s 100 -P 65536 --window 8 -w 1 -d 4 ||
    echo "large 64 KiB failed for $label" >&2
  bench "$label" "$dialect" large -s 100 -P 1000000 --window 4 -w 1 -d 4 ||
    echo "large 1 MB failed for $label" >&2
  stop_server
}

trap 'kill "$server_pid" 2>/dev/null || true' EXIT
n=${#SERVERS[@]}
for rep in $(seq 1 "$REPS"); do
  for i in $(seq 0 $((n - 1))); do
    # Interleave: each repetition starts with a different server, so drift over time (thermal,
    # other load) spreads over all servers instead of landing on one.
    entry=${SERVERS[$(((i + rep - 1) % n))]}
    IFS='|' read -r label dialect cmd <<< "$entry"
    echo "== rep $rep/$REPS: $label" >&2
    start_server "$label" "$cmd"
    bench "$label" "$dialect" fanout -s "$SUBS" -k 1 -P 64 --window 64 -w "$WARMUP" -d "$DURATION" || echo "fanout failed for $label" >&2
    bench "$label" "$dialect" echo -c 100 -P 32 -w "$WARMUP" -d "$DURATION" || echo "echo failed for $label" >&2
    if [ "$label" = switchboard ] || [ "$label" = uws ]; then
      bench "$label" "$dialect" fanout -s "$SUBS" -k 1 -P 64 --rate $((100000 / SUBS)) -w "$WARMUP" -d "$DURATION" || echo "fixed-rate failed for $label" >&2
    fi
    # Connection storm: new connections (handshake + subscribe) per second on a ramp of 1 s steps,
    # x1.4 each, until a step fails; at most 3 + STORM_SECONDS (+ 2 s timeouts) per server and rep.
    # A JVM's handshake path is cold after fan-out and echo: a 3 s ramp first, not recorded.
    if [ "$label" = switchboard ] || [ "$label" = uws ]; then
      java -jar "$JAR" bench storm --url "ws://127.0.0.1:$PORT" --dialect "$dialect" -d 3 -q > /dev/null 2>&1 || true
      bench "$label" "$dialect" storm --start-rate "${STORM_START:-200}" -d "${STORM_SECONDS:-15}" || echo "storm failed for $label" >&2
    fi
    stop_server
    shapes "$label" "$dialect" "$cmd"
  done
done

java -Djava.awt.headless=true -jar "$JAR" bench report --input "$RESULTS" --out "$OUT"
