# Shared by the bench scripts (sourced, not run): what they need, a throw-away work directory, the
# seeded enrollment group, starting dpsemu servers, reading CPU from /proc and running the generator.
# Everything they start is stopped at exit.

bench_require() { # SCRIPT EXTRA_MISSING...: exits with status 2 listing what is missing
  local script="$1"; shift
  local missing=("$@")
  command -v java >/dev/null || missing+=("Java 17 or newer (Debian: apt-get install openjdk-17-jre-headless)")
  command -v mvn >/dev/null || [ -f server/target/dpsemu.jar ] \
    || missing+=("Maven, to build the jar (Debian: apt-get install maven)")
  if [ ${#missing[@]} -gt 0 ]; then
    echo "$script needs:" >&2
    printf '  - %s\n' "${missing[@]}" >&2
    exit 2
  fi
}

bench_setup() { # builds the jar if stale; work dir, seed file, group key; the servers answer at once
  # Every connection is a file descriptor in the generator and in the server.
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  ./dpsemu --version >/dev/null   # builds the jar when it is missing or stale
  jar="$PWD/server/target/dpsemu.jar"
  work="$(mktemp -d)"
  pids=()
  trap bench_cleanup EXIT
  group_key="$(head -c 32 /dev/urandom | base64)"
  cat >"$work/bench.yaml" <<YAML
enrollmentGroups:
  - enrollmentGroupId: bench
    attestation:
      type: symmetricKey
      symmetricKey:
        primaryKey: $group_key
YAML
  # Polls come at once (--poll immediate), so no response floor (the 50 ms one is for the Java SDK).
  export DPSEMU_PROVISIONING_MIN_RESPONSE_DELAY_MILLIS=0
  ticks="$(getconf CLK_TCK)"
}

bench_cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$work"
}

wait_for() { # FILE TEXT: until TEXT appears in FILE (60 s)
  for _ in $(seq 1 120); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.5
  done
  echo "timed out waiting for '$2' in $1:" >&2
  cat "$1" >&2
  exit 1
}

start_dpsemu() { # NAME MQTT_PORT HTTPS_PORT SERVE_ARGS...: sets pid_NAME and scope_NAME
  local name="$1" mqtt="$2" https="$3"; shift 3
  ./dpsemu serve --data-dir "$work/$name" --mqtt-port "$mqtt" --https-port "$https" --bind 127.0.0.1 \
    --enrollments "$work/bench.yaml" "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
  eval "pid_$name=$!"
  wait_for "$work/$name.log" "dpsemu ready"
  eval "scope_$name=\"$(sed -n 's/.*dpsemu ready: idScope=\([^ ]*\).*/\1/p' "$work/$name.log")\""
}

sessions_that_fit() { # N: N, or fewer when the open-file limit (raised by bench_setup) leaves less room
  local limit; limit="$(ulimit -n)"
  if [ "$limit" != unlimited ] && [ "$limit" -lt $(($1 + 1000)) ]; then
    echo "note: open files are limited to $limit; holding $((limit - 1000)) sessions" >&2
    echo $((limit - 1000))
  else
    echo "$1"
  fi
}

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
steady() { grep -o '"steady":[0-9.]*' <<<"$1" | cut -d: -f2; }
errors() { grep -o '"errors":{[^}]*}' <<<"$1"; }

# Callers take its output with $(...), a subshell, so a counter would not survive the call: the
# prefix comes from the clock instead.
loadgen() { # CONCURRENCY DEVICES TARGET_ARGS...: prints the summary line (fresh registration ids per call)
  local c="$1" n="$2"; shift 2
  java -jar "$jar" loadgen "$@" --group-key "$group_key" --id-prefix "b$(date +%s%N)-" \
    --devices "$n" --concurrency "$c" --poll immediate --timeout 120s | tail -1 || true
}
