#!/usr/bin/env bash
# Starts the naive Tyrus baseline on 127.0.0.1:PORT (see NaiveTyrus.java).
# Usage: bench/naive-tyrus/run.sh PORT
#
# The classpath is the project's runtime classpath (Tyrus, Grizzly, the Jakarta WebSocket API),
# resolved by Maven once and cached in target/bench/ of the repository; it is resolved again
# when pom.xml is newer than the cache. Extra JVM options can be passed in JAVA_OPTS.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 PORT" >&2
  exit 2
fi
port=$1

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache_dir="$repo/target/bench"
cp_file="$cache_dir/naive-tyrus.classpath"

mkdir -p "$cache_dir"
if [ ! -s "$cp_file" ] || [ "$repo/pom.xml" -nt "$cp_file" ]; then
  # includeScope is the plugin's user property (mdep.includeScope is not read): without it the
  # classpath would also carry the test containers (Jetty, Tomcat) and provided jars.
  tmp="$cp_file.tmp.$$"
  mvn -B -q -f "$repo/pom.xml" dependency:build-classpath \
    -Dmdep.outputFile="$tmp" -DincludeScope=runtime >&2
  mv "$tmp" "$cp_file"
fi

# exec: the JVM replaces this shell, so SIGTERM to this PID reaches it directly.
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:-} -cp "$(cat "$cp_file")" "$here/NaiveTyrus.java" "$port"
