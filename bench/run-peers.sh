#!/usr/bin/env bash
# Side-by-side benchmark of Procdeck against Ruby foreman, node-foreman, pm2 and supervisord, using the shared
# harness in ../shared/bench-peers (read-only: it is copied to $BENCH_TMP/harness and this project's adapter,
# bench/procdeck.sh, is added to the copy).
#
#   bench/run-peers.sh                      # procdeck + every peer, ~15 min on 2 cores
#   bench/run-peers.sh procdeck supervisord # a subset
#   REPS=1 WORKLOADS="logs" bench/run-peers.sh procdeck
#
# Once per machine: ../shared/bench-peers/install-peers.sh (apt + npm, as root).
# Results: $BENCH_TMP/results-DATE/summary.md (copy the figures into BENCHMARKS.md).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
project=$(cd "$here/.." && pwd)
shared=${SHARED_BENCH:-$project/../shared/bench-peers}
export BENCH_TMP=${BENCH_TMP:-/tmp/bench-peers}
harness=$BENCH_TMP/harness
[[ -f $project/target/procdeck.jar ]] || (cd "$project" && mvn -q -DskipTests package)
export PROCDECK_JAR=$project/target/procdeck.jar
export PROCDECK_BIN=$project/bin/procdeck
"$PROCDECK_BIN" --version >/dev/null 2>&1 || true   # makes the class-data archive before anything is timed
rm -rf "$harness"
mkdir -p "$harness"
cp -r "$shared"/. "$harness"/
chmod -R u+w "$harness"
cp "$here/procdeck.sh" "$harness/peers/procdeck.sh"
# Procdeck's output is "HH:MM:SS name | text", the same shape as foreman's, so the checker's named mode fits.
peers=("$@"); ((${#peers[@]})) || peers=(procdeck foreman nf supervisord pm2)
# Procdeck is fast enough for the default N; the slow peers keep the harness's smaller N.
exec "$harness/run.sh" "${peers[@]}"
