#!/usr/bin/env bash
# Run by ReleaseArchiveIT inside network and mount namespaces of its own (unshare), where only
# loopback exists, so anything the archive tried to fetch would fail: the unpacked archive's
# bin/dpsemu serves with the example configuration (conf/dpsemu.yaml) and `bin/dpsemu loadgen`
# provisions one device of a seeded group through it.
#
# Usage: smoke.sh HOME WORK [NOEXEC_TMP]
#   HOME        the unpacked archive (dpsemu-<version>/)
#   WORK        an empty directory for the data directory, the seed file and the logs
#   NOEXEC_TMP  when given, java.io.tmpdir is a noexec tmpfs mounted there (the /tmp of a read-only
#               container) and DPSEMU_NATIVE_DIR points the native libraries at WORK/data/native
set -euo pipefail

home="$1"
work="$2"
noexec_tmp="${3:-}"
ready_timeout_seconds=120

ip link set lo up
if [ -n "$noexec_tmp" ]; then
  mkdir -p "$noexec_tmp"
  mount -t tmpfs -o noexec,nosuid,nodev,size=64m tmpfs "$noexec_tmp"
  export DPSEMU_JAVA_OPTS="-Djava.io.tmpdir=$noexec_tmp"
  export DPSEMU_NATIVE_DIR="$work/data/native"
fi

group_key="$(head -c 32 /dev/urandom | base64)"
cat >"$work/seed.yaml" <<YAML
enrollmentGroups:
  - enrollmentGroupId: release-smoke
    attestation:
      type: symmetricKey
      symmetricKey:
        primaryKey: $group_key
YAML

log="$work/serve.log"
"$home/bin/dpsemu" serve --config "$home/conf/dpsemu.yaml" --data-dir "$work/data" --bind 127.0.0.1 \
  --mqtt-port 0 --https-port 0 --operations-port 0 --enrollments "$work/seed.yaml" >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT

for _ in $(seq 1 "$ready_timeout_seconds"); do
  grep -q "dpsemu ready" "$log" && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 1
done
if ! grep -q "dpsemu ready" "$log"; then
  echo "smoke: dpsemu serve did not become ready" >&2
  exit 1
fi
scope="$(sed -n 's/.*dpsemu ready: idScope=\([^ ]*\) .*/\1/p' "$log")"
mqtt_port="$(sed -n 's/.*dpsemu ready: .* mqtt=[^ ]*:\([0-9]*\) .*/\1/p' "$log")"

"$home/bin/dpsemu" loadgen --port "$mqtt_port" --id-scope "$scope" --group-key "$group_key" \
  --ca "$work/data/tls/ca.pem" --id-prefix release-smoke- --devices 1 --concurrency 1 --poll immediate \
  --json "$work/loadgen.json" \
  >"$work/loadgen.log" 2>&1
echo "smoke: one device provisioned through the archive's dpsemu"
