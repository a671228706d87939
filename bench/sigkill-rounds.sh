#!/usr/bin/env bash
# No survivor after any SIGKILL of procdeck: N rounds of each, counting processes left running 15 s after
# procdeck was SIGKILLed (its watchdog must have stopped them). Figures go to RELIABILITY.md.
#   fast-leader: web: sh -c 'trap "" TERM; exec sleep …' & exit 0   (the leader exits at once, the child ignores TERM)
#   mid-scale:   procdeck scale a=100 b=50, SIGKILL 0.3 s into it
#
#   bench/sigkill-rounds.sh [ROUNDS]    # default 20; needs target/procdeck.jar (mvn -q -DskipTests package)
set -uo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-20}
jar=$PWD/target/procdeck.jar
[[ -f $jar ]] || { echo "build the jar first: mvn -q -DskipTests package" >&2; exit 2; }
work=$(mktemp -d)
cleanup() { pkill -KILL -f "sleep 99[67]\.25" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
export XDG_STATE_HOME=$work/state
java=(java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx96m -jar "$jar")

survivors_after() { # PATTERN: wait up to 15 s for none to be left; print how many are
  for _ in $(seq 1 150); do pgrep -f "$1" >/dev/null || { echo 0; return; }; sleep 0.1; done
  pgrep -fc "$1"
}

mkdir -p "$work/fast" "$work/scale"
printf '%s\n' "web: sh -c 'trap \"\" TERM; exec sleep 997.25' & exit 0" > "$work/fast/Procfile"
printf 'a: exec sleep 996.25\nb: exec sleep 996.25\n' > "$work/scale/Procfile"

fast_ok=0
for r in $(seq 1 "$rounds"); do
  "${java[@]}" start -d "$work/fast" --restart never >/dev/null 2>&1 & pd=$!
  for _ in $(seq 1 100); do pgrep -f "sleep 997.25" >/dev/null && break; sleep 0.1; done
  sleep 0.3
  kill -KILL $pd; wait $pd 2>/dev/null
  n=$(survivors_after "sleep 997.25")
  [[ $n -eq 0 ]] && fast_ok=$((fast_ok + 1)) || { echo "fast-leader round $r: $n survivor(s)" >&2; pkill -KILL -f "sleep 997.25"; }
done

scale_ok=0
for r in $(seq 1 "$rounds"); do
  "${java[@]}" start -d "$work/scale" -m a=1,b=1 >/dev/null 2>&1 & pd=$!
  for _ in $(seq 1 100); do [[ $(pgrep -fc "sleep 996.25") -ge 2 ]] && break; sleep 0.1; done
  sleep 0.5
  "${java[@]}" scale -d "$work/scale" a=100 b=50 >/dev/null 2>&1 &
  sleep 0.6
  kill -KILL $pd; wait $pd 2>/dev/null
  started=$(pgrep -fc "sleep 996.25")
  n=$(survivors_after "sleep 996.25")
  [[ $n -eq 0 ]] && scale_ok=$((scale_ok + 1)) || { echo "mid-scale round $r: $n of $started survived" >&2; pkill -KILL -f "sleep 996.25"; }
  wait 2>/dev/null
done
echo "fast-exiting leader, procdeck SIGKILLed: $fast_ok of $rounds rounds left no survivor"
echo "SIGKILL during scale a=100 b=50: $scale_ok of $rounds rounds left no survivor"
