#!/usr/bin/env bash
# Holds many idle subscribed connections with heartbeats, across several standalone nodes:
# a process here may hold at most ~20,000 open files, so one node takes at most ~19,500
# connections and the load is split over NODES nodes and as many load generator processes.
#
#   bench/idle-many.sh                    # 100,000 connections over 6 nodes
#   TOTAL=20000 NODES=2 bench/idle-many.sh
set -euo pipefail
cd "$(dirname "$0")/.."
TOTAL=${TOTAL:-100000}
NODES=${NODES:-6}
HOLD=${HOLD:-60}
BASE_PORT=${BASE_PORT:-19400}
OUT=target/bench/idle-many
JAR=target/switchboard.jar
mkdir -p "$OUT"
per=$(( (TOTAL + NODES - 1) / NODES ))
# Each node holds its share from 4 source addresses; let it accept them as fast as they come.
export SWITCHBOARD_LIMITS_CONNECT_RATE=100000 SWITCHBOARD_LIMITS_MAX_CONNECTIONS=19500
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
for n in $(seq 1 "$NODES"); do
  port=$((BASE_PORT + n))
  java -jar "$JAR" --host 127.0.0.1 --port "$port" > "$OUT/node-$n.log" 2>&1 &
  pids+=($!)
done
for n in $(seq 1 "$NODES"); do
  for _ in $(seq 1 100); do grep -q "listening on" "$OUT/node-$n.log" && break; sleep 0.1; done
done
gens=()
for n in $(seq 1 "$NODES"); do
  port=$((BASE_PORT + n))
  java -jar "$JAR" bench idle --url "ws://127.0.0.1:$port" -c "$per" --src-addrs 4 --concurrency 128 \
    --hold "$HOLD" --heartbeat 15 --server-pid "${pids[$((n - 1))]}" --label "node-$n" -q \
    > "$OUT/bench-$n.out" 2> "$OUT/bench-$n.err" &
  gens+=($!)
done
for g in "${gens[@]}"; do wait "$g" || true; done
opened=0; alive=0
for n in $(seq 1 "$NODES"); do
  line=$(grep '^RESULT' "$OUT/bench-$n.out" || true)
  echo "$line"
  o=$(sed -n 's/.* opened=\([0-9]*\).*/\1/p' <<< "$line"); a=$(sed -n 's/.* alive_after_hold=\([0-9]*\).*/\1/p' <<< "$line")
  opened=$((opened + ${o:-0})); alive=$((alive + ${a:-0}))
done
echo "TOTAL opened=$opened alive_after_hold=$alive nodes=$NODES hold_s=$HOLD"
