#!/usr/bin/env bash
# bench-peers adapter for Procdeck (copied into the harness's peers/ by bench/run-peers.sh).
# Contract: procdeck.sh PROCFILE [FORMATION]; runs in the foreground; the last step is exec, so the pid the
# harness signals is procdeck itself. BENCH_MODE=batch: run to completion (no restarts), exit when all exit.
# It runs the command the README gives a user, bin/procdeck (JVM settings and class-data sharing in there).
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
procfile=$(realpath "$1"); formation=${2:-}
launcher=${PROCDECK_BIN:?set PROCDECK_BIN to bin/procdeck}
restart=(); [[ ${BENCH_MODE:-} == batch ]] && restart=(--restart never)
exec "$launcher" start -f "$procfile" -d "$(dirname "$procfile")" ${formation:+-m "$formation"} "${restart[@]}"
