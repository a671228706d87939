#!/usr/bin/env bash
# The dashboard under a flood: four children print as fast as they can into the running GUI for DURATION
# seconds (default 20). Records, once a second, lines received, the longest gap between two FX pulses (a UI
# stall) and heap/resident memory, via -Dprocdeck.stats; then prints a summary.
#
#   bench/gui-flood.sh            # uses $DISPLAY, or starts Xvfb :97 if there is none
#   DURATION=60 JAVA_OPTS="-Xmx512m" bench/gui-flood.sh
#   LINE_BYTES=60000 JAVA_OPTS="-Xmx320m" bench/gui-flood.sh   # 60 KB lines: memory must stay bounded by bytes
#   LAUNCHER=bin bench/gui-flood.sh          # through bin/procdeck, the command the README gives (its JVM flags)
#   LAUNCHER=bin CHILDREN=1 RATE=2000 bench/gui-flood.sh       # one child at 2,000 lines/s instead of full speed
#   LAUNCHER=mvn CHILDREN=1 RATE=2000 bench/gui-flood.sh       # the same through `mvn -q javafx:run`
#   LAUNCHER=bin PROCDECK_LAUNCHER=/tmp/old/procdeck PROCDECK_JAR=/tmp/old.jar ...   # another build and launcher
#   DIAG=1 JAVA_OPTS=-XX:NativeMemoryTracking=summary ...    # before it stops: NMT summary, heap histogram, smaps
#                                                             # totals and CPU by thread, in the work folder
#   DIAG=jfr ...                                              # the same and a JFR recording (its buffers add to RSS)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
project=$(cd "$here/.." && pwd)
jar=$project/target/procdeck.jar
[[ -f $jar ]] || (cd "$project" && mvn -q -DskipTests package)
duration=${DURATION:-20}
work=$(mktemp -d /tmp/procdeck-gui-flood.XXXXXX)
mkdir -p "$work/app"
line_bytes=${LINE_BYTES:-80}
# Lines of LINE_BYTES (default 80) with a counter, as fast as awk can print them.
children=${CHILDREN:-4}
rate=${RATE:-}
for k in $(seq 1 "$children"); do
  if [[ -n $rate ]]; then
    # RATE lines a second: a tenth of them every 100 ms.
    echo "flood$k: while :; do awk -v n=$((rate / 10)) 'BEGIN{pad=\"x\"; while (length(pad) < $line_bytes - 20) pad = pad pad; pad = substr(pad, 1, $line_bytes - 20); for(i=1;i<=n;i++) printf \"%s %09d %s\\n\", ENVIRON[\"PS\"], i, pad}'; sleep 0.1; done"
  else
    echo "flood$k: awk 'BEGIN{pad=\"x\"; while (length(pad) < $line_bytes - 20) pad = pad pad; pad = substr(pad, 1, $line_bytes - 20); for(i=1;;i++) printf \"%s %09d %s\\n\", ENVIRON[\"PS\"], i, pad}'"
  fi
done >"$work/app/Procfile"
xvfb=""
jfr=""
[[ ${DIAG:-} == jfr ]] && jfr="-XX:StartFlightRecording=name=flood,settings=default -XX:FlightRecorderOptions:stackdepth=256"
if [[ -z ${DISPLAY:-} ]]; then
  Xvfb :97 -screen 0 1280x800x24 >/dev/null 2>&1 & xvfb=$!
  export DISPLAY=:97
  sleep 1
fi
# shellcheck disable=SC2086
if [[ ${LAUNCHER:-} == bin ]]; then
  PROCDECK_JAVA_OPTS="${JAVA_OPTS:-} $jfr -Dprocdeck.stats=$work/stats.csv -Dprocdeck.startOnOpen=true" \
    "${PROCDECK_LAUNCHER:-$project/bin/procdeck}" "$work/app" >"$work/app.log" 2>&1 &
elif [[ ${LAUNCHER:-} == mvn ]]; then
  # The README's first command, its JVM settings from the pom; JAVA_TOOL_OPTIONS reaches the JVM it forks.
  (cd "$project" && JAVA_TOOL_OPTIONS="$jfr -Dprocdeck.stats=$work/stats.csv -Dprocdeck.startOnOpen=true" \
    mvn -q -o javafx:run -Dprocdeck.args="$work/app") >"$work/app.log" 2>&1 &
  launcher=$!
else
  java ${JAVA_OPTS:--Xmx512m} -Dprocdeck.stats="$work/stats.csv" -Dprocdeck.startOnOpen=true -jar "$jar" "$work/app" \
    >"$work/app.log" 2>&1 &
fi
app=$!
if [[ ${LAUNCHER:-} == mvn ]]; then
  app=
  for _ in $(seq 1 600); do
    app=$(pgrep -f "dev.procdeck.ui.DashboardApp $work/app" | head -1) && [[ -n $app ]] && break
    sleep 0.2
  done
  [[ -n $app ]] || { echo "the dashboard did not start under mvn javafx:run (see $work/app.log)" >&2; exit 1; }
fi
# CPU of the dashboard's JVM alone (not its children), from WARMUP seconds in (default 5; the JIT compiles for
# the first half minute or so) to the end: utime + stime in clock ticks.
warmup=${WARMUP:-5}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$app/stat"; }
# CPU ticks by thread name (comm, between parentheses; names may contain spaces), for DIAG's per-thread split.
thread_ticks() { for t in /proc/$app/task/*/stat; do sed -E 's/^[0-9]+ \((.*)\) [A-Z] (.*)$/\1|\2/' "$t" 2>/dev/null; done |
  awk -F'|' '{split($2, f, " "); n = $1; gsub(/[0-9]+$/, "N", n); ticks[n] += f[11] + f[12]} END {for (n in ticks) print n "|" ticks[n]}' | sort; }
sleep "$warmup"
[[ -n ${DIAG:-} ]] && thread_ticks >"$work/threads0.txt"
t0=$(cpu_ticks); s0=$(date +%s.%N)
sleep "$((duration - warmup))"
t1=$(cpu_ticks); s1=$(date +%s.%N)
if [[ -n ${DIAG:-} ]]; then
  thread_ticks >"$work/threads1.txt"
  echo "CPU by thread after the warm-up (% of one core):"
  join -t'|' -a2 -e0 -o '0,1.2,2.2' "$work/threads0.txt" "$work/threads1.txt" |
    awk -F'|' -v secs="$(echo "$s1 - $s0" | bc -l)" -v hz="$(getconf CLK_TCK)" \
      '{p = ($3 - $2) / hz / secs * 100; if (p >= 0.5) printf "  %5.1f %s\n", p, $1}' | sort -rn
fi
if [[ -n ${DIAG:-} ]]; then
  # Where the resident memory goes: the JVM's own accounting (NMT, when enabled), the live heap by class, and
  # the kernel's view by mapping kind (anonymous = heap, metaspace, stacks, malloc; files = jars, libraries).
  jcmd "$app" VM.native_memory summary >"$work/nmt.txt" 2>&1 || true
  jcmd "$app" GC.class_histogram >"$work/histogram.txt" 2>&1 || true
  [[ -n $jfr ]] && { jcmd "$app" JFR.dump name=flood filename="$work/flood.jfr" >/dev/null 2>&1 || true; }
  awk '/^Rss:/{r+=$2} /^Anonymous:/{a+=$2} END{printf "smaps: rss %d MB, anonymous %d MB\n", r/1024, a/1024}' "/proc/$app/smaps" || true
  echo "diagnostics in $work (nmt.txt, histogram.txt${jfr:+, flood.jfr})"
fi
echo "dashboard JVM CPU ($warmup s in to the end): $(echo "($t1 - $t0) / $(getconf CLK_TCK) / ($s1 - $s0) * 100" | bc -l | xargs printf '%.1f') % of one core"
kill -TERM "$app"          # the dashboard stops its children gracefully on SIGTERM too
wait "$app" 2>/dev/null || true
[[ -n ${launcher:-} ]] && { wait "$launcher" 2>/dev/null || true; }
[[ -n $xvfb ]] && kill "$xvfb"
if grep -q "OutOfMemoryError" "$work/app.log"; then echo "OUT OF MEMORY (see $work/app.log)"; fi
python3 - "$work/stats.csv" "$duration" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
if len(rows) < 3:
    sys.exit("too few samples: " + sys.argv[1])
rows = rows[2:]  # skip the first seconds: JVM and window start-up
first, last = rows[0], rows[-1]
secs = (int(last["epoch_ms"]) - int(first["epoch_ms"])) / 1000
lines = int(last["lines_received"]) - int(first["lines_received"])
gaps = [float(r["max_pulse_gap_ms"]) for r in rows]
after_1m = [int(r["rss_mb"]) for r in rows if int(r["lines_received"]) >= 1_000_000]
print(f"samples: {len(rows)} s, lines received: {last['lines_received']} ({lines / secs:,.0f} lines/s in steady state)")
print(f"longest FX pulse gap per second: median {sorted(gaps)[len(gaps)//2]:.0f} ms, max {max(gaps):.0f} ms")
print(f"lines dropped from memory (cap): {last['lines_dropped_from_memory']}")
work = [float(r["max_drain_ms"]) for r in rows]
print(f"longest drain of queued lines per second (our own FX work): median {sorted(work)[len(work)//2]:.0f} ms, max {max(work):.0f} ms")
if after_1m:
    print(f"resident memory after 1M lines: first {after_1m[0]} MB, max {max(after_1m)} MB, last {after_1m[-1]} MB")
print(f"resident memory: max {max(int(r['rss_mb']) for r in rows)} MB; heap used: max {max(int(r['heap_used_mb']) for r in rows)} MB")
print(f"heap used (last): {last['heap_used_mb']} MB; raw data: {sys.argv[1]}")
PY
