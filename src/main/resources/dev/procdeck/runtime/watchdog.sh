# procdeck watchdog. stdin is a pipe from procdeck: end-of-file means procdeck is gone, even after SIGKILL.
# procdeck writes one line per change: "=MARKER" once per supervisor (its PROCDECK_MARK), "+PGID START MARKER"
# when it starts a process group, "-PGID" when the group is reaped, "*" on a clean exit (nothing left to stop).
# At end-of-file, besides the groups it was told of, every group of a process carrying a told marker is stopped
# (a leader that exited before it could be recorded, a child that left its group with setsid). The groups live in this shell's memory only,
# so this works when the state folder cannot be written (full disk, read-only home).
# At end-of-file the remaining groups are stopped by the same Java terminator procdeck uses (TERM, wait,
# KILL), which first checks each group's leader start time and marker so a reused pid is never hit. Only if
# that Java cannot run, a minimal shell version with the same checks does it.
# Arguments: TIMEOUT_MILLIS JAVA CLASSPATH.
set -f
timeout_ms=$1; java=$2; classpath=$3
groups=
marks=
drop() {
  kept=
  for g in $groups; do
    [ "${g%%:*}" = "$1" ] || kept="$kept $g"
  done
  groups=$kept
}
while IFS= read -r line; do
  case $line in
    +*)
      set -- ${line#+}
      [ $# -eq 3 ] || continue
      case $1 in ''|*[!0-9]*) continue ;; esac
      case $2 in ''|*[!0-9]*) continue ;; esac
      case $3 in ''|-*|*[!0-9a-z-]*) continue ;; esac
      drop "$1"
      groups="$groups $1:$2:$3"
      ;;
    =*)
      m=${line#=}
      case $m in ''|-*|*[!0-9a-z-]*) continue ;; esac
      case " $marks " in *" mark:$m "*) ;; *) marks="$marks mark:$m" ;; esac
      ;;
    -*) drop "${line#-}" ;;
    '*') groups= ; marks= ;;
  esac
done
[ -n "$groups$marks" ] || exit 0
# What procdeck sent is in; from here on /proc/[0-9]* must glob (set -f kept its words from doing so).
set +f
if [ -n "$java" ] && [ -x "$java" ]; then
  "$java" -Xmx64m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$classpath" \
    dev.procdeck.runtime.WatchdogMain "$timeout_ms" $groups $marks && exit 0
fi

# Fallback: the same checks in shell. stat fields after "comm) ": 3 is the pgrp, 20 the start time.
own=$(sed 's/.*) //' /proc/$$/stat | cut -d' ' -f3)
has_mark() {
  tr '\0' '\n' < "/proc/$1/environ" 2>/dev/null | grep -qx "PROCDECK_MARK=$2"
}
ours() {
  [ "$1" -gt 1 ] 2>/dev/null && [ "$1" != "$own" ] || return 1
  if [ -r "/proc/$1/stat" ]; then
    now=$(sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f20)
    [ "$now" = "$2" ] || return 1
    has_mark "$1" "$3" && return 0
  fi
  for p in /proc/[0-9]*; do
    [ "$(sed 's/.*) //' "$p/stat" 2>/dev/null | cut -d' ' -f3)" = "$1" ] && has_mark "${p#/proc/}" "$3" && return 0
  done
  return 1
}
verified=
for g in $groups; do
  IFS=: read -r pgid start mark <<EOT
$g
EOT
  ours "$pgid" "$start" "$mark" && verified="$verified $pgid"
done
for m in $marks; do
  m=${m#mark:}
  for p in /proc/[0-9]*; do
    pg=$(sed 's/.*) //' "$p/stat" 2>/dev/null | cut -d' ' -f3)
    [ -n "$pg" ] && [ "$pg" -gt 1 ] 2>/dev/null && [ "$pg" != "$own" ] || continue
    has_mark "${p#/proc/}" "$m" || continue
    case " $verified " in *" $pg "*) ;; *) verified="$verified $pg" ;; esac
  done
done
signal_all() {
  alive=1
  for pgid in $verified; do
    if kill "$1" "-$pgid" 2>/dev/null; then alive=0; fi
  done
  return $alive
}
[ -n "$verified" ] || exit 0
signal_all -TERM || exit 0
i=0
while [ "$i" -lt $((timeout_ms / 100)) ]; do
  sleep 0.1
  signal_all -0 || exit 0
  i=$((i + 1))
done
signal_all -KILL
