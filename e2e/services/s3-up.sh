#!/usr/bin/env bash
# Start a throw-away, single-node Ceph cluster (1 mon + 1 memstore OSD) with a
# RADOS Gateway in front of it: a real S3 implementation for tests.
#
# Usage: s3-up.sh DIR [PORT]
#   DIR   state folder (created; must be absent or empty). Everything lives in
#         it: config, mon store, OSD, sockets, logs, pid files. Remove the
#         cluster with s3-down.sh DIR.
#   PORT  S3 port on 127.0.0.1 (default: a free one).
#
# Env: S3_ACCESS_KEY / S3_SECRET_KEY override the test credentials;
#      S3_MEMSTORE_BYTES caps the OSD's in-memory store (default 8 GiB);
#      S3_BLUESTORE_BYTES=N keeps objects on disk instead (bluestore in a sparse
#      file DIR/osd/0/block of N bytes): for data larger than the RAM can hold
#      (the benchmark's seed-sized set); slower for small files;
#      S3_TLS=1 also serves HTTPS on another port with a throw-away self-signed
#      certificate (DIR/tls/ca.pem, for 127.0.0.1 and localhost): tools that refuse
#      SSE-C over plain HTTP (rclone) can then use customer keys. Written to env as
#      TRAINDECK_TEST_S3_TLS_ENDPOINT and TRAINDECK_TEST_S3_CA_FILE;
#      S3_WATCH_PID=PID ties the cluster to that process (the harness, e.g. Node's
#      process.pid): a watchdog (s3-watchdog.sh, in a session of its own, pid in
#      DIR/watchdog.pid) runs s3-down.sh DIR once that process is gone, even if it was
#      killed with SIGKILL, and exits by itself after a normal s3-down.sh DIR.
#
# Writes DIR/env (shell/dotenv), DIR/env.json, DIR/pids; prints the endpoint
# on stdout (progress goes to stderr), so ENDPOINT=$(s3-up.sh DIR) works.
set -euo pipefail

usage() { echo "usage: $0 DIR [PORT]" >&2; exit 2; }
log() { echo "s3-up: $*" >&2 || true; }
die() { log "error: $*"; exit 1; }

[[ $# -ge 1 && $# -le 2 ]] || usage
PORT=${2:-}
[[ -z $PORT || ($PORT =~ ^[0-9]{1,5}$ && $PORT -ge 1 && $PORT -le 65535) ]] || usage

ACCESS_KEY=${S3_ACCESS_KEY:-TRAINDECKTESTACCESSKEY}
SECRET_KEY=${S3_SECRET_KEY:-traindeck-test-secret-key-0123456789abcdef}
MEMSTORE_BYTES=${S3_MEMSTORE_BYTES:-$((8 << 30))}
[[ $MEMSTORE_BYTES =~ ^[0-9]+$ ]] || die "S3_MEMSTORE_BYTES must be a number of bytes"
BLUESTORE_BYTES=${S3_BLUESTORE_BYTES:-}
[[ -z $BLUESTORE_BYTES || $BLUESTORE_BYTES =~ ^[0-9]+$ ]] || die "S3_BLUESTORE_BYTES must be a number of bytes"
if [[ -n $BLUESTORE_BYTES ]]; then
  # Objects on disk: a sparse file, its bluestore cache kept small (the OSD's default target is 4 GiB).
  OBJECTSTORE="osd objectstore = bluestore
bluestore block create = true
bluestore block size = $BLUESTORE_BYTES
bluestore fsck on mount = false
osd memory target = 1073741824"
else
  # Objects live in the OSD's RAM; the size is what the OSD reports as capacity.
  OBJECTSTORE="osd objectstore = memstore
memstore device bytes = $MEMSTORE_BYTES"
fi
# Keys end up unquoted in env/env.json and on radosgw-admin's command line:
# allow only characters that need no escaping anywhere.
[[ $ACCESS_KEY =~ ^[A-Za-z0-9._+/=-]+$ ]] || die "S3_ACCESS_KEY has unsupported characters"
[[ $SECRET_KEY =~ ^[A-Za-z0-9._+/=-]+$ ]] || die "S3_SECRET_KEY has unsupported characters"

# The owner's identity is its PID plus its start time (field 22 of /proc/PID/stat), read now:
# a process that later gets the same PID is not the owner.
WATCHDOG=$(dirname -- "$(realpath -- "${BASH_SOURCE[0]}")")/s3-watchdog.sh
WATCH_PID=${S3_WATCH_PID:-}
WATCH_START=
if [[ -n $WATCH_PID ]]; then
  [[ $WATCH_PID =~ ^[0-9]+$ ]] && WATCH_START=$("$WATCHDOG" --start-time "$WATCH_PID") ||
    die "S3_WATCH_PID=$WATCH_PID is not a running process: set it to the PID of the process that owns the cluster (in Node, process.pid), or leave it unset"
fi

# ceph.conf values cannot hold arbitrary characters; keep the path plain.
DIR=$(realpath -m -- "$1")
[[ $DIR =~ ^/[A-Za-z0-9._/+-]+$ && $DIR != / ]] || die "DIR must be a plain path: $DIR"
if [[ -e $DIR ]]; then
  [[ -d $DIR && -z $(ls -A -- "$DIR") ]] || die "$DIR exists and is not an empty folder (running cluster? use s3-down.sh)"
fi

T0=$(date +%s.%N)
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# --- packages -----------------------------------------------------------------
apt_wait() {
  # Another process (e.g. an apt-get update elsewhere) may hold the apt/dpkg
  # locks; wait for it (bounded) instead of failing.
  local i
  for ((i = 0; i < 600; i++)); do
    fuser /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock >/dev/null 2>&1 || return 0
    ((i % 30)) || log "waiting for the apt/dpkg lock..."
    sleep 1
  done
  die "apt/dpkg lock still held after 600 s"
}
apt_install() {
  apt_wait
  # DPkg::Lock::Timeout covers the race between our check and apt's own locking.
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "$@"
}
NEED=(radosgw radosgw-admin ceph-mon ceph-osd ceph monmaptool)
missing=0
for b in "${NEED[@]}"; do command -v "$b" >/dev/null || missing=1; done
if ((missing)); then
  log "installing radosgw ceph-mon ceph-osd (Debian packages)..."
  t=$(date +%s.%N)
  # Only refresh the package lists if the install fails (missing/stale lists).
  if ! apt_install radosgw ceph-mon ceph-osd >&2; then
    log "install failed; running apt-get update and retrying"
    apt_wait
    apt-get -o DPkg::Lock::Timeout=600 update >&2
    apt_install radosgw ceph-mon ceph-osd >&2
  fi
  for b in "${NEED[@]}"; do command -v "$b" >/dev/null || die "$b still missing after install"; done
  log "installed in $(elapsed "$t") s"
  T0=$(date +%s.%N) # report start time without the install
fi

# --- ports ----------------------------------------------------------------------
# Random ports below the kernel's ephemeral range (32768+) and away from the
# OSD's own bind range (6800-7300), skipping listening ones, so that several
# clusters can run side by side. (Two scripts racing for the same random port
# is possible in theory; the daemon then fails to bind and we exit non-zero.)
port_busy() { ss -Hltn "sport = :$1" | grep -q .; }
pick_port() {
  local p i
  for ((i = 0; i < 200; i++)); do
    p=$((20000 + RANDOM % 12000))
    [[ " $PICKED " == *" $p "* ]] && continue
    port_busy "$p" || { echo "$p"; return 0; }
  done
  die "no free port found"
}
PICKED=
if [[ -n $PORT ]]; then
  port_busy "$PORT" && die "port $PORT is already in use"
else
  PORT=$(pick_port)
fi
PICKED=$PORT # the mon must not get the gateway's port
MON_PORT=$(pick_port)
TLS=${S3_TLS:-0}
[[ $TLS == 0 || $TLS == 1 ]] || die "S3_TLS must be 0 or 1"
TLS_PORT=
if ((TLS)); then
  PICKED="$PORT $MON_PORT"
  TLS_PORT=$(pick_port)
fi

# --- cleanup on failure -------------------------------------------------------------
PIDS=()
# True while PID runs (a zombie, dead but not yet reaped, does not count).
running() {
  local st
  st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  st=${st##*) }
  [[ ${st%% *} != Z ]]
}
stop_started() {
  # Newest first: the OSD shuts down fast only while the mon is still there to
  # acknowledge it (otherwise it waits 5 s).
  local i j p
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    p=${PIDS[i]}
    kill -TERM "$p" 2>/dev/null || continue
    for ((j = 0; j < 100; j++)); do
      running "$p" || break
      sleep 0.1
    done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
}
# True if S3_WATCH_PID was given and that process (same start time) no longer runs.
owner_gone() { [[ -n $WATCH_PID && $("$WATCHDOG" --start-time "$WATCH_PID") != "$WATCH_START" ]]; }
on_exit() {
  local rc=$?
  ((rc == 0)) && return 0
  # Stop first, then talk: a caller that died closed the pipe our stderr goes to.
  stop_started
  log "startup failed (exit $rc); stopped what this script started: ${PIDS[*]:-none}"
  if owner_gone; then
    rm -rf -- "$DIR"
    log "removed $DIR: pid $WATCH_PID, its owner, is gone"
    exit "$rc"
  fi
  local f
  for f in "$DIR"/log/*; do
    [[ -s $f ]] || continue
    echo "----- tail $f" >&2
    tail -n 15 "$f" >&2
  done
  log "state kept in $DIR for inspection; remove it with s3-down.sh $DIR"
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# A caller killed while we start (a harness killed with SIGKILL) leaves our stdout/stderr pipes
# without a reader: the next write must fail (EPIPE, ignored by log) instead of killing this script
# before on_exit stops the daemons it started. The daemons get the default back (start_daemon).
trap '' PIPE

# Run a daemon in the foreground as our own child (so $! is its exact PID),
# in its own session (a Ctrl-C aimed at the caller's terminal must not kill
# it) and with all stdio pointing at files (a caller reading our stdout must
# not wait for the daemons to close it).
start_daemon() {
  local name=$1; shift
  (trap - PIPE && exec setsid "$@" -c "$CONF" -f </dev/null >>"$DIR/log/$name.out" 2>&1) &
  PIDS+=("$!")
  echo "$!" >>"$DIR/pids"
}

# --- config -------------------------------------------------------------------------
mkdir -p "$DIR"/{run,log,crash,mon,osd/0,rgw}
FRONTEND="beast endpoint=127.0.0.1:$PORT tcp_nodelay=1"
if ((TLS)); then
  command -v openssl >/dev/null || apt_install openssl >&2
  mkdir -p "$DIR/tls"
  # Throw-away: a self-signed certificate for the loopback names only, made per cluster.
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -addext "basicConstraints=critical,CA:TRUE" \
    -keyout "$DIR/tls/key.pem" -out "$DIR/tls/ca.pem" 2>>"$DIR/log/openssl.out"
  chmod 600 "$DIR/tls/key.pem"
  FRONTEND+=" ssl_endpoint=127.0.0.1:$TLS_PORT ssl_certificate=$DIR/tls/ca.pem ssl_private_key=$DIR/tls/key.pem"
fi
: >"$DIR/pids"
CONF=$DIR/ceph.conf
FSID=$(cat /proc/sys/kernel/random/uuid)
OSD_UUID=$(cat /proc/sys/kernel/random/uuid)
# $name/$id/$cluster are Ceph metavariables (escaped from bash).
cat >"$CONF" <<EOF
# Throw-away test cluster made by s3-up.sh; remove with s3-down.sh $DIR
[global]
fsid = $FSID
mon host = v2:127.0.0.1:$MON_PORT
public addr = 127.0.0.1
public network = 127.0.0.1/32
# msgr2 only: fewer ports, one protocol.
ms bind msgr1 = false
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
# Keep every file inside DIR (never /etc/ceph, /var/lib/ceph, /var/log/ceph, /run/ceph).
run dir = $DIR/run
admin socket = $DIR/run/\$name.asok
pid file = $DIR/run/\$name.pid
log file = $DIR/log/\$name.log
mon cluster log file = $DIR/log/cluster.log
crash dir = $DIR/crash
# With auth none no keyring is needed, but clients would still look in /etc/ceph.
keyring = $DIR/keyring
mon data = $DIR/mon/\$id
osd data = $DIR/osd/\$id
$OBJECTSTORE
# A tiny OSD would get CRUSH weight ~0 and no PGs mapped to it.
osd crush initial weight = 1
osd crush chooseleaf type = 0
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
# A nearly full disk must not make the mon shut itself down.
mon data avail crit = 0
# Bring-up in ~2 s instead of ~12 s (default paxos waits are 1 s / 0.05 s).
paxos propose interval = 0.1
paxos min wait = 0.01

[client.rgw.gw]
# Without tcp_nodelay, requests after the first on a keep-alive connection
# wait ~40 ms (delayed ACK).
rgw frontends = $FRONTEND
rgw data = $DIR/rgw
# SSE-C over plain HTTP.
rgw crypt require ssl = false
# radosgw defaults to "secure" mode towards the mon, impossible with auth none:
# it would wait 300 s, then fail with "failed to fetch mon config" (-13).
ms mon client mode = crc secure
# Free deleted objects (RAM) after a minute instead of hours.
rgw gc obj min wait = 60
rgw gc processor period = 60
EOF

CEPH=(ceph -c "$CONF" --connect-timeout 30)
ADMIN=(timeout 60 radosgw-admin -c "$CONF")

# --- mon ----------------------------------------------------------------------------
log "starting mon on 127.0.0.1:$MON_PORT"
monmaptool --create --fsid "$FSID" --addv a "[v2:127.0.0.1:$MON_PORT]" "$DIR/monmap" >/dev/null
ceph-mon -c "$CONF" --mkfs -i a --monmap "$DIR/monmap" >>"$DIR/log/mkfs.out" 2>&1
start_daemon mon.a ceph-mon -i a

# --- osd ----------------------------------------------------------------------------
log "starting osd"
# The ceph CLI waits (up to --connect-timeout) until the mon answers.
OSD_ID=$(timeout 60 "${CEPH[@]}" osd new "$OSD_UUID")
[[ $OSD_ID == 0 ]] || die "unexpected osd id '$OSD_ID'"
ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$OSD_UUID" >>"$DIR/log/mkfs.out" 2>&1
start_daemon osd.0 ceph-osd -i 0

# --- gateway ------------------------------------------------------------------------
log "configuring the gateway"
# On a fresh cluster "zonegroup placement add" fails ("failed to init
# zonegroup: (2) No such file or directory"): the default zonegroup/zone are
# only written by a command that initialises the full RGW store, such as
# "user create" (it also creates the pools and blocks until the OSD is up).
"${ADMIN[@]}" user create --uid traindeck-test --display-name "TrainDeck tests" \
  --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY" >/dev/null
# INTELLIGENT_TIERING must be a storage class of default-placement before the
# gateway starts (then no restart is needed); otherwise PutObject with it
# gets a 400 with an empty message.
"${ADMIN[@]}" zonegroup placement add --rgw-zonegroup default --placement-id default-placement \
  --storage-class INTELLIGENT_TIERING >/dev/null
"${ADMIN[@]}" zone placement add --rgw-zone default --placement-id default-placement \
  --storage-class INTELLIGENT_TIERING --data-pool default.rgw.intelligent-tiering.data >/dev/null

log "starting radosgw on 127.0.0.1:$PORT"
start_daemon client.rgw.gw radosgw -n client.rgw.gw
ENDPOINT=http://127.0.0.1:$PORT
ok=0
deadline=$((SECONDS + 60))
while ((SECONDS < deadline)); do
  running "${PIDS[2]}" || die "radosgw exited"
  # Any HTTP status means the frontend is serving (anonymous GET / is 200).
  code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$ENDPOINT/" || true)
  [[ $code != 000 ]] && { ok=1; break; }
  sleep 0.1
done
((ok)) || die "radosgw did not answer on $ENDPOINT within 60 s"
TLS_ENDPOINT=
if ((TLS)); then
  TLS_ENDPOINT=https://127.0.0.1:$TLS_PORT
  code=$(curl -s -o /dev/null -m 5 --cacert "$DIR/tls/ca.pem" -w '%{http_code}' "$TLS_ENDPOINT/" || true)
  [[ $code != 000 ]] || die "radosgw did not answer on $TLS_ENDPOINT"
fi

# --- outputs ------------------------------------------------------------------------
cat >"$DIR/env" <<EOF
TRAINDECK_TEST_S3_ENDPOINT=$ENDPOINT
TRAINDECK_TEST_S3_ACCESS_KEY=$ACCESS_KEY
TRAINDECK_TEST_S3_SECRET_KEY=$SECRET_KEY
TRAINDECK_TEST_S3_REGION=us-east-1
EOF
if ((TLS)); then
  printf 'TRAINDECK_TEST_S3_TLS_ENDPOINT=%s\nTRAINDECK_TEST_S3_CA_FILE=%s\n' "$TLS_ENDPOINT" "$DIR/tls/ca.pem" >>"$DIR/env"
fi
TLS_JSON=
if ((TLS)); then
  TLS_JSON=$(printf '\n  "TRAINDECK_TEST_S3_TLS_ENDPOINT": "%s",\n  "TRAINDECK_TEST_S3_CA_FILE": "%s",' "$TLS_ENDPOINT" "$DIR/tls/ca.pem")
fi
cat >"$DIR/env.json" <<EOF
{
  "TRAINDECK_TEST_S3_ENDPOINT": "$ENDPOINT",$TLS_JSON
  "TRAINDECK_TEST_S3_ACCESS_KEY": "$ACCESS_KEY",
  "TRAINDECK_TEST_S3_SECRET_KEY": "$SECRET_KEY",
  "TRAINDECK_TEST_S3_REGION": "us-east-1"
}
EOF
log "ready in $(elapsed "$T0") s: $ENDPOINT${TLS_ENDPOINT:+ and $TLS_ENDPOINT} (pids: ${PIDS[*]}; env: $DIR/env)"
if [[ -n $WATCH_PID ]]; then
  # Last, once the cluster is complete: a failed start stops its own daemons (on_exit), and an
  # owner already gone by now is noticed at the watchdog's first look. Its own session and files
  # for stdio, like the daemons; stopped by on_exit if anything below fails.
  (trap - PIPE && exec setsid "$WATCHDOG" "$WATCH_PID" "$WATCH_START" "$DIR" </dev/null >>"$DIR/log/watchdog.out" 2>&1) &
  PIDS+=("$!")
  echo "$!" >"$DIR/watchdog.pid"
  log "watchdog $! stops the cluster once pid $WATCH_PID is gone"
fi
echo "$ENDPOINT"
