#!/usr/bin/env bash
# Makes a local PostgreSQL ready for the PostgreSQL store tests (PostgresStoreTest): installs the
# Debian packages if missing, starts the cluster, and creates the test role and database. Idempotent
# and non-interactive; runs as root. Without it those tests report themselves skipped.
#
# The role, password and database default to what the tests expect; override them with
# DPSEMU_TEST_POSTGRES_USER, DPSEMU_TEST_POSTGRES_PASSWORD and DPSEMU_TEST_POSTGRES_DB (then point the
# tests at the database with DPSEMU_TEST_POSTGRES_URL).
set -euo pipefail

role="${DPSEMU_TEST_POSTGRES_USER:-dpsemu}"
password="${DPSEMU_TEST_POSTGRES_PASSWORD:-dpsemu}"
database="${DPSEMU_TEST_POSTGRES_DB:-dpsemu_test}"

say() {
  echo "postgres-setup: $*"
}

if [ "$(id -u)" -ne 0 ]; then
  echo "postgres-setup: must run as root (it installs packages and starts the cluster)" >&2
  exit 1
fi

# 1. The server packages.
if command -v pg_lsclusters >/dev/null && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  say "PostgreSQL packages already installed"
else
  say "installing PostgreSQL from the Debian packages"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql
fi

# 2. A cluster (the package creates one named main; a machine set up without it gets one now).
version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
if pg_lsclusters --no-header | awk '{print $1" "$2}' | grep -qx "$version main"; then
  say "cluster $version/main exists"
else
  say "creating cluster $version/main"
  pg_createcluster "$version" main
fi
port="$(pg_lsclusters --no-header | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')"

# 3. Running, and answering on TCP (the tests connect to 127.0.0.1).
if pg_lsclusters --no-header | awk -v v="$version" '$1 == v && $2 == "main" {print $4}' | grep -q online; then
  say "cluster $version/main already running on port $port"
else
  say "starting cluster $version/main on port $port"
  pg_ctlcluster "$version" main start
fi
for _ in $(seq 1 30); do
  if pg_isready -q -h 127.0.0.1 -p "$port"; then
    break
  fi
  sleep 1
done
if ! pg_isready -h 127.0.0.1 -p "$port"; then
  echo "postgres-setup: PostgreSQL does not answer on 127.0.0.1:$port; see /var/log/postgresql/" >&2
  exit 1
fi

# 4. The role (its password reset to the expected one) and the database it owns.
as_postgres() {
  (cd / && runuser -u postgres -- psql --no-psqlrc -p "$port" -v ON_ERROR_STOP=1 -qAt "$@")
}
if [ "$(as_postgres -v role="$role" <<<"SELECT 1 FROM pg_roles WHERE rolname = :'role'")" = "1" ]; then
  say "role $role exists; setting its password"
  as_postgres -v role="$role" -v password="$password" <<'SQL'
ALTER ROLE :"role" WITH LOGIN PASSWORD :'password';
SQL
else
  say "creating role $role"
  as_postgres -v role="$role" -v password="$password" <<'SQL'
CREATE ROLE :"role" WITH LOGIN PASSWORD :'password';
SQL
fi
if [ "$(as_postgres -v database="$database" <<<"SELECT 1 FROM pg_database WHERE datname = :'database'")" = "1" ]; then
  say "database $database exists"
else
  say "creating database $database owned by $role"
  as_postgres -v database="$database" -v role="$role" <<'SQL'
CREATE DATABASE :"database" OWNER :"role";
SQL
fi

# 5. The tests' own way in: a password login over TCP.
PGPASSWORD="$password" psql --no-psqlrc -h 127.0.0.1 -p "$port" -U "$role" -d "$database" -v ON_ERROR_STOP=1 -qAt \
  -c "SELECT 'connected to ' || current_database() || ' as ' || current_user || ' (' || version() || ')'" \
  | sed 's/^/postgres-setup: /'
say "ready: jdbc:postgresql://127.0.0.1:$port/$database user $role"
