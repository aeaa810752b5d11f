#!/usr/bin/env bash
# Starts a local PostgreSQL and Redis for the tests that need real ones
# (storage on PostgreSQL, several Rasa servers with Redis locks), from Debian's
# packages `postgresql` and `redis-server` (.ci/run installs them).
#
#   bash scripts/services.sh      # idempotent: starts what is not running
#
# Then the tests use (and so can you):
#   TEST_POSTGRES_URL=postgresql://screening:screening@127.0.0.1:5432/screening_test
#   TEST_REDIS_URL=redis://127.0.0.1:6379/0
# The role and database are for tests only; the password is not a secret.

set -euo pipefail

PG_ROLE=screening
PG_PASSWORD=screening
PG_DB=screening_test
REDIS_PORT=6379

SUDO=()
[ "$(id -u)" -eq 0 ] || SUDO=(sudo -n)

as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        sudo -n -u postgres "$@"
    fi
}

start_postgres() {
    command -v pg_lsclusters >/dev/null 2>&1 || {
        echo "PostgreSQL is not installed (Debian: apt-get install postgresql)." >&2
        return 1
    }
    local version cluster
    read -r version cluster _ < <(pg_lsclusters --no-header | head -n 1)
    [ -n "${version:-}" ] || {
        echo "No PostgreSQL cluster found (pg_lsclusters is empty)." >&2
        return 1
    }
    "${SUDO[@]}" pg_ctlcluster "$version" "$cluster" start >/dev/null 2>&1 || true
    for _ in $(seq 1 30); do
        as_postgres pg_isready -q -h 127.0.0.1 && break
        sleep 1
    done
    as_postgres pg_isready -q -h 127.0.0.1 || {
        echo "PostgreSQL $version/$cluster did not start." >&2
        return 1
    }
    as_postgres psql -q -v ON_ERROR_STOP=1 <<SQL >/dev/null
DO \$\$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_ROLE') THEN
        CREATE ROLE $PG_ROLE LOGIN PASSWORD '$PG_PASSWORD' CREATEDB;
    END IF;
END \$\$;
SQL
    if ! as_postgres psql -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'" | grep -q 1; then
        as_postgres createdb -O "$PG_ROLE" "$PG_DB"
    fi
    echo "PostgreSQL $version ready: postgresql://$PG_ROLE:***@127.0.0.1:5432/$PG_DB"
}

start_redis() {
    command -v redis-server >/dev/null 2>&1 || {
        echo "Redis is not installed (Debian: apt-get install redis-server)." >&2
        return 1
    }
    if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
        redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" \
            --save "" --appendonly no >/dev/null
        for _ in $(seq 1 20); do
            redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
            sleep 0.5
        done
    fi
    redis-cli -p "$REDIS_PORT" ping >/dev/null
    echo "Redis ready: redis://127.0.0.1:$REDIS_PORT/0"
}

start_postgres
start_redis
