#!/usr/bin/env bash
# One formation per project: N rounds of two `procdeck start` of one project launched at the same moment (and
# one round with the first stopped by SIGSTOP, as Ctrl-Z does). Counts the rounds in which exactly one ran and
# the other refused naming it. Figures go to RELIABILITY.md.
#
#   bench/simultaneous-starts.sh [ROUNDS]      # default 20; needs target/procdeck.jar (mvn -q -DskipTests package)
set -uo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-20}
jar=target/procdeck.jar
[[ -f $jar ]] || { echo "build the jar first: mvn -q -DskipTests package" >&2; exit 2; }
work=$(mktemp -d)
trap 'pkill -KILL -f "$work" 2>/dev/null; rm -rf "$work"' EXIT
export XDG_STATE_HOME=$work/state
mkdir -p "$work/app"
printf 'web: exec sleep 4321.5\n' > "$work/app/Procfile"
java=(java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx96m -jar "$jar")
good=0
for r in $(seq 1 "$rounds"); do
  "${java[@]}" start -d "$work/app" --no-timestamp >"$work/a.out" 2>"$work/a.err" & a=$!
  "${java[@]}" start -d "$work/app" --no-timestamp >"$work/b.out" 2>"$work/b.err" & b=$!
  # The one that refuses exits by itself; the one that runs is stopped after both had time to start.
  for _ in $(seq 1 100); do
    if ! kill -0 $a 2>/dev/null || ! kill -0 $b 2>/dev/null; then break; fi
    sleep 0.1
  done
  sleep 1
  running=0; refused=0
  for p in $a $b; do kill -0 $p 2>/dev/null && running=$((running + 1)); done
  grep -q "already runs" "$work/a.err" "$work/b.err" && refused=1
  webs=$(pgrep -f "sleep 4321.5" -c 2>/dev/null || echo 0)
  kill -TERM $a $b 2>/dev/null; wait $a $b 2>/dev/null
  if [[ $running -eq 1 && $refused -eq 1 && $webs -eq 1 ]]; then good=$((good + 1)); else
    echo "round $r: running=$running refused=$refused web instances=$webs" >&2; fi
done
# Ctrl-Z: the first stopped (SIGSTOP) while a second starts.
"${java[@]}" start -d "$work/app" --no-timestamp >"$work/a.out" 2>&1 & a=$!
for _ in $(seq 1 100); do grep -q "web.1 started" "$work/a.out" && break; sleep 0.1; done
kill -STOP $a
"${java[@]}" start -d "$work/app" --no-timestamp >"$work/b.out" 2>"$work/b.err"; code=$?
kill -CONT $a; kill -TERM $a; wait $a 2>/dev/null
echo "simultaneous starts: $good of $rounds rounds ran exactly one formation, the other refused naming it"
echo "first stopped with SIGSTOP: second exited $code: $(head -c 200 "$work/b.err")"
