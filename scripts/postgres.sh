#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on 127.0.0.1 for tests and CI (trust authentication, database `qldb`).
#   eval "$(scripts/postgres.sh start DIR [PORT])"   # PORT defaults to 55432 (or the port DIR was last started on)
#   scripts/postgres.sh restart DIR                  # a crash-like restart: stop -m immediate, then start -w
#   scripts/postgres.sh stop DIR                     # stop -m fast
# `start` installs the Debian package postgresql if no /usr/lib/postgresql/*/bin/initdb exists, creates the
# cluster in DIR unless DIR already holds one, starts it and prints only
#   export QLDB_POSTGRES_URL=postgresql://postgres@127.0.0.1:PORT/qldb
# on stdout; progress goes to stderr. As root, the server runs as the `postgres` OS user, which owns DIR
# (so DIR's parent directories must be searchable by it: a directory from `mktemp -d` is fine).
set -euo pipefail

usage() { echo "usage: $0 start DIR [PORT] | stop DIR | restart DIR" >&2; exit 2; }
say() { echo "postgres.sh: $*" >&2; }
die() { say "$*"; exit 1; }

[ $# -ge 2 ] || usage
command=$1
dir=$2
port_arg=${3:-}
if [ -n "$port_arg" ] && ! [[ $port_arg =~ ^[0-9]+$ ]]; then die "PORT must be a number, not '$port_arg'"; fi
case $command in start) [ $# -le 3 ] || usage ;; stop|restart) [ $# -eq 2 ] || usage ;; *) usage ;; esac
mkdir -p "$dir"
dir=$(cd "$dir" && pwd -P)

find_bin() { # the bin directory of the newest installed PostgreSQL server, or nothing
    local initdb
    initdb=$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)
    if [ -x "$initdb" ]; then dirname "$initdb"; fi
}
bin=$(find_bin)
if [ -z "$bin" ]; then
    [ "$command" = start ] || die "PostgreSQL is not installed"
    [ "$(id -u)" -eq 0 ] || die "PostgreSQL is not installed and installing it needs root"
    say "installing the Debian package postgresql"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -qq postgresql >&2; then
        apt-get update -qq >&2
        apt-get install -y -qq postgresql >&2
    fi
    bin=$(find_bin)
    [ -n "$bin" ] || die "apt-get installed postgresql but no /usr/lib/postgresql/*/bin/initdb exists"
fi

as_pg() { # runs a server binary as the postgres OS user (initdb and postgres refuse to run as root)
    if [ "$(id -u)" -eq 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && "$@")
    fi
}
# pg_ctl and friends print progress on stdout, which `eval "$(...)"` must not see.
pg_ctl() { as_pg "$bin/pg_ctl" -D "$dir" "$@" >&2; }
is_cluster() { [ -f "$dir/PG_VERSION" ] && [ -f "$dir/postgresql.conf" ]; }
is_running() { as_pg "$bin/pg_ctl" -D "$dir" status > /dev/null 2>&1; }
configured_port() { [ ! -f "$dir/qldb.conf" ] || sed -n "s/^port = \([0-9]*\).*/\1/p" "$dir/qldb.conf"; }
show_log() { [ -f "$dir/server.log" ] && tail -n 20 "$dir/server.log" >&2; return 0; }

start_server() {
    if is_running; then
        say "the server in $dir is already running"
    else
        pg_ctl -l "$dir/server.log" -w -t 60 start || { show_log; die "the server in $dir did not start"; }
    fi
}

case $command in
start)
    if is_cluster; then
        say "$dir already holds a cluster"
    else
        [ -z "$(ls -A "$dir")" ] || die "$dir is neither empty nor a PostgreSQL cluster"
        if [ "$(id -u)" -eq 0 ]; then
            chown postgres:postgres "$dir"
            as_pg test -w "$dir" ||
                die "the postgres OS user cannot reach $dir; its parent directories must be searchable by others"
        fi
        chmod 700 "$dir"
        say "creating a cluster in $dir"
        as_pg "$bin/initdb" -D "$dir" -U postgres --auth=trust --encoding=UTF8 --locale=C --no-instructions >&2
        # Connections over TCP only from 127.0.0.1, and through the socket in $dir (mode 0700).
        cat > "$dir/pg_hba.conf" <<'EOF'
# TYPE  DATABASE  USER  ADDRESS       METHOD
local   all       all                 trust
host    all       all   127.0.0.1/32  trust
EOF
        cat >> "$dir/postgresql.conf" <<'EOF'

# scripts/postgres.sh
listen_addresses = '127.0.0.1'
max_connections = 200
include_if_exists = 'qldb.conf'
EOF
        chown postgres:postgres "$dir/pg_hba.conf" 2>/dev/null || true
    fi
    port=${port_arg:-$(configured_port)}
    port=${port:-55432}
    if [ "$port" != "$(configured_port)" ]; then
        is_running && pg_ctl -m fast -w stop # the new port takes effect on the next start
        printf "port = %s\nunix_socket_directories = '%s'\n" "$port" "$dir" > "$dir/qldb.conf"
        chown postgres:postgres "$dir/qldb.conf" 2>/dev/null || true
    fi
    start_server
    exists=$(as_pg "$bin/psql" -X -q -A -t -h "$dir" -p "$port" -U postgres -d postgres \
        -c "SELECT 1 FROM pg_database WHERE datname = 'qldb'")
    if [ "$exists" != 1 ]; then
        as_pg "$bin/createdb" -h "$dir" -p "$port" -U postgres qldb >&2
        say "created the database qldb"
    fi
    say "PostgreSQL $(cat "$dir/PG_VERSION") is listening on 127.0.0.1:$port (data and log in $dir)"
    echo "export QLDB_POSTGRES_URL=postgresql://postgres@127.0.0.1:$port/qldb"
    ;;
stop)
    is_cluster || die "$dir does not hold a PostgreSQL cluster"
    if is_running; then
        pg_ctl -m fast -w stop
    else
        say "the server in $dir is not running"
    fi
    ;;
restart)
    is_cluster || die "$dir does not hold a PostgreSQL cluster"
    is_running && pg_ctl -m immediate -w stop
    start_server
    ;;
esac
