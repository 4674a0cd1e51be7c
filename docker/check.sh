#!/usr/bin/env bash
# Checks the container files with the real tools, where no image can be built (no registry for the
# base images): Compose (Debian's docker-compose) reads both compose files, HAProxy checks
# haproxy.cfg, and, as root, HAProxy starts on haproxy.cfg with its defaults under a descriptor
# limit of 20,000 (in a network namespace of its own, so no port of this machine is touched).
# Installs docker-compose and haproxy from Debian's packages when they are missing. Run by .ci/run;
# ContainerFilesTest checks the same files' rules (defaults of every variable, limits) in `mvn verify`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
descriptor_limit=20000

if ! command -v docker-compose >/dev/null || ! command -v haproxy >/dev/null; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends docker-compose haproxy
fi

# The cluster file reads files prepare.sh writes (not in git): empty stand-ins in a copy.
copy="$(mktemp -d)"
trap 'rm -rf "$copy"' EXIT
cp -r "$here" "$copy/docker"
mkdir -p "$copy/docker/cluster/tls"
touch "$copy/docker/cluster/cluster.env" "$copy/docker/cluster/dpsemu.yaml"
for file in compose.yaml compose.cluster.yaml; do
  # unset: the defaults in the files are what is checked
  env -u DPS_HOST_NAME -u DPS_NODE_NOFILE -u DPS_LB_NOFILE -u DPS_LB_MAXCONN \
    docker-compose --project-directory "$copy/docker" -f "$copy/docker/$file" config -q
  echo "docker/check.sh: docker-compose config: $file is valid"
done

env -u DPS_LB_MAXCONN haproxy -c -q -f "$here/haproxy.cfg"
echo "docker/check.sh: haproxy -c: haproxy.cfg is valid"

if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && command -v ip >/dev/null; then
  log="$copy/haproxy.log"
  # -db: in the foreground; it runs until timeout ends it (status 124) unless it refuses to start
  status=0
  env -u DPS_LB_MAXCONN unshare --net bash -c "ip link set lo up; ulimit -n $descriptor_limit; \
    exec timeout 3 haproxy -db -f '$here/haproxy.cfg'" >"$log" 2>&1 || status=$?
  if [ "$status" != 124 ] || grep -q ALERT "$log"; then
    echo "docker/check.sh: HAProxy did not start on haproxy.cfg under a limit of $descriptor_limit descriptors:" >&2
    cat "$log" >&2
    exit 1
  fi
  echo "docker/check.sh: HAProxy starts on haproxy.cfg's defaults under a limit of $descriptor_limit descriptors"
else
  echo "docker/check.sh: not root (or no unshare/ip): HAProxy's start under $descriptor_limit descriptors not checked" >&2
fi
