#!/bin/sh
# The demo's interactive process (procdeck.yml: tty: true): it runs in a terminal, so it can read what you type.
# In the dashboard select console.1 and type into the line under the console; from a shell: procdeck connect console.1
if [ -t 0 ]; then echo "console: in a terminal ($(tty)); type a line and press Enter"; else echo "console: no terminal"; fi
while read -r line; do
  echo "console: you typed '$line'"
done
