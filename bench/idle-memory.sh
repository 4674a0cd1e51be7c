#!/usr/bin/env bash
# Memory per idle TLS session of a fresh dpsemu: RSS, live heap and committed heap after a full GC
# (jcmd) before, while `dpsemu loadgen --hold N` keeps N sessions open, and after they closed; plus
# the classes whose instances grew while they were held.
# See bench/README.md. Installs nothing; runs on loopback and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."

store=sqlite
sessions=10000
usage="usage: bench/idle-memory.sh [--store sqlite|memory] [--sessions N]"
while [ $# -gt 0 ]; do
  case "$1" in
    --store) store="$2"; shift 2 ;;
    --sessions) sessions="$2"; shift 2 ;;
    -h|--help) echo "$usage"; exit 0 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done

# shellcheck source=bench/lib.sh
. bench/lib.sh
jcmd_missing=()
command -v jcmd >/dev/null || jcmd_missing+=("jcmd, from a JDK (Debian: apt-get install openjdk-17-jdk-headless)")
bench_require bench/idle-memory.sh "${jcmd_missing[@]}"
bench_setup
sessions="$(sessions_that_fit "$sessions")"

start_dpsemu idle 18883 18443 --store "$store"
pid=$pid_idle
target=(--host 127.0.0.1 --port 18883 --id-scope "$scope_idle" --ca "$work/idle/tls/ca.pem" --group-key "$group_key")

# KB of heap in use after a full GC, and KB of heap the JVM has committed.
live_heap_kb() {
  jcmd "$pid" GC.run >/dev/null
  sleep 1
  jcmd "$pid" GC.heap_info | sed -n 's/.* used \([0-9]*\)K.*/\1/p' | head -1
}
committed_heap_kb() { jcmd "$pid" GC.heap_info | sed -n 's/.*heap *total \([0-9]*\)K.*/\1/p' | head -1; }
histogram() { # FILE: class, bytes
  jcmd "$pid" GC.class_histogram | awk '$1 ~ /^[0-9]+:$/ { print $4, $3 }' | sort >"$1"
}
snapshot() { # NAME: sets heap_NAME, committed_NAME, rss_NAME (all after a full GC)
  eval "heap_$1=$(live_heap_kb)"
  eval "committed_$1=$(committed_heap_kb)"
  eval "rss_$1=$(rss_kb "$pid")"
}

# A few hundred registrations first, so that class loading, JIT and buffer pools are in the "before".
java -jar "$jar" loadgen "${target[@]}" --id-prefix "warm$(date +%s)-" --devices 500 --concurrency 50 \
  >"$work/warm.log" 2>&1
snapshot before
histogram "$work/classes-before"

java -jar "$jar" loadgen "${target[@]}" --id-prefix "hold$(date +%s)-" --hold "$sessions" --duration 60s \
  --concurrency 200 >"$work/hold.log" 2>&1 &
holder=$!
pids+=($holder)
wait_for "$work/hold.log" "holding"
sleep 5
snapshot held
histogram "$work/classes-held"
held="$(sed -n 's/^holding \([0-9]*\) sessions.*/\1/p' "$work/hold.log")"
kill "$holder" 2>/dev/null || true
wait "$holder" 2>/dev/null || true
sleep 15
snapshot closed

echo "dpsemu --store $store, $held idle TLS sessions (MQTT CONNECT + SUBSCRIBE), KB after a full GC:"
printf "  %-8s %10s %10s %14s\n" "" RSS "live heap" "committed heap"
for s in before held closed; do
  eval "printf '  %-8s %10d %10d %14d\n' $s \$rss_$s \$heap_$s \$committed_$s"
done
# shellcheck disable=SC2154 # set by snapshot through eval
awk -v n="$held" -v r0="$rss_before" -v r1="$rss_held" -v r2="$rss_closed" -v h0="$heap_before" \
  -v h1="$heap_held" -v c0="$committed_before" -v c1="$committed_held" 'BEGIN {
  printf "per session: %.1f KB of RSS = %.1f KB more committed heap + %.1f KB else;", (r1-r0)/n,
    (c1-c0)/n, ((r1-r0)-(c1-c0))/n
  printf " live heap %.1f KB\n", (h1-h0)/n
  printf "after they closed: %.1f KB per session still in RSS\n", (r2-r0)/n }'
echo "heap growth by class while held, bytes per session (top 15):"
join -a2 -e 0 -o 0,1.2,2.2 "$work/classes-before" "$work/classes-held" \
  | awk -v n="$held" '$3 > $2 { printf "  %7.1f  %s\n", ($3 - $2) / n, $1 }' | sort -rn | head -15
