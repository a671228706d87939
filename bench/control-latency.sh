#!/usr/bin/env bash
# The control socket's speed (issue: "answers each request within 10 ms; a whole verb, its JVM start included,
# takes at most 0.3 s on an idle machine"). Starts `procdeck start` on a small app (web=2 worker=2), then
#  1. per request: a client already connected (python3 over the Unix socket) sends hello, ps and scale RUNS
#     times each and times every answer (median, p95, max);
#  2. per verb: `bin/procdeck ps` and `bin/procdeck scale web=2` as a user types them, RUNS times each, wall
#     clock with /usr/bin/time -f %e (median, max).
# Knobs: PROCDECK_BIN (default bin/procdeck), RUNS (20). Run on an idle machine: no other benchmark or build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${PROCDECK_BIN:-$root/bin/procdeck}
runs=${RUNS:-20}
work=$(mktemp -d /tmp/pd-latency.XXXXXX)
export XDG_STATE_HOME=$work/state
mkdir -p "$work/app"
printf 'web: exec sleep 1000\nworker: exec sleep 1000\n' > "$work/app/Procfile"
"$bin" start -d "$work/app" -p 6700 -m web=2,worker=2 > "$work/start.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do
  "$bin" ps -d "$work/app" > /dev/null 2>&1 && break
  sleep 0.2
done
socket=$("$bin" ps --json -d "$work/app" | python3 -c 'import json,sys; print(json.load(sys.stdin)["socket"])')
echo "procdeck start pid $pid, socket $socket, $runs runs"

python3 - "$socket" "$runs" <<'PY'
import json, socket, statistics, sys, time
path, runs = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(path)
f = s.makefile("rwb")
def call(req):
    t = time.perf_counter()
    f.write((json.dumps(req) + "\n").encode()); f.flush()
    answer = json.loads(f.readline())
    assert answer.get("ok"), answer
    return (time.perf_counter() - t) * 1000
for op, req in [("hello", {"v": 2, "op": "hello"}), ("ps", {"v": 2, "op": "ps"}),
                ("scale", {"v": 2, "op": "scale", "formation": {"web": 2}})]:
    first = call(req)
    ms = sorted(call(req) for _ in range(runs))
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    print(f"request {op:6s} first {first:7.2f} ms, then median {statistics.median(ms):6.2f} ms,"
          f" p95 {p95:6.2f} ms, max {ms[-1]:6.2f} ms")
time.sleep(6)  # nobody asked for a while: no recent CPU sample to measure from
print(f"request ps     after 6 s idle: {call({'v': 1, 'op': 'ps'}):.2f} ms")
PY

verb() {
  local name=$1; shift
  local times=()
  for _ in $(seq "$runs"); do
    sleep 0.5
    /usr/bin/time -f %e -o "$work/time" "$bin" "$@" -d "$work/app" > /dev/null 2>&1
    times+=("$(tail -1 "$work/time")")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v n="$name" '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "verb %-22s median %.2f s, max %.2f s (wall clock, JVM start included)\n", n, m, a[NR]}'
}
verb "procdeck ps" ps
verb "procdeck scale web=2" scale web=2
verb "procdeck restart worker.1" restart worker.1
