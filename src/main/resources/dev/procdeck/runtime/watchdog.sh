# procdeck watchdog. stdin is a pipe from procdeck: end-of-file means procdeck is gone, even after SIGKILL.
# Then every process group procdeck recorded (pgid + start time, so a reused pid is never hit) gets
# SIGTERM, and SIGKILL after the timeout. Arguments: GROUPS_FILE TIMEOUT_SECONDS.
groups=$1; timeout=$2
while read -r _; do :; done
[ -s "$groups" ] || exit 0
signal_all() {
  alive=1
  while read -r pgid start; do
    [ "$pgid" -gt 1 ] 2>/dev/null || continue
    if [ "$start" != "-1" ] && [ -r "/proc/$pgid/stat" ]; then
      now=$(sed 's/.*) //' "/proc/$pgid/stat" | cut -d' ' -f20)
      [ "$now" = "$start" ] || continue
    fi
    if kill "$1" "-$pgid" 2>/dev/null; then alive=0; fi
  done < "$groups"
  return $alive
}
signal_all -TERM || { rm -f "$groups"; exit 0; }
i=0
while [ "$i" -lt $((timeout * 10)) ]; do
  sleep 0.1
  signal_all -0 || { rm -f "$groups"; exit 0; }
  i=$((i + 1))
done
signal_all -KILL
rm -f "$groups"
