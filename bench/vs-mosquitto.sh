#!/usr/bin/env bash
# dpsemu (SQLite, then in-memory store) against mosquitto 2 with `dpsemu loadgen responder`, all
# driven by `dpsemu loadgen` with the same MQTT exchange over TLS (full handshake per device),
# interleaved round by round. Prints flows/s and their ratio to mosquitto, server CPU ms per flow
# (/proc/PID/stat) and KB of server memory per idle connection (--hold). See bench/README.md.
# Installs nothing: it says what is missing. Everything runs on loopback and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=3
devices=20000
warmup=5000
hold=10000
concurrencies="200 1000"
usage="usage: bench/vs-mosquitto.sh [--rounds N] [--devices N] [--warmup N] [--hold N] [--concurrency \"200 1000\"]"
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --devices) devices="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --hold) hold="$2"; shift 2 ;;
    --concurrency) concurrencies="$2"; shift 2 ;;
    -h|--help) echo "$usage"; exit 0 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done

missing=()
command -v java >/dev/null || missing+=("Java 17 or newer (Debian: apt-get install openjdk-17-jre-headless)")
command -v mvn >/dev/null || [ -f server/target/dpsemu.jar ] || missing+=("Maven, to build the jar (Debian: apt-get install maven)")
mosquitto="$(command -v mosquitto || true)"
[ -n "$mosquitto" ] || { [ -x /usr/sbin/mosquitto ] && mosquitto=/usr/sbin/mosquitto; } || true
if [ -z "$mosquitto" ]; then
  missing+=("mosquitto 2 (Debian: apt-get install mosquitto; the script does not start the system service)")
else
  version="$("$mosquitto" -h 2>/dev/null | head -1 || true)"   # -h exits with status 3
  [[ "$version" == *"version 2."* ]] || missing+=("mosquitto 2 ($mosquitto says: ${version:-nothing})")
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench/vs-mosquitto.sh needs:" >&2
  printf '  - %s\n' "${missing[@]}" >&2
  exit 2
fi

# Every connection is a file descriptor in the generator and in the server.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((hold + 1000)) ]; then
  hold=$(( $(ulimit -n) - 1000 ))
  echo "note: open files are limited to $(ulimit -n); holding $hold sessions" >&2
fi

./dpsemu --version >/dev/null   # builds the jar when it is missing or stale
jar="$PWD/server/target/dpsemu.jar"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

group_key="$(head -c 32 /dev/urandom | base64)"
cat >"$work/bench.yaml" <<YAML
enrollmentGroups:
  - enrollmentGroupId: bench
    attestation:
      type: symmetricKey
      symmetricKey:
        primaryKey: $group_key
YAML

# The servers answer as fast as they can: polls come at once (--poll immediate), so no response floor.
export DPSEMU_PROVISIONING_MIN_RESPONSE_DELAY_MILLIS=0

wait_for() { # FILE TEXT: until TEXT appears in FILE (60 s)
  for _ in $(seq 1 120); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.5
  done
  echo "timed out waiting for '$2' in $1:" >&2
  cat "$1" >&2
  exit 1
}

start_dpsemu() { # NAME STORE MQTT_PORT HTTPS_PORT
  ./dpsemu serve --data-dir "$work/$1" --store "$2" --mqtt-port "$3" --https-port "$4" --bind 127.0.0.1 \
    --enrollments "$work/bench.yaml" >"$work/$1.log" 2>&1 &
  pids+=($!)
  eval "pid_$1=$!"
  wait_for "$work/$1.log" "dpsemu ready"
}
start_dpsemu sqlite sqlite 18883 18443
start_dpsemu memory memory 19883 19443
scope_sqlite="$(sed -n 's/.*dpsemu ready: idScope=\([^ ]*\).*/\1/p' "$work/sqlite.log")"
scope_memory="$(sed -n 's/.*dpsemu ready: idScope=\([^ ]*\).*/\1/p' "$work/memory.log")"

# mosquitto serves the certificate dpsemu's CA issued, so the generator trusts both the same way.
install -m 644 "$work/sqlite/tls/server.pem" "$work/mosquitto-cert.pem"
install -m 600 "$work/sqlite/tls/server-key.pem" "$work/mosquitto-key.pem"
cat >"$work/mosquitto.conf" <<CONF
user $(id -un)
persistence false
log_dest stderr
log_type error
connection_messages false
allow_anonymous true
max_inflight_messages 0
max_queued_messages 0
listener 18884 127.0.0.1
certfile $work/mosquitto-cert.pem
keyfile $work/mosquitto-key.pem
CONF
"$mosquitto" -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
pid_mosquitto=$!
pids+=($pid_mosquitto)
java -jar "$jar" loadgen responder --port 18884 --ca "$work/sqlite/tls/ca.pem" --retry-after 0 >"$work/responder.log" 2>&1 &
pid_responder=$!
pids+=($pid_responder)
wait_for "$work/responder.log" "responder: ready"

ticks="$(getconf CLK_TCK)"
cpu_ms() { # PID: user + system CPU so far, in ms
  awk -v t="$ticks" '{ sub(/^.*\) /, ""); print ($12 + $13) * 1000 / t }' "/proc/$1/stat"
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
per_flow() { # BEFORE AFTER FLOWS
  awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { printf "%.3f", (n > 0 ? (b - a) / n : 0) }'
}
field() { # JSON KEY: the first number after "KEY": in the summary line
  grep -o "\"$2\":[0-9.]*" <<<"$1" | head -1 | cut -d: -f2
}

# how loadgen reaches each target (each dpsemu has a CA of its own; mosquitto serves a certificate of the SQLite one's)
target_args() {
  case "$1" in
    sqlite) echo "--port 18883 --id-scope $scope_sqlite --ca $work/sqlite/tls/ca.pem" ;;
    memory) echo "--port 19883 --id-scope $scope_memory --ca $work/memory/tls/ca.pem" ;;
    mosquitto) echo "--port 18884 --id-scope bench --ca $work/sqlite/tls/ca.pem --broker" ;;
  esac
}
server_pid() { case "$1" in sqlite) echo "$pid_sqlite" ;; memory) echo "$pid_memory" ;; mosquitto) echo "$pid_mosquitto" ;; esac; }

run=0
loadgen() { # TARGET CONCURRENCY DEVICES: prints the summary line
  run=$((run + 1))
  # shellcheck disable=SC2046
  java -jar "$jar" loadgen $(target_args "$1") --group-key "$group_key" --id-prefix "b$run-" \
    --devices "$3" --concurrency "$2" --poll immediate --timeout 120s | tail -1 || true
}

results="$work/results"
: >"$results"
targets="sqlite memory mosquitto"
echo "warming up every server with $warmup devices..."
for target in $targets; do
  loadgen "$target" 200 "$warmup" >/dev/null || true
done
for round in $(seq 1 "$rounds"); do
  for c in $concurrencies; do
    for target in $targets; do
      pid="$(server_pid "$target")"
      before="$(cpu_ms "$pid")"
      responder_before="$(cpu_ms "$pid_responder")"
      summary="$(loadgen "$target" "$c" "$devices")"
      after="$(cpu_ms "$pid")"
      responder_after="$(cpu_ms "$pid_responder")"
      assigned="$(field "$summary" assigned)"
      steady="$(grep -o '"steady":[0-9.]*' <<<"$summary" | cut -d: -f2)"
      errors="$(grep -o '"errors":{[^}]*}' <<<"$summary")"
      cpu="$(per_flow "$before" "$after" "$assigned")"
      responder_cpu="$(per_flow "$responder_before" "$responder_after" "$assigned")"
      echo "$round $c $target ${steady:-0} $cpu $responder_cpu $assigned $errors" >>"$results"
      printf 'round %d  c=%-5d %-9s %9s flows/s  server CPU %s ms/flow  assigned %s  %s\n' "$round" "$c" "$target" \
        "${steady:-n/a}" "$cpu" "$assigned" "$errors"
    done
  done
done

echo
echo "flows/s (steady) and ratio to mosquitto+responder, per round; server CPU ms per flow (median of rounds)"
for c in $concurrencies; do
  for target in sqlite memory; do
    awk -v c="$c" -v t="$target" -v rounds="$rounds" '
      $2 == c && $3 == "mosquitto" { base[$1] = $4; mcpu[n_m++] = $5; rcpu[n_r++] = $6 }
      $2 == c && $3 == t { rate[$1] = $4; cpu[n++] = $5 }
      function median(a, k,   i, j, x) { for (i = 0; i < k; i++) for (j = i + 1; j < k; j++) if (a[j] < a[i]) { x = a[i]; a[i] = a[j]; a[j] = x }
                                        return k % 2 ? a[int(k / 2)] : (a[k / 2 - 1] + a[k / 2]) / 2 }
      END {
        line = sprintf("c=%-5d %-7s", c, t)
        for (r = 1; r <= rounds; r++) if (r in rate) line = line sprintf("  round %s: %.0f vs %.0f = %.2fx", r, rate[r], base[r], base[r] > 0 ? rate[r] / base[r] : 0)
        printf "%s\n          CPU %.3f ms/flow (mosquitto %.3f, responder %.3f)\n", line, median(cpu, n), median(mcpu, n_m), median(rcpu, n_r)
      }' "$results"
  done
done

echo
echo "memory per idle TLS connection (--hold $hold, server RSS while held minus before)"
for target in sqlite memory mosquitto; do
  pid="$(server_pid "$target")"
  before="$(rss_kb "$pid")"
  out="$work/hold-$target.log"
  # shellcheck disable=SC2046
  java -jar "$jar" loadgen $(target_args "$target") --group-key "$group_key" --id-prefix "hold-" \
    --hold "$hold" --duration 15s --concurrency 200 >"$out" 2>&1 &
  holder=$!
  pids+=($holder)
  wait_for "$out" "holding"
  sleep 3
  held="$(rss_kb "$pid")"
  wait "$holder" || true
  sleep 3
  after="$(rss_kb "$pid")"
  sessions="$(sed -n 's/^holding \([0-9]*\) sessions.*/\1/p' "$out")"
  awk -v t="$target" -v b="$before" -v h="$held" -v a="$after" -v n="$sessions" 'BEGIN {
    printf "%-9s %6d sessions  %.1f KB each  (RSS %d MB before, %d MB held, %d MB after they closed)\n",
      t, n, (n > 0 ? (h - b) / n : 0), b / 1024, h / 1024, a / 1024 }'
done
