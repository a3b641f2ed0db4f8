#!/usr/bin/env bash
# Start-up time of the standalone jar: from exec to the first 200 from /health, and what the JVM
# loads on the way. Each run starts a fresh JVM on a free port with class-load logging (uptime
# stamps), waits for /health, then stops it.
#
#   bench/startup.sh                 # 5 runs
#   REPS=10 SKIP_BUILD=1 JAVA_OPTS="-Xshare:auto" bench/startup.sh
#
# Prints per run: ms to the "listening on" line, ms to the first /health 200, the CPU time the JVM
# had used by then, classes loaded, and
# the JVM uptime at which landmark classes loaded (from target/startup-N.classes): the JVM's first
# class, Main, Settings (the command line is parsed), the first Jackson and Grizzly classes, the
# Node, and the server's parts (Grizzly and Tyrus built, about to listen). JAR picks another jar.
set -euo pipefail
cd "$(dirname "$0")/.."

REPS=${REPS:-5}
JAR=${JAR:-target/switchboard.jar}
[ "${SKIP_BUILD:-0}" = 1 ] || mvn -B -q package -DskipTests
now_ms() { date +%s%3N; }

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
for rep in $(seq 1 "$REPS"); do
  log=target/startup-$rep.log classes=target/startup-$rep.classes
  t0=$(now_ms)
  # shellcheck disable=SC2086
  java ${JAVA_OPTS:-} -Xlog:class+load=info:file="$classes":uptime -jar "$JAR" --host 127.0.0.1 --port 0 > "$log" 2>&1 &
  server=$!
  trap 'kill $server 2>/dev/null || true' EXIT
  url=""
  while [ -z "$url" ]; do
    url=$(grep -o 'listening on http://[0-9.:]*' "$log" | cut -d' ' -f3 || true)
    kill -0 $server 2>/dev/null || { cat "$log"; exit 1; }
  done
  t1=$(now_ms)
  until curl -sf "$url/health" > /dev/null; do :; done
  t2=$(now_ms)
  # CPU the JVM used up to here (all threads, user + system): steadier than wall time when other
  # work shares the cores
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$server/stat")
  kill $server; wait $server 2>/dev/null || true
  first() { grep -m1 -E "$1" "$classes" | grep -o '^\[[0-9.]*s' | tr -d '[s' || echo -; }
  printf 'run %d: listening %d ms, /health 200 %d ms, CPU %d ms, %d classes; first class (s of uptime):' \
    "$rep" $((t1 - t0)) $((t2 - t0)) "$cpu" "$(grep -c 'source:' "$classes")"
  printf ' JVM %s, main %s, settings %s, jackson %s, grizzly %s, node %s, server built %s\n' \
    "$(first 'java\.lang\.Object ')" "$(first 'dev\.switchboard\.cli\.Main ')" "$(first 'dev\.switchboard\.config\.Settings ')" \
    "$(first 'com\.fasterxml\.jackson')" "$(first 'org\.glassfish\.grizzly')" "$(first 'dev\.switchboard\.server\.Node ')" \
    "$(first 'dev\.switchboard\.standalone\.StandaloneServer\$Parts')"
done
