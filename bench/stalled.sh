#!/usr/bin/env bash
# Healthy readers beside clients that stopped reading, on one channel: do the healthy ones get
# everything, and what happens to their latency while the stalled ones are being cut?
#
#   bench/stalled.sh                       # 2,000 stalled, 5 healthy, 10 KB at 150/s, 3 runs
#   STALLED=200 RATE=200 REPS=1 bench/stalled.sh
#
# Each run starts a fresh server, opens STALLED connections that subscribe and never read again
# (RCVBUF, 4 KB by default), then runs `bench fanout` with HEALTHY subscribers at a steady RATE.
# Prints one RESULT line per run and the server's close counts. Loopback only; every run is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."

STALLED=${STALLED:-2000}
RCVBUF=${RCVBUF:-4096}  # receive buffer of each stalled connection; 0 = the OS default
HEALTHY=${HEALTHY:-5}
PAYLOAD=${PAYLOAD:-10000}
RATE=${RATE:-150}
DURATION=${DURATION:-10}
REPS=${REPS:-3}
BASE_PORT=${PORT:-19300}
JAR=target/switchboard.jar
[ "${SKIP_BUILD:-0}" = 1 ] || mvn -B -q package -DskipTests

export SWITCHBOARD_WS_RATE_MESSAGES=0 SWITCHBOARD_WS_RATE_BYTES=0 SWITCHBOARD_LIMITS_CONNECT_RATE=100000
for rep in $(seq 1 "$REPS"); do
  PORT=$((BASE_PORT + rep))  # a fresh port each run: the last server may still be draining
  java -jar "$JAR" --host 127.0.0.1 --port "$PORT" > "target/stalled-server-$rep.log" 2>&1 &
  server=$!
  trap 'kill $server 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/health" > /dev/null && break; sleep 0.1; done
  java -jar "$JAR" bench stall --url "ws://127.0.0.1:$PORT" -c "$STALLED" --rcvbuf "$RCVBUF" --hold $((DURATION + 40)) -q \
    > "target/stalled-stall-$rep.log" 2>&1 &
  stall=$!
  until grep -q '^stalled' "target/stalled-stall-$rep.log" 2>/dev/null; do
    kill -0 $stall 2>/dev/null || { cat "target/stalled-stall-$rep.log"; exit 1; }
    sleep 0.2
  done
  java -jar "$JAR" bench fanout --url "ws://127.0.0.1:$PORT" -s "$HEALTHY" -P "$PAYLOAD" -r "$RATE" -w 1 \
    -d "$DURATION" -q --server-pid "$server" --label "stalled=$STALLED" | grep '^RESULT'
  echo "closes: $(curl -s "http://127.0.0.1:$PORT/api/stats" | grep -o '"closes":{[^}]*}')"
  kill $stall $server 2>/dev/null || true
  wait $stall $server 2>/dev/null || true
done
