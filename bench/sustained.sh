#!/usr/bin/env bash
# Sustained load on one fresh dpsemu: `dpsemu loadgen --duration` at a fixed concurrency, the
# server's RSS and CPU sampled every minute, and at the end the generator's summary, how many
# answers were 429 and whether the server logged an overload (DPS-4001).
# See bench/README.md. Installs nothing; runs on loopback and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."

store=sqlite
minutes=10
concurrency=200
usage="usage: bench/sustained.sh [--store sqlite|memory] [--minutes N] [--concurrency N]"
while [ $# -gt 0 ]; do
  case "$1" in
    --store) store="$2"; shift 2 ;;
    --minutes) minutes="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    -h|--help) echo "$usage"; exit 0 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done

# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_require bench/sustained.sh
bench_setup
start_dpsemu sustained 18883 18443 --store "$store"
pid=$pid_sustained

java -jar "$jar" loadgen --host 127.0.0.1 --port 18883 --id-scope "$scope_sustained" \
  --ca "$work/sustained/tls/ca.pem" --group-key "$group_key" --id-prefix "s$(date +%s)-" \
  --concurrency "$concurrency" --duration "${minutes}m" --poll immediate --timeout 120s \
  >"$work/loadgen.out" 2>&1 &
generator=$!
pids+=("$generator")

echo "dpsemu --store $store, c=$concurrency, $minutes minutes; every minute: server RSS and CPU per minute"
started=$(date +%s)
previous_cpu=$(cpu_ms "$pid")
minute=0
while kill -0 "$generator" 2>/dev/null; do
  sleep 5
  if [ $(( $(date +%s) - started )) -ge $(( (minute + 1) * 60 )) ] && kill -0 "$generator" 2>/dev/null; then
    minute=$((minute + 1))
    cpu=$(cpu_ms "$pid")
    printf '  minute %2d  RSS %5d MB  server CPU %6.1f s\n' "$minute" $(( $(rss_kb "$pid") / 1024 )) \
      "$(awk -v a="$previous_cpu" -v b="$cpu" 'BEGIN { print (b - a) / 1000 }')"
    previous_cpu=$cpu
  fi
done
status=0
wait "$generator" || status=$?

summary="$(tail -1 "$work/loadgen.out")"
echo "generator exit status $status"
echo "assigned $(field "$summary" assigned), steady $(steady "$summary") flows/s, errors $(errors "$summary")"
throttled="$(grep -o '"http_429":[0-9]*' <<<"$summary" | cut -d: -f2 | head -1 || true)"
echo "429 answers: ${throttled:-0}"
echo "server overload lines (DPS-4001): $(grep -c 'DPS-4001' "$work/sustained.log" || true)"
echo "server RSS at the end: $(( $(rss_kb "$pid") / 1024 )) MB"
