#!/usr/bin/env bash
# Creates, once, what every node of docker/compose.cluster.yaml must share, so that a device or a
# service client can land on any node behind the load balancer and see the same server:
#
#   tls/server.pem, tls/server-key.pem  one TLS server certificate (chain) and key for all nodes,
#                                       naming the host names devices use for the load balancer
#   tls/ca.pem                          the CA devices and service clients must trust
#   dpsemu.yaml                         the shared configuration: service.hostName and the
#                                       provisioningserviceowner policy keys
#   cluster.env                         DPSEMU_ID_SCOPE and the PostgreSQL user and password, read
#                                       by compose.cluster.yaml for the postgres and dpsemu services
#   state/                              the data directory they were generated in (the CA's private
#                                       key, the id scope, the policy keys): keep it, never mount it
#
# How: it runs `dpsemu serve` once on state/ (in-memory store, loopback, any free ports) with the
# load balancer's names as --tls-name, waits for its "dpsemu ready" line, stops it, and copies the
# files that server generated. It uses the repository's ./dpsemu launcher (Java 17 and Maven; the
# jar is built on first use, about a minute).
#
# Running it again is safe: the CA, the id scope and the keys in state/ are reused, the server
# certificate is reissued when a name is added or it nears expiry (run it then, and restart the
# nodes), and an existing dpsemu.yaml or cluster.env is kept (delete it to have it written anew).
#
# Usage: docker/cluster/prepare.sh [--id-scope SCOPE] [NAME...]
#   NAME        a host name or IP address devices and service clients use to reach the load
#               balancer; the first one is also service.hostName, the others service.hostAliases
#               (the names service SAS tokens may be signed for). localhost is always in the certificate.
#   --id-scope  use this id scope instead of a generated one (first run only: it is kept in state/)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
state="$here/state"
ready_timeout_seconds=120

usage() {
  sed -n '/^# Usage:/,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

id_scope=""
names=()
while [ $# -gt 0 ]; do
  case "$1" in
    --id-scope) [ $# -ge 2 ] || usage; id_scope="$2"; shift 2 ;;
    --id-scope=*) id_scope="${1#*=}"; shift ;;
    -h|--help) usage ;;
    -*) echo "prepare.sh: unknown option $1" >&2; usage ;;
    *) names+=("$1"); shift ;;
  esac
done
if [ ${#names[@]} -eq 0 ]; then
  names=(localhost)
  echo "prepare.sh: no load balancer name given: the certificate names localhost only (fine for a test on this machine)" >&2
fi
if [ -n "$id_scope" ] && ! [[ "$id_scope" =~ ^[A-Za-z0-9]{1,64}$ ]]; then
  echo "prepare.sh: --id-scope must be 1-64 letters or digits, not '$id_scope'" >&2
  exit 2
fi

# Everything below is secret. cluster/ becomes owner-only, so nobody else on this host can read
# it; the files the containers mount (tls/*, dpsemu.yaml) are nonetheless mode 0644, because the
# nodes run as uid 10001, not as you, and a bind mount does not check the host's parent
# directories. cluster.env is read by the compose command, as you, so it stays 0600.
umask 077
chmod 0700 "$here"
mkdir -p "$state"

if [ -n "$id_scope" ]; then
  if [ -s "$state/id-scope" ] && [ "$(tr -d '[:space:]' <"$state/id-scope")" != "$id_scope" ]; then
    echo "prepare.sh: $state/id-scope already holds $(cat "$state/id-scope"); delete state/ to start over with $id_scope" >&2
    exit 2
  fi
  printf '%s\n' "$id_scope" >"$state/id-scope"
fi

# The generating server must not pick up a DPSEMU_* setting of this shell (a postgres store, other
# ports...): only the launcher's DPSEMU_JAVA_OPTS is passed on.
clean_env=(env)
while IFS= read -r var; do
  [ "$var" = DPSEMU_JAVA_OPTS ] || clean_env+=(-u "$var")
done < <(compgen -e | grep '^DPSEMU_' || true)

echo "prepare.sh: building the dpsemu jar if needed..." >&2
"${clean_env[@]}" "$root/dpsemu" --version >/dev/null

tls_names=()
for name in "${names[@]}"; do
  tls_names+=(--tls-name "$name")
done
log="$state/prepare.log"
"${clean_env[@]}" DPSEMU_SERVICE_HOST_NAME="${names[0]}" "$root/dpsemu" serve --data-dir "$state" \
    --store memory --bind 127.0.0.1 --mqtt-port 0 --https-port 0 "${tls_names[@]}" >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT

ready=""
for _ in $(seq 1 "$ready_timeout_seconds"); do
  ready="$(grep -m1 'dpsemu ready' "$log" || true)"
  [ -n "$ready" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 1
done
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
trap - EXIT
if [ -z "$ready" ]; then
  echo "prepare.sh: dpsemu serve did not become ready; its output:" >&2
  cat "$log" >&2
  exit 1
fi

for file in tls/ca.pem tls/ca-key.pem tls/server.pem tls/server-key.pem id-scope service-policies.json; do
  if [ ! -s "$state/$file" ]; then
    echo "prepare.sh: dpsemu did not leave $state/$file; its output:" >&2
    cat "$log" >&2
    exit 1
  fi
done
scope="$(tr -d '[:space:]' <"$state/id-scope")"
connection_string="$(grep -m1 -o 'HostName=.*' "$log" || true)"

# The nodes' TLS material: the server chain and key, and the CA for devices. The CA's key stays in state/.
mkdir -p "$here/tls"
chmod 0755 "$here/tls"
for file in server.pem server-key.pem ca.pem; do
  install -m 0644 "$state/tls/$file" "$here/tls/$file"
done

if [ -e "$here/dpsemu.yaml" ]; then
  # kept files must still match state/ (it may have been deleted and generated anew)
  while IFS= read -r key; do
    if ! grep -qF -- "$key" "$here/dpsemu.yaml"; then
      echo "prepare.sh: dpsemu.yaml does not hold the policy keys of state/service-policies.json; delete it and run again" >&2
      exit 1
    fi
  done < <(grep -o '"primaryKey" *: *"[^"]*"' "$state/service-policies.json" | sed 's/.*: *"\(.*\)"/\1/')
  echo "prepare.sh: kept the existing dpsemu.yaml" >&2
else
  {
    echo "# The configuration every node of compose.cluster.yaml shares (mounted read-only at"
    echo "# /etc/dpsemu/dpsemu.yaml, passed with --config), written by prepare.sh. Node settings and"
    echo "# secrets of the database come from the environment (compose.cluster.yaml, cluster.env)."
    echo "service:"
    echo "  # the host name service clients sign (sr) and connect to: the load balancer's"
    echo "  hostName: ${names[0]}"
    aliases=()
    for name in "${names[@]:1}"; do
      if [[ "$name" =~ ^[A-Za-z0-9_.-]+$ ]]; then
        aliases+=("$name")
      fi
    done
    if [ ${#aliases[@]} -gt 0 ]; then
      echo "  # the balancer's other names: a service token may be signed for any of them (sr)"
      echo "  hostAliases: [$(printf '%s, ' "${aliases[@]}" | sed 's/, $//')]"
    fi
    echo "  # provisioningserviceowner with the keys generated in state/service-policies.json, so a"
    echo "  # connection string works on every node (copied as written there: JSON is YAML)"
    echo "  policies:"
    sed 's/^/    /' "$state/service-policies.json"
    echo
    echo "# Hubs devices are assigned to (default dpsemu-hub.local), e.g.:"
    echo "# linkedHubs:"
    echo "#   - hostName: plant-hub-1.example"
    echo "#     allocationWeight: 1"
  } >"$here/dpsemu.yaml.tmp"
  chmod 0644 "$here/dpsemu.yaml.tmp"
  mv "$here/dpsemu.yaml.tmp" "$here/dpsemu.yaml"
fi

if [ -e "$here/cluster.env" ]; then
  if ! grep -qx "DPSEMU_ID_SCOPE=$scope" "$here/cluster.env"; then
    echo "prepare.sh: cluster.env does not set DPSEMU_ID_SCOPE=$scope (the id scope in state/); fix or delete it" >&2
    exit 1
  fi
  echo "prepare.sh: kept the existing cluster.env" >&2
else
  password="$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')"
  {
    echo "# Read by compose.cluster.yaml (env_file) for the postgres and dpsemu services; written by prepare.sh."
    echo "POSTGRES_USER=dpsemu"
    echo "POSTGRES_PASSWORD=$password"
    echo "POSTGRES_DB=dpsemu"
    echo "DPSEMU_POSTGRES_USER=dpsemu"
    echo "DPSEMU_POSTGRES_PASSWORD=$password"
    echo "DPSEMU_ID_SCOPE=$scope"
  } >"$here/cluster.env"
fi

cat <<EOF
prepare.sh: the cluster's shared material is in $here
  id scope:                   $scope
  TLS names:                  ${names[*]} (and localhost, 127.0.0.1, ::1, this machine's host name)
  devices must trust:         $here/tls/ca.pem
  service connection string:  $connection_string
Next: docker compose -f $(cd "$here/.." && pwd)/compose.cluster.yaml up -d --build
EOF
