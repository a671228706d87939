#!/usr/bin/env bash
# The router, measured side by side on this machine (issue 17). Figures go to BENCHMARKS.md.
#
#   bench/router.sh [speed|idle|restart|scale|all]     # default all; needs target/procdeck.jar, wrk and nginx
#
# speed:   web=2 instances of ../shared/tools/proxy-bench.sh's nginx backend; wrk through nginx as reverse proxy
#          (the anchor) and through procdeck's router, 64 keep-alive connections (proxy-bench.sh compare).
# idle:    1,000 idle keep-alive connections held through the router for 30 s (each then asked again: errors
#          counted); procdeck's resident memory before and after, and its CPU over 30 s idle afterwards.
# restart: wrk (16 connections, keep-alive) through the router while `procdeck restart web` (web=3) preboots every
#          instance; wrk's non-2xx and socket errors are the failed requests.
# scale:   the same across `procdeck scale web=1`, then `web=4` (from web=4).
set -uo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
jar=$PWD/target/procdeck.jar
bench=$PWD/../shared/tools/proxy-bench.sh
[[ -f $jar ]] || { echo "build the jar first: mvn -q -DskipTests package" >&2; exit 2; }
command -v wrk >/dev/null && command -v nginx >/dev/null || { echo "needs wrk and nginx (apt-get install wrk nginx)" >&2; exit 2; }
work=$(mktemp -d)
export XDG_STATE_HOME=$work/state
base=${BASE:-5600}
java=(java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx96m -XX:+ExitOnOutOfMemoryError -jar "$jar")
pd=""
cleanup() { [[ -n $pd ]] && kill -TERM "$pd" 2>/dev/null && wait "$pd" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

start() {  # start COUNT: procdeck start with web=COUNT nginx backends, router on $base
  mkdir -p "$work/app"
  printf 'web: exec %s backend\n' "$bench" > "$work/app/Procfile"
  printf 'types:\n  web:\n    ready: {http: /}\n' > "$work/app/procdeck.yml"
  "${java[@]}" start -d "$work/app" -p "$base" -m "web=$1" --no-timestamp --no-color >"$work/out" 2>&1 & pd=$!
  local seen=0
  for _ in $(seq 1 300); do  # until every instance has answered through the router
    seen=$(for _ in $(seq 1 $((3 * $1))); do curl -s -D - -o /dev/null "http://127.0.0.1:$base/" | tr -d '\r' \
      | awk -F': ' 'tolower($1) == "x-dyno" {print $2}'; done | sort -u | wc -l)
    [[ $seen -ge $1 ]] && break
    sleep 0.1
  done
  [[ $seen -ge $1 ]] || { echo "web=$1 did not come up behind the router:" >&2; cat "$work/out" >&2; exit 1; }
}
stop() { kill -TERM "$pd" 2>/dev/null; wait "$pd" 2>/dev/null; pd=""; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

wrk_errors() {  # wrk_errors FILE: non-2xx + socket errors, and the request count
  awk '/requests in/ {n=$1} /Non-2xx/ {e+=$NF} /Socket errors/ {gsub(/,/,""); e+=$4+$6+$8+$10} END {printf "%d requests, %d failed\n", n, e+0}' "$1"
}

if [[ $what == speed || $what == all ]]; then
  start 2
  echo "## speed: web=2, 64 connections, ${SECS:-10} s each"
  "$bench" compare "http://127.0.0.1:$base/" $((base + 1)) $((base + 2))
  stop
fi

if [[ $what == idle || $what == all ]]; then
  start 2
  before=$(rss_kb "$pd")
  python3 - "$base" <<'PY'
import socket, sys, time
port = int(sys.argv[1]); socks = []; errors = 0
req = b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
def ask(s):
    s.sendall(req); data = b""
    while b"\r\n\r\n" not in data or not data.endswith(b"0123"):
        chunk = s.recv(4096)
        if not chunk: raise IOError("closed")
        data += chunk
        if len(data) > 200 and b"200 OK" in data.split(b"\r\n")[0]: break
    return data
for i in range(1000):
    s = socket.create_connection(("127.0.0.1", port)); socks.append(s)
    try: ask(s)
    except Exception: errors += 1
print(f"1000 connections open, {errors} errors; holding them idle 30 s", flush=True)
time.sleep(30)
for s in socks:
    try: ask(s)
    except Exception: errors += 1
print(f"asked again on each: {errors} errors in all", flush=True)
for s in socks: s.close()
PY
  after=$(rss_kb "$pd")
  echo "procdeck resident memory: ${before} kB before, ${after} kB with 1,000 connections served (+$(( (after - before) / 1024 )) MB)"
  t0=$(cpu_ticks "$pd"); sleep 30; t1=$(cpu_ticks "$pd")
  hz=$(getconf CLK_TCK)
  awk -v d=$((t1 - t0)) -v hz="$hz" 'BEGIN {printf "procdeck idle CPU over 30 s after it: %.3f %% of a core\n", 100 * d / hz / 30}'
  stop
fi

if [[ $what == restart || $what == all ]]; then
  start 3
  wrk -t2 -c16 -d12s "http://127.0.0.1:$base/" >"$work/wrk" 2>&1 & w=$!
  sleep 2
  "${java[@]}" restart -d "$work/app" web >/dev/null
  wait $w
  echo "## restart web (web=3, preboot) under load: $(wrk_errors "$work/wrk")"
  grep -c "previous process stopped" "$work/out" | sed 's/^/replaced processes stopped: /'
  stop
fi

if [[ $what == scale || $what == all ]]; then
  start 4
  wrk -t2 -c16 -d14s "http://127.0.0.1:$base/" >"$work/wrk" 2>&1 & w=$!
  sleep 2
  "${java[@]}" scale -d "$work/app" web=1 >/dev/null
  sleep 4
  "${java[@]}" scale -d "$work/app" web=4 >/dev/null
  wait $w
  echo "## scale web 4 -> 1 -> 4 under load: $(wrk_errors "$work/wrk")"
  stop
fi
