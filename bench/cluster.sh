#!/usr/bin/env bash
# Fan-out through the Redis engine across two nodes, next to the same workload on one node with
# the memory engine. Subscribers connect to node A, the publisher to node B, so every delivery
# crosses Redis Pub/Sub. Writes target/bench/cluster.md (medians of REPS runs).
#
#   bench/cluster.sh                # 3 repetitions, 1000 subscribers
#   REPS=1 DURATION=5 bench/cluster.sh
#
# Uses the Redis on 127.0.0.1:6379 (REDIS_URI) with its own key prefix, deleted afterwards. All
# traffic is on loopback; every run is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."

REPS=${REPS:-3}
WARMUP=${WARMUP:-3}
DURATION=${DURATION:-8}
SUBS=${SUBS:-1000}
PORT_A=${PORT_A:-19300}
PORT_B=${PORT_B:-19301}
REDIS_URI=${REDIS_URI:-redis://127.0.0.1:6379/0}
PREFIX="bench-cluster-$$:"
OUT=target/bench
RESULTS=$OUT/cluster-results.txt
JAR=target/switchboard.jar

mkdir -p "$OUT"
[ "${SKIP_BUILD:-0}" = 1 ] || mvn -B -q package -DskipTests
: > "$RESULTS"

export SWITCHBOARD_WS_RATE_MESSAGES=0 SWITCHBOARD_WS_RATE_BYTES=0 SWITCHBOARD_LIMITS_CONNECT_RATE=100000
# The "hist" namespace keeps history: its publishes take the Lua path (offset, stream, PUBLISH).
export SWITCHBOARD_NAMESPACE_HIST_HISTORY_SIZE=1000 SWITCHBOARD_NAMESPACE_HIST_HISTORY_TTL=1m

pids=()
start() { # port log [engine settings...]
  local port=$1 log=$2
  shift 2
  env "$@" java -jar "$JAR" --host 127.0.0.1 --port "$port" > "$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 300); do
    grep -q "listening on" "$log" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "node on $port did not start:" >&2
  cat "$log" >&2
  return 1
}
stop_all() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
}
trap 'stop_all; redis-cli -u "$REDIS_URI" --scan --pattern "$PREFIX*" | xargs -r redis-cli -u "$REDIS_URI" del >/dev/null' EXIT

fanout() { # label url pub-url channel
  java -jar "$JAR" bench fanout --url "$2" --pub-url "$3" --channel "$4" -s "$SUBS" -w "$WARMUP" -d "$DURATION" \
    --label "$1" --result-file "$RESULTS" -q | tail -n 1
}

redis=(SWITCHBOARD_ENGINE=redis SWITCHBOARD_REDIS_URI="$REDIS_URI" SWITCHBOARD_REDIS_PREFIX="$PREFIX")
for rep in $(seq 1 "$REPS"); do
  echo "--- repetition $rep"
  start "$PORT_A" "$OUT/cluster-memory.log"
  fanout "memory-1-node" "ws://127.0.0.1:$PORT_A" "ws://127.0.0.1:$PORT_A" bench
  fanout "memory-1-node-history" "ws://127.0.0.1:$PORT_A" "ws://127.0.0.1:$PORT_A" hist:bench
  stop_all

  start "$PORT_A" "$OUT/cluster-a.log" "${redis[@]}"
  start "$PORT_B" "$OUT/cluster-b.log" "${redis[@]}"
  fanout "redis-2-nodes" "ws://127.0.0.1:$PORT_A" "ws://127.0.0.1:$PORT_B" bench
  fanout "redis-2-nodes-history" "ws://127.0.0.1:$PORT_A" "ws://127.0.0.1:$PORT_B" hist:bench
  stop_all
done


# Medians per label: deliveries/s, p50 and p99 latency (ms), lost.
{
  echo "| setup | deliveries/s (median of $REPS) | p50 ms | p99 ms | lost |"
  echo "|---|---:|---:|---:|---:|"
  for label in memory-1-node memory-1-node-history redis-2-nodes redis-2-nodes-history; do
    grep "label=$label " "$RESULTS" | sed 's/.*deliveries_per_s=\([0-9]*\).*lost=\([0-9]*\).*p50_us=\([0-9]*\).*p99_us=\([0-9]*\).*/\1 \3 \4 \2/' |
      sort -n | awk -v l="$label" '{ d[NR]=$1; p50[NR]=$2; p99[NR]=$3; lost+=$4 } END {
        m=int((NR+1)/2); printf "| %s | %d | %.1f | %.1f | %d |\n", l, d[m], p50[m]/1000, p99[m]/1000, lost }'
  done
} | tee "$OUT/cluster.md"
echo "results: $RESULTS"
