#!/bin/sh
# Throwaway PostgreSQL 15 for the NMT test suite.
#
#   tests/support/pg.sh start DIR   init (if needed) and start a server in DIR; prints
#                                   NMT_TEST_PG_HOST=DIR NMT_TEST_PG_PORT=PORT
#   tests/support/pg.sh stop DIR    stop it (no error if it is not running)
#   tests/support/pg.sh status DIR  exit 0 if running
#   tests/support/pg.sh restart DIR stop (fast: sessions are ended, open transactions rolled
#                                   back) and start again on the same port; prints as start.
#                                   PGRESTART_PAUSE=SECONDS waits that long while it is down.
#
# The server listens only on a Unix socket in DIR (listen_addresses=''), with trust
# authentication and superuser "postgres", so any local OS user (also root) can connect
# with `-U postgres`. Port: $PGPORT or 54329. When run as root the server runs as the
# unprivileged user "nmtpg" (created if missing), since postgres refuses to run as root.
set -eu

PORT="${PGPORT:-54329}"
PGUSER_OS="nmtpg"

die() { echo "pg.sh: $*" >&2; exit 1; }

usage() {
    echo "usage: $0 start|stop|restart|status DIR" >&2
    exit 2
}

[ $# -eq 2 ] || usage
CMD="$1"
DIR="$2"
case "$DIR" in
    /*) ;;
    *) DIR="$(pwd)/$DIR" ;;
esac
DATA="$DIR/data"
LOG="$DIR/postgres.log"

# Locate the PostgreSQL binaries.
BIN=""
for d in /usr/lib/postgresql/15/bin /usr/local/pgsql/bin; do
    if [ -x "$d/pg_ctl" ]; then BIN="$d"; break; fi
done
if [ -z "$BIN" ]; then
    p="$(command -v pg_ctl 2>/dev/null || true)"
    [ -n "$p" ] || die "pg_ctl not found (looked in /usr/lib/postgresql/15/bin and on PATH)"
    BIN="$(dirname "$p")"
fi
for tool in initdb pg_ctl pg_isready; do
    [ -x "$BIN/$tool" ] || die "$tool not found in $BIN"
done

# Run a command as the unprivileged server user (or as ourselves when not root).
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        if command -v runuser >/dev/null 2>&1; then
            runuser -u "$PGUSER_OS" -- "$@"
        else
            su -s /bin/sh "$PGUSER_OS" -c '"$0" "$@"' -- "$@"
        fi
    else
        "$@"
    fi
}

is_running() {
    [ -f "$DATA/postmaster.pid" ] || return 1
    as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

ensure_user() {
    [ "$(id -u)" -eq 0 ] || return 0
    if ! id "$PGUSER_OS" >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin "$PGUSER_OS" 2>/dev/null \
            || useradd -r -M -s /bin/false "$PGUSER_OS" \
            || die "could not create OS user $PGUSER_OS"
    fi
}

check_traversable() {
    # Every parent of DIR must be searchable by the server user.
    [ "$(id -u)" -eq 0 ] || return 0
    d="$DIR"
    while [ "$d" != "/" ] && [ -n "$d" ]; do
        d="$(dirname "$d")"
        if ! as_pg test -x "$d"; then
            die "directory $d is not accessible to user $PGUSER_OS (needs o+x); choose another DIR"
        fi
    done
}

start() {
    if is_running; then
        echo "pg.sh: already running in $DIR" >&2
        echo "NMT_TEST_PG_HOST=$DIR NMT_TEST_PG_PORT=$(port_of_running)"
        return 0
    fi
    ensure_user
    mkdir -p "$DIR" || die "cannot create $DIR"
    if [ "$(id -u)" -eq 0 ]; then
        chown "$PGUSER_OS" "$DIR" || die "cannot chown $DIR to $PGUSER_OS"
        [ -d "$DATA" ] && chown -R "$PGUSER_OS" "$DATA"
    fi
    chmod 0755 "$DIR"
    check_traversable

    if [ ! -f "$DATA/PG_VERSION" ]; then
        if [ -e "$DATA" ] && [ -n "$(ls -A "$DATA" 2>/dev/null)" ]; then
            die "$DATA exists, is not empty and is not a PostgreSQL data directory"
        fi
        if ! as_pg "$BIN/initdb" -D "$DATA" --auth=trust -U postgres --locale=C.UTF-8 -E UTF8 \
                >"$DIR/initdb.log" 2>&1; then
            cat "$DIR/initdb.log" >&2
            die "initdb failed (log: $DIR/initdb.log)"
        fi
        cat >>"$DATA/postgresql.conf" <<EOF

# --- NMT test settings (tests/support/pg.sh) ---
listen_addresses = ''
unix_socket_directories = '$DIR'
unix_socket_permissions = 0777
fsync = on
synchronous_commit = on
max_connections = 200
EOF
    fi
    # A stale pid file from a killed server would make pg_ctl refuse to start.
    if [ -f "$DATA/postmaster.pid" ] && ! is_running; then
        rm -f "$DATA/postmaster.pid"
    fi
    : >"$LOG" && { [ "$(id -u)" -ne 0 ] || chown "$PGUSER_OS" "$LOG"; }
    if ! as_pg "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -o "-p $PORT" -w -t 60 start >/dev/null; then
        tail -n 30 "$LOG" >&2 || true
        die "postgres failed to start (log: $LOG)"
    fi
    i=0
    until "$BIN/pg_isready" -q -h "$DIR" -p "$PORT" -U postgres; do
        i=$((i + 1))
        [ $i -lt 100 ] || { tail -n 30 "$LOG" >&2; die "postgres not ready after 20 s (log: $LOG)"; }
        sleep 0.2
    done
    echo "$PORT" >"$DIR/port"
    echo "NMT_TEST_PG_HOST=$DIR NMT_TEST_PG_PORT=$PORT"
}

port_of_running() {
    if [ -f "$DIR/port" ]; then cat "$DIR/port"; else sed -n 4p "$DATA/postmaster.pid"; fi
}

stop() {
    if [ ! -d "$DATA" ]; then
        echo "pg.sh: no data directory in $DIR; nothing to stop" >&2
        return 0
    fi
    if ! is_running; then
        echo "pg.sh: not running in $DIR" >&2
        rm -f "$DATA/postmaster.pid"
        return 0
    fi
    as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null \
        || die "pg_ctl stop failed (log: $LOG)"
    echo "pg.sh: stopped $DIR" >&2
}

restart() {
    is_running || die "not running in $DIR"
    PORT="$(port_of_running)"
    stop
    [ -z "${PGRESTART_PAUSE:-}" ] || sleep "$PGRESTART_PAUSE"
    start
}

case "$CMD" in
    start) start ;;
    stop) stop ;;
    restart) restart ;;
    status)
        if is_running; then echo "running: NMT_TEST_PG_HOST=$DIR NMT_TEST_PG_PORT=$(port_of_running)"; exit 0
        else echo "not running" ; exit 1; fi ;;
    *) usage ;;
esac
