#!/bin/sh
# The demo's scheduled job (procdeck.yml: schedule): runs once per tick, reports and exits.
echo "report: $(date +%H:%M:%S) queue depth $(( $(od -An -N1 -tu1 /dev/urandom) % 40 )), as $DYNO"
