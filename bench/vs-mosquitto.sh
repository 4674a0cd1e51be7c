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
warmup=30000
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

# shellcheck source=bench/lib.sh
. bench/lib.sh
mosquitto_missing=()
mosquitto="$(command -v mosquitto || true)"
[ -n "$mosquitto" ] || { [ -x /usr/sbin/mosquitto ] && mosquitto=/usr/sbin/mosquitto; } || true
if [ -z "$mosquitto" ]; then
  mosquitto_missing+=("mosquitto 2 (Debian: apt-get install mosquitto; the script does not start the system service)")
else
  version="$("$mosquitto" -h 2>/dev/null | head -1 || true)"   # -h exits with status 3
  [[ "$version" == *"version 2."* ]] || mosquitto_missing+=("mosquitto 2 ($mosquitto says: ${version:-nothing})")
fi
bench_require bench/vs-mosquitto.sh "${mosquitto_missing[@]}"
bench_setup
hold="$(sessions_that_fit "$hold")"

start_dpsemu sqlite 18883 18443 --store sqlite
start_dpsemu memory 19883 19443 --store memory

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

# how loadgen reaches each target (each dpsemu has a CA of its own; mosquitto serves a certificate of the SQLite one's)
target_args() {
  case "$1" in
    sqlite) echo "--port 18883 --id-scope $scope_sqlite --ca $work/sqlite/tls/ca.pem" ;;
    memory) echo "--port 19883 --id-scope $scope_memory --ca $work/memory/tls/ca.pem" ;;
    mosquitto) echo "--port 18884 --id-scope bench --ca $work/sqlite/tls/ca.pem --broker" ;;
  esac
}
server_pid() { case "$1" in sqlite) echo "$pid_sqlite" ;; memory) echo "$pid_memory" ;; mosquitto) echo "$pid_mosquitto" ;; esac; }

results="$work/results"
: >"$results"
targets="sqlite memory mosquitto"
echo "warming up every server with $warmup devices..."
for target in $targets; do
  # shellcheck disable=SC2046
  loadgen 200 "$warmup" $(target_args "$target") >/dev/null || true
done
for round in $(seq 1 "$rounds"); do
  for c in $concurrencies; do
    for target in $targets; do
      pid="$(server_pid "$target")"
      before="$(cpu_ms "$pid")"
      responder_before="$(cpu_ms "$pid_responder")"
      # shellcheck disable=SC2046
      summary="$(loadgen "$c" "$devices" $(target_args "$target"))"
      after="$(cpu_ms "$pid")"
      responder_after="$(cpu_ms "$pid_responder")"
      assigned="$(field "$summary" assigned)"
      steady="$(steady "$summary")"
      errors="$(errors "$summary")"
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
