#!/bin/sh
# The demo's flaky process: works for a while, then crashes, so you can watch restarts and back-off.
life=$(( $(od -An -N1 -tu1 /dev/urandom) % 8 + 2 ))
echo "flaky: up, will crash in about $life s"
i=0
while [ "$i" -lt "$life" ]; do
  sleep 1
  i=$((i + 1))
done
echo "flaky: something went wrong, exiting with code 1" >&2
exit 1
