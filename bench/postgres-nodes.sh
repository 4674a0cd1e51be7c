#!/usr/bin/env bash
# dpsemu on PostgreSQL, one node and two nodes sharing the database, against one node on SQLite (the
# durable default) as the baseline of the same run, interleaved round by round; all driven by
# `dpsemu loadgen` (MQTT over TLS, full handshake per device, fresh ids). Two nodes are driven by two
# generators at once, each with half the devices and half the concurrency; their rate is the sum of
# the two generators' overall rates (measured over the same minutes). See bench/README.md.
# Installs nothing and creates no database: it needs a PostgreSQL database it may write to.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=3
devices=15000
warmup=3000
concurrencies="200 1000"
url=""
usage="usage: bench/postgres-nodes.sh --url jdbc:postgresql://HOST:PORT/DB [--rounds N] [--devices N] [--warmup N]
  [--concurrency \"200 1000\"]   (user and password from DPSEMU_POSTGRES_USER / DPSEMU_POSTGRES_PASSWORD)"
while [ $# -gt 0 ]; do
  case "$1" in
    --url) url="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --devices) devices="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --concurrency) concurrencies="$2"; shift 2 ;;
    -h|--help) echo "$usage"; exit 0 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done

# shellcheck source=bench/lib.sh
. bench/lib.sh
pg_missing=()
[ -n "$url" ] || pg_missing+=("--url of a PostgreSQL database it may write to (Debian: apt-get install postgresql)")
[ -n "${DPSEMU_POSTGRES_PASSWORD:-}" ] || pg_missing+=("DPSEMU_POSTGRES_PASSWORD (and DPSEMU_POSTGRES_USER unless it is 'dpsemu')")
bench_require bench/postgres-nodes.sh "${pg_missing[@]}"
bench_setup

# Both nodes are one service: the same id scope; each has its own data directory and CA, so each
# generator trusts the CA of the node it drives (behind a balancer they would share one certificate).
export DPSEMU_ID_SCOPE="0ne00BENCH"
start_dpsemu sqlite 18883 18443 --store sqlite
start_dpsemu pg_a 19883 19443 --store postgres --store-url "$url"
start_dpsemu pg_b 20883 20443 --store postgres --store-url "$url"
target_args() { # NODE
  echo "--port $(case "$1" in sqlite) echo 18883 ;; pg_a) echo 19883 ;; pg_b) echo 20883 ;; esac)" \
    "--id-scope $DPSEMU_ID_SCOPE --ca $work/$1/tls/ca.pem"
}
overall() { grep -o '"overall":[0-9.]*' <<<"$1" | cut -d: -f2; }

results="$work/results"
: >"$results"
echo "warming up every node with $warmup devices..."
for node in sqlite pg_a pg_b; do
  # shellcheck disable=SC2046
  loadgen 200 "$warmup" $(target_args "$node") >/dev/null
done
for round in $(seq 1 "$rounds"); do
  for c in $concurrencies; do
    for setup in sqlite postgres-1 postgres-2; do
      case "$setup" in
        sqlite|postgres-1)
          node="$([ "$setup" = sqlite ] && echo sqlite || echo pg_a)"
          # shellcheck disable=SC2046
          summaries="$(loadgen "$c" "$devices" $(target_args "$node"))" ;;
        postgres-2)
          # shellcheck disable=SC2046
          loadgen $((c / 2)) $((devices / 2)) $(target_args pg_b) >"$work/second.json" &
          second=$!
          # shellcheck disable=SC2046
          first="$(loadgen $((c / 2)) $((devices / 2)) $(target_args pg_a))"
          wait "$second"
          summaries="$first"$'\n'"$(cat "$work/second.json")" ;;
      esac
      assigned=0
      rate=0
      errs=""
      while IFS= read -r summary; do
        assigned=$((assigned + $(field "$summary" assigned)))
        rate="$(awk -v a="$rate" -v b="$(overall "$summary")" 'BEGIN { printf "%.0f", a + b }')"
        errs="$errs $(errors "$summary")"
      done <<<"$summaries"
      echo "$round $c $setup $rate $assigned" >>"$results"
      printf 'round %d  c=%-5d %-10s %6s flows/s  assigned %s %s\n' \
        "$round" "$c" "$setup" "$rate" "$assigned" "$errs"
    done
  done
done

echo
echo "flows/s per round and ratio to one SQLite node in the same round"
for c in $concurrencies; do
  for setup in postgres-1 postgres-2; do
    awk -v c="$c" -v s="$setup" -v rounds="$rounds" '
      $2 == c && $3 == "sqlite" { base[$1] = $4 }
      $2 == c && $3 == s { rate[$1] = $4 }
      END {
        line = sprintf("c=%-5d %-10s", c, s)
        for (r = 1; r <= rounds; r++) if (r in rate) line = line sprintf("  round %s: %.0f vs %.0f = %.2fx", r, rate[r], base[r], base[r] > 0 ? rate[r] / base[r] : 0)
        print line
      }' "$results"
  done
done
