#!/usr/bin/env bash
# A throw-away PostgreSQL server on loopback for the test suite's PostgreSQL slice.
#
#   scripts/postgres-for-tests.sh install        apt-get install Debian's postgresql when missing (root only)
#   scripts/postgres-for-tests.sh start          initdb (once) and start; prints the database URL
#   scripts/postgres-for-tests.sh stop           stop it (the data directory stays; `clean` removes it)
#   scripts/postgres-for-tests.sh url            the URL the tests use
#   scripts/postgres-for-tests.sh run -- CMD...  start a server of its own (temporary directory, free port), run
#                                                CMD with MCA_SANDBOX_TEST_DATABASE_URL set, stop and remove it
#
# `run` is what `make test` uses: when no PostgreSQL server binary is found (or MCA_SANDBOX_TEST_POSTGRES=off)
# it runs CMD on SQLite alone; when MCA_SANDBOX_TEST_DATABASE_URL is already set it uses that server as is.
# Settings: MCA_SANDBOX_PG_DIR (data directory, default /tmp/mca-sandbox-pg-$UID), MCA_SANDBOX_PG_PORT
# (default 55432), PGBIN (the server's bin directory; default: pg_config's, else the newest Debian one).
# As root the server runs as the `postgres` user (initdb refuses root). Durability is off (fsync=off):
# the data is thrown away after the run.
set -euo pipefail

DIR="${MCA_SANDBOX_PG_DIR:-/tmp/mca-sandbox-pg-$(id -u)}"
PORT="${MCA_SANDBOX_PG_PORT:-55432}"
URL="postgresql://sandbox@127.0.0.1:${PORT}/postgres"

find_pgbin() {
    if [ -n "${PGBIN:-}" ] && [ -x "$PGBIN/postgres" ]; then echo "$PGBIN"; return 0; fi
    if command -v pg_config >/dev/null 2>&1; then
        local bindir; bindir="$(pg_config --bindir 2>/dev/null || true)"
        if [ -x "$bindir/postgres" ] && [ -x "$bindir/initdb" ]; then echo "$bindir"; return 0; fi
    fi
    local best=""
    for candidate in /usr/lib/postgresql/*/bin; do
        [ -x "$candidate/postgres" ] && [ -x "$candidate/initdb" ] && best="$candidate"
    done
    if [ -n "$best" ]; then echo "$best"; return 0; fi
    return 1
}

as_owner() {  # run a command as the server's owner: `postgres` when we are root, else ourselves
    if [ "$(id -u)" = 0 ]; then
        if command -v runuser >/dev/null 2>&1; then runuser -u postgres -- "$@"; else su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; fi
    else
        "$@"
    fi
}

install() {
    if find_pgbin >/dev/null; then echo "postgresql: $(find_pgbin)"; return 0; fi
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "postgresql: not installed, and not root with apt-get: the PostgreSQL slice will be skipped" >&2
        return 0
    fi
    echo "postgresql: installing Debian's postgresql"
    apt-get update -qq
    # policy-rc.d keeps the package's own cluster from starting (we start our own, on loopback only)
    local policy=/usr/sbin/policy-rc.d made_policy=""
    if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; made_policy=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql </dev/null
    [ -n "$made_policy" ] && rm -f "$policy"
    find_pgbin >/dev/null
}

running() {
    local bin; bin="$(find_pgbin)" || return 1
    [ -f "$DIR/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$DIR" status >/dev/null 2>&1
}

start() {
    local bin; bin="$(find_pgbin)" || { echo "postgresql: no server binary found" >&2; return 1; }
    if running; then echo "$URL"; return 0; fi
    if [ ! -f "$DIR/PG_VERSION" ]; then
        mkdir -p "$DIR"
        [ "$(id -u)" = 0 ] && chown postgres "$DIR"
        chmod 700 "$DIR"
        as_owner "$bin/initdb" -D "$DIR" -A trust -U sandbox --no-sync -E UTF8 --locale=C.UTF-8 >"$DIR.initdb.log" 2>&1 \
            || { cat "$DIR.initdb.log" >&2; return 1; }
    fi
    as_owner "$bin/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w -t 60 \
        -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null || { tail -20 "$DIR/server.log" >&2; return 1; }
    echo "$URL"
}

stop() {
    local bin; bin="$(find_pgbin)" || return 0
    if running; then as_owner "$bin/pg_ctl" -D "$DIR" -m fast -w stop >/dev/null; fi
}

run() {
    [ "${1:-}" = "--" ] && shift
    if [ -n "${MCA_SANDBOX_TEST_DATABASE_URL:-}" ]; then
        echo "PostgreSQL slice on $MCA_SANDBOX_TEST_DATABASE_URL"
        exec "$@"
    fi
    if [ "${MCA_SANDBOX_TEST_POSTGRES:-on}" = "off" ] || ! find_pgbin >/dev/null; then
        echo "PostgreSQL slice skipped (no PostgreSQL server binary, or MCA_SANDBOX_TEST_POSTGRES=off): SQLite only"
        exec "$@"
    fi
    # a server of its own for this run (own directory, free port), so that runs side by side never meet
    if [ -z "${MCA_SANDBOX_PG_DIR:-}" ]; then
        DIR="$(mktemp -d "${TMPDIR:-/tmp}/mca-sandbox-pg-run.XXXXXX")"
        rmdir "$DIR"
        PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
        URL="postgresql://sandbox@127.0.0.1:${PORT}/postgres"
        trap 'stop; rm -rf "$DIR" "$DIR.initdb.log"' EXIT
    fi
    MCA_SANDBOX_TEST_DATABASE_URL="$(start)"
    export MCA_SANDBOX_TEST_DATABASE_URL
    echo "PostgreSQL slice on $MCA_SANDBOX_TEST_DATABASE_URL"
    "$@"
}

case "${1:-}" in
    install) install ;;
    start) start ;;
    stop) stop ;;
    url) echo "$URL" ;;
    clean) stop; rm -rf "$DIR" "$DIR.initdb.log" ;;
    run) shift; run "$@" ;;
    *) sed -n '2,16p' "$0" >&2; exit 2 ;;
esac
