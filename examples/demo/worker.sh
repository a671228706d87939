#!/bin/sh
# The demo's worker: coloured log lines at a steady pace, some on stderr.
n=0
trap 'echo "worker: finishing job $n before exit"; exit 0' TERM
while true; do
  n=$((n + 1))
  case $((n % 5)) in
    0) printf '\033[33mWARN\033[0m job %d slow (%d ms)\n' "$n" $((n * 37 % 900)) >&2 ;;
    1) printf '\033[1;34mINFO\033[0m picked job %d from queue \033[2m(default)\033[0m\n' "$n" ;;
    2) printf '\033[32mDONE\033[0m job %d in %d ms\n' "$n" $((n * 13 % 200)) ;;
    3) printf '\033[36mDEBUG\033[0m cache hit ratio \033[1m%d%%\033[0m\n' $((n * 7 % 100)) ;;
    4) printf '\033[35mTRACE\033[0m %s\n' "$GREETING" ;;
  esac
  sleep "${WORK_INTERVAL:-1}"
done
