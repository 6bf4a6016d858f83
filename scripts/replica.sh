#!/usr/bin/env bash
# A throwaway hot standby of a PostgreSQL cluster: pg_basebackup -R copies the
# primary and writes the standby's primary_conninfo, then the copy starts as a
# hot standby streaming the primary's WAL, on its own port and socket, and is
# stopped and deleted when the script exits.
#
# Sourced (after scripts/lib.sh), it defines start_replica; test_replica.sh
# uses it on the throwaway cluster of lib.sh started with PG_REPLICATION=1.
# Run on its own, it starts such a primary (or uses the server that
# PGHOST/PGPORT/PGUSER reach, as its superuser PGREPL_USER), starts the
# standby and keeps both until Ctrl-C:
#   bash scripts/replica.sh
#
# The primary needs wal_level=replica (PostgreSQL's default), free WAL
# senders (max_wal_senders) and a pg_hba.conf line letting the replication
# user in for "replication" (initdb -A trust writes one for local sockets).
#
# Environment (all optional):
#   PGREPL_USER         superuser or REPLICATION role for pg_basebackup (default postgres)
#   REPLICA_SERVER_OPTS extra server options of the standby ("-c log_statement=all")

# start_replica: copy the cluster that PGHOST/PGPORT reach into a temporary
# directory and start it as a streaming hot standby. Sets REPLICA_HOST (its
# socket directory), REPLICA_PORT, REPLICA_DATADIR; PGPORT is left alone.
start_replica() {
    local dir primary_port=$PGPORT repl_user=${PGREPL_USER:-postgres} out
    local opts=() i
    [[ -n "${PG_BINDIR:-}" ]] || _pg_find_bindir
    dir="$(_pg_tmpdir)"
    on_exit rm -rf "$dir"
    log "pg_basebackup -R of ${PGHOST:-<default socket>}:$primary_port into $dir/data"
    if ! out="$(_as_pg_owner "$PG_BINDIR/pg_basebackup" -h "${PGHOST:-/var/run/postgresql}" -p "$primary_port" \
        -U "$repl_user" -D "$dir/data" -R -X stream -c fast --no-sync 2>&1)"; then
        printf '%s\n' "$out" >&2
        die "pg_basebackup failed: the primary needs wal_level=replica, max_wal_senders > 0 and a replication line for $repl_user in pg_hba.conf"
    fi
    # the copy's old pid file and logs are the primary's
    rm -f "$dir/data/postmaster.pid" "$dir/data/server.log"
    on_exit _pg_stop "$dir/data"
    read -r -a opts <<<"${REPLICA_SERVER_OPTS:-}"
    # nothing here needs to survive a crash either; hot_standby is on by
    # default, said here because it is what makes the copy readable
    _pg_start "$dir/data" "$dir" -c hot_standby=on -c fsync=off "${opts[@]}"
    REPLICA_PORT=$PGPORT
    REPLICA_HOST=$dir
    REPLICA_DATADIR="$dir/data"
    PGPORT=$primary_port
    if [[ "$("$PG_BINDIR/psql" -X -q -t -A -h "$REPLICA_HOST" -p "$REPLICA_PORT" -U "$repl_user" \
        -d postgres -c 'SELECT pg_is_in_recovery()')" != t ]]; then
        die "the copy on port $REPLICA_PORT is not a standby (pg_is_in_recovery() is false)"
    fi
    # streaming, not only restored from the copy
    for ((i = 0; i < 60; i++)); do
        if [[ "$("$PG_BINDIR/psql" -X -q -t -A -h "$REPLICA_HOST" -p "$REPLICA_PORT" -U "$repl_user" \
            -d postgres -c 'SELECT status FROM pg_stat_wal_receiver')" == streaming ]]; then
            log "hot standby on 127.0.0.1:$REPLICA_PORT (socket in $REPLICA_HOST) streaming from port $primary_port"
            return 0
        fi
        sleep 0.5
    done
    tail -n 20 "$REPLICA_DATADIR/server.log" >&2
    die "the standby on port $REPLICA_PORT does not stream from the primary"
}

# replica_caught_up: wait (up to 60 s) until the standby has replayed all
# the WAL the primary has written so far.
replica_caught_up() {
    local lsn i
    lsn="$("$PG_BINDIR/psql" -X -q -t -A -U "${PGREPL_USER:-postgres}" -d postgres -c 'SELECT pg_current_wal_lsn()')"
    for ((i = 0; i < 120; i++)); do
        if [[ "$("$PG_BINDIR/psql" -X -q -t -A -h "$REPLICA_HOST" -p "$REPLICA_PORT" -U "${PGREPL_USER:-postgres}" \
            -d postgres -c "SELECT pg_last_wal_replay_lsn() >= '$lsn'::pg_lsn")" == t ]]; then
            return 0
        fi
        sleep 0.5
    done
    return 1
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
    # shellcheck source=scripts/lib.sh
    source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
    PG_REPLICATION=1 ensure_postgres
    start_replica
    log "primary: PGHOST=$PGHOST PGPORT=$PGPORT; standby: PGHOST=$REPLICA_HOST PGPORT=$REPLICA_PORT"
    log "Odoo options: --db_replica_host $REPLICA_HOST --db_replica_port $REPLICA_PORT; Ctrl-C stops both"
    while true; do
        sleep 3600 &
        wait $! || true
    done
fi
