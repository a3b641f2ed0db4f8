#!/usr/bin/env bash
# Kafka to WebSocket throughput (dev.switchboard.bench.KafkaBench, test scope): a KRaft broker in
# a child JVM, a standalone node with one Kafka bridge (memory engine), SUBS WebSocket subscribers
# on loopback spread over CHANNELS channels (one per partition); RECORDS JSON records of PAYLOAD
# bytes are produced in one burst once every subscription is confirmed. Prints records/s into
# channels, deliveries/s at the clients, end-to-end time and how long the backlog took to drain.
#
#   bench/kafka.sh                          # 200,000 records, 1,000 subscribers over 20 channels
#   RECORDS=5000 CHANNELS=1 bench/kafka.sh  # every record to all 1,000 subscribers
#
# Everything binds 127.0.0.1; the run stops by itself (TIMEOUT seconds at most, default 600).
set -euo pipefail
cd "$(dirname "$0")/.."

RECORDS=${RECORDS:-200000}
SUBS=${SUBS:-1000}
CHANNELS=${CHANNELS:-20}
PAYLOAD=${PAYLOAD:-100}
MAX_IN_FLIGHT=${MAX_IN_FLIGHT:-500}
THREADS=${THREADS:-1}
OUTBOX_MIB=${OUTBOX_MIB:-4}
TIMEOUT=${TIMEOUT:-600}

[ "${SKIP_BUILD:-0}" = 1 ] || mvn -B -q test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
exec timeout $((TIMEOUT + 120)) java -Xmx2g -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  dev.switchboard.bench.KafkaBench --records="$RECORDS" --subs="$SUBS" --channels="$CHANNELS" \
  --payload="$PAYLOAD" --max-in-flight="$MAX_IN_FLIGHT" --threads="$THREADS" --outbox-mib="$OUTBOX_MIB" \
  --timeout="$TIMEOUT"
