#!/usr/bin/env bash
# Stop a test cluster started by s3-up.sh DIR and remove DIR.
#
# Usage: s3-down.sh DIR
#
# Stops exactly the PIDs listed in DIR/pids (never by process name: other
# clusters may be running), TERM first, KILL after a bounded wait.
set -euo pipefail

log() { echo "s3-down: $*" >&2; }
[[ $# -eq 1 ]] || { echo "usage: $0 DIR" >&2; exit 2; }
DIR=$(realpath -m -- "$1")
[[ -d $DIR ]] || { log "$DIR does not exist; nothing to do"; exit 0; }
# Refuse to rm -rf a folder that s3-up.sh did not make.
[[ -f $DIR/pids && $DIR != / ]] || { log "error: $DIR/pids missing: not an s3-up.sh folder"; exit 1; }

# A PID counts as ours only while its command line names DIR/ceph.conf: after
# a reboot or a crash the number may belong to an unrelated process.
# (Zombies have an empty command line, so they do not count either.)
ours() {
  local c
  c=$(tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline") || return 1
  [[ " $c" == *" $DIR/ceph.conf "* ]]
}

pids=()
while read -r p; do
  [[ $p =~ ^[0-9]+$ ]] && ours "$p" && pids+=("$p")
done <"$DIR/pids"

# One at a time, newest first (gateway, OSD, mon): the OSD shuts down at once
# only while the mon can still acknowledge it; with the mon gone it waits 5 s.
for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
  p=${pids[i]}
  kill -TERM "$p" 2>/dev/null || continue
  for ((j = 0; j < 200; j++)); do # up to 10 s
    ours "$p" || break
    sleep 0.05
  done
  if ours "$p"; then
    log "pid $p did not stop after TERM; killing"
    kill -KILL "$p" 2>/dev/null || true
    # KILL is asynchronous: wait (bounded) until it is really gone so that
    # its files and ports are free when we return.
    for ((j = 0; j < 50; j++)); do
      ours "$p" || break
      sleep 0.1
    done
  fi
done

# The daemons were re-parented to PID 1; give it a moment (bounded) to reap
# them so that a "pgrep ceph" right after us shows no <defunct> entries.
zombie() { local st; st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1; st=${st##*) }; [[ ${st%% *} == Z ]]; }
for p in "${pids[@]}"; do
  for ((j = 0; j < 40; j++)); do # up to 2 s
    zombie "$p" || break
    sleep 0.05
  done
done

rm -rf -- "$DIR"
log "stopped ${pids[*]:-nothing} and removed $DIR"
