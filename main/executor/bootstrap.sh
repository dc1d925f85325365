#!/bin/sh
# TrainDeck instance bootstrap (POSIX sh). Uploaded next to executor.mjs and run over SSH:
#   sh bootstrap.sh WORK_DIR TTL_SECONDS [--on-instance]  < secrets.json
# 1. arms the time-to-live FIRST, so the machine dies even if everything below fails;
# 2. makes sure Node >= 20 exists (dnf on Amazon Linux 2023, apt on Ubuntu, else the official
#    tarball checked against nodejs.org's SHA256SUMS);
# 3. hands stdin (the secrets) to `executor.mjs start`, which detaches the run from this session.
set -eu
WORK=$1
TTL_SECONDS=$2
ON_INSTANCE=${3:-}
NODE_VERSION=v20.19.5

say() { printf 'bootstrap: %s\n' "$*" >&2; }

# Steps 1 and 2 read nothing from stdin: it carries the secrets for step 3, and apt-get, dnf, sudo or a
# debconf prompt would otherwise swallow them. They run as one function with stdin from /dev/null,
# and package managers never ask (DEBIAN_FRONTEND=noninteractive).
export DEBIAN_FRONTEND=noninteractive
prepare() {
  # --- 1. time-to-live --------------------------------------------------------------------------
  # A real power-off is armed only on a TrainDeck instance: --on-instance AND a cloud-init marker.
  # Anywhere else (an ssh-host box, a test machine) the executor's own timer is the TTL.
  # The executor stops training and pushes at TTL_SECONDS; this timer, 10 minutes later, is the
  # hard stop if the executor itself hangs. A transient systemd timer is used because
  # `shutdown -P +N` would replace the boot-time TTL (user-data) instead of adding to it.
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo -n"
  if [ "$ON_INSTANCE" = "--on-instance" ] && [ -e /var/lib/cloud/instance ]; then
    if command -v systemd-run >/dev/null 2>&1 && $SUDO systemd-run --quiet --unit "traindeck-ttl-$$" --on-active="$((TTL_SECONDS + 600))s" /sbin/shutdown -P now >/dev/null 2>&1; then
      say "time-to-live armed: power-off in $((TTL_SECONDS + 600)) s"
    else
      say "no systemd-run: the boot-time time-to-live stays the hard limit"
    fi
  else
    say "time-to-live enforced by the executor only (not a TrainDeck instance)"
  fi

  # --- 2. Node >= 20 ----------------------------------------------------------------------------
  node_ok() { [ -n "$1" ] && "$1" -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' >/dev/null 2>&1; }
  NODE=$(command -v node 2>/dev/null || true)
  [ -x /opt/traindeck-node/bin/node ] && node_ok /opt/traindeck-node/bin/node && NODE=/opt/traindeck-node/bin/node
  if ! node_ok "$NODE"; then
    . /etc/os-release 2>/dev/null || true
    if [ "${ID:-}" = amzn ] && command -v dnf >/dev/null 2>&1; then
      say "installing nodejs20 with dnf"; $SUDO dnf install -y -q nodejs20 >&2 || true
      for candidate in /usr/bin/node-20 /usr/bin/node; do node_ok "$candidate" && NODE=$candidate && break; done
    elif [ "${ID:-}" = ubuntu ] && command -v apt-get >/dev/null 2>&1; then
      say "installing nodejs with apt"; $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs >&2 || true
      NODE=$(command -v node 2>/dev/null || true)
    fi
  fi
  if ! node_ok "$NODE"; then
    case $(uname -m) in x86_64) arch=x64 ;; aarch64) arch=arm64 ;; *) say "unsupported CPU $(uname -m)"; exit 3 ;; esac
    name="node-$NODE_VERSION-linux-$arch.tar.xz"
    tmp=$(mktemp -d)
    say "downloading $name from nodejs.org"
    curl -fsSL --max-time 300 -o "$tmp/$name" "https://nodejs.org/dist/$NODE_VERSION/$name"
    curl -fsSL --max-time 60 -o "$tmp/SHASUMS256.txt" "https://nodejs.org/dist/$NODE_VERSION/SHASUMS256.txt"
    (cd "$tmp" && grep " $name\$" SHASUMS256.txt | sha256sum -c - >&2) || { say "SHA-256 of $name does not match"; exit 3; }
    $SUDO mkdir -p /opt/traindeck-node
    $SUDO tar -xJf "$tmp/$name" -C /opt/traindeck-node --strip-components=1
    rm -rf "$tmp"
    NODE=/opt/traindeck-node/bin/node
  fi
  node_ok "$NODE" || { say "no Node >= 20 available"; exit 3; }
}
prepare </dev/null

# --- 3. start the executor (secrets flow through stdin, never arguments or files) -------------
exec "$NODE" "$WORK/executor.mjs" start --work "$WORK" $ON_INSTANCE
