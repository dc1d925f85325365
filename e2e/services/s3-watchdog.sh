#!/usr/bin/env bash
# Stops a test cluster once the process that owns it is gone. s3-up.sh starts it (in a session of
# its own) when S3_WATCH_PID is set: a harness killed with SIGKILL, or whose terminal closed, runs
# no cleanup of its own, and its Ceph daemons (sessions of their own too) would run on.
#
# Usage: s3-watchdog.sh PID STARTTIME DIR
#   PID STARTTIME  the owner: its PID and field 22 of /proc/PID/stat (start time in clock ticks
#                  since boot), so that a later process given the same PID is not taken for it.
#   DIR            the cluster's folder (s3-up.sh DIR).
#        s3-watchdog.sh --start-time PID
#   prints PID's STARTTIME (exit 1 if PID is not a running process): what s3-up.sh records.
#
# Runs s3-down.sh DIR when the owner is gone (exited, killed, or a zombie); exits by itself once
# DIR/pids is gone (a normal s3-down.sh DIR) or after S3_WATCH_MAX_SECONDS (default 3 days: a
# safety net, not a timer; the cluster is then left to its owner).
set -uo pipefail

log() { echo "s3-watchdog: $(date -u +%FT%TZ) $*" >&2; }

# Prints field 22 of /proc/$1/stat while $1 runs (a zombie, dead but not yet reaped, does not).
start_time() {
  local st f
  st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  st=${st##*) } # fields from 3 (state) on; the name in parentheses may hold spaces
  read -r -a f <<<"$st"
  [[ ${f[0]} != Z && ${f[19]:-} =~ ^[0-9]+$ ]] || return 1
  echo "${f[19]}"
}
if [[ $# -eq 2 && $1 == --start-time && $2 =~ ^[0-9]+$ ]]; then
  start_time "$2"
  exit
fi

[[ $# -eq 3 && $1 =~ ^[0-9]+$ && $2 =~ ^[0-9]+$ ]] || { echo "usage: $0 PID STARTTIME DIR" >&2; exit 2; }
PID=$1
START=$2
DIR=$3
MAX=${S3_WATCH_MAX_SECONDS:-259200}
[[ $MAX =~ ^[0-9]+$ ]] || { log "error: S3_WATCH_MAX_SECONDS must be a number of seconds"; exit 2; }
HERE=$(dirname -- "$(realpath -- "${BASH_SOURCE[0]}")")
# No terminal is ours, but a hangup must not end the watch either.
trap '' HUP

# True while the owner runs: same PID, same start time, not a zombie.
owner_alive() { [[ $(start_time "$PID") == "$START" ]]; }

first=1
deadline=$((SECONDS + MAX))
while ((SECONDS < deadline)); do
  [[ -f $DIR/pids ]] || { log "$DIR is gone (stopped normally); exiting"; exit 0; }
  if ! owner_alive; then
    log "pid $PID (start $START) is gone; stopping the cluster with s3-down.sh $DIR"
    "$HERE/s3-down.sh" "$DIR"
    exit $?
  fi
  # Said after the first look, so a reader knows the owner was recognised.
  ((first)) && log "pid $PID (start $START) is running; watching it for $DIR"
  first=0
  sleep 0.5
done
log "still watching after $MAX s; exiting, the cluster is left to pid $PID"
