#!/bin/sh
# The demo's clock process (Heroku's name for a scheduler): a tick every few seconds.
while true; do
  echo "tick $(date +%H:%M:%S): enqueueing periodic jobs"
  sleep 3
done
