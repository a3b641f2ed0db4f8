#!/usr/bin/env bash
# JMH micro-benchmarks of the codec, the outbox and fan-out (src/test/java/dev/switchboard/jmh).
# Usage: bench/jmh.sh [JMH options], e.g. bench/jmh.sh FanOut -p subscribers=1000
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/jmh.classpath -Dmdep.includeScope=test
exec java -cp "target/test-classes:target/classes:$(cat target/jmh.classpath)" org.openjdk.jmh.Main "$@"
