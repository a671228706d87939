#!/usr/bin/env bash
# bench-peers adapter for Procdeck (copied into the harness's peers/ by bench/run-peers.sh).
# Contract: procdeck.sh PROCFILE [FORMATION]; runs in the foreground; the last step is exec, so the pid the
# harness signals is procdeck itself. BENCH_MODE=batch: run to completion (no restarts), exit when all exit.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
procfile=$(realpath "$1"); formation=${2:-}
jar=${PROCDECK_JAR:?set PROCDECK_JAR to target/procdeck.jar}
restart=(); [[ ${BENCH_MODE:-} == batch ]] && restart=(--restart never)
# The JVM flags recommended in README.md for headless use (small heap, serial GC, class data sharing).
# shellcheck disable=SC2086
exec java ${PROCDECK_JAVA_OPTS--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xms8m -Xmx96m -XX:MaxMetaspaceSize=64m -XX:ReservedCodeCacheSize=24m -Xss256k -XX:-UsePerfData} \
  -jar "$jar" start -f "$procfile" -d "$(dirname "$procfile")" ${formation:+-m "$formation"} "${restart[@]}"
