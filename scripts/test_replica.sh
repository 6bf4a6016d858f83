#!/usr/bin/env bash
# make test-replica: Odoo with a PostgreSQL read replica.
#
# Starts a throwaway primary ready for replication (lib.sh, PG_REPLICATION=1),
# installs logistics_crm on a fresh database, turns statement logging on
# (log_statement=all, each server to its own log), starts a streaming hot
# standby of it (scripts/replica.sh), then an Odoo server with
# --db_replica_host/--db_replica_port on the standby. scripts/replica_check.py
# then confirms an order, waits until the standby has replayed it, opens the
# scorecard pivot, a partner form with its scorecard panel, the portal
# scorecard and its PDF over HTTP, and checks in both statement logs that
# their SELECTs reached the standby and not the primary.
#
# Environment (all optional): ODOO_HOME, ODOO_PYTHON (see scripts/lib.sh).
# Logs: .logs/replica-{install,server,primary,standby}.log
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/replica.sh
source "$REPO_ROOT/scripts/replica.sh"

start_run
find_odoo
# the servers are configured here: always a throwaway primary
TMP_PG=1 PG_REPLICATION=1 ensure_postgres
primary_port=$PGPORT

db=lcrm_replica_$$
logdir="$REPO_ROOT/.logs"
mkdir -p "$logdir"
data_dir="$(mktemp -d "${TMPDIR:-/tmp}/lcrm-data.XXXXXX")"
on_exit rm -rf "$data_dir"
odoo_common=(
    "${ODOO_DB_ARGS[@]}"
    -d "$db"
    --addons-path "$ODOO_ADDONS,$REPO_ROOT/addons"
    --data-dir "$data_dir"
    --http-interface 127.0.0.1
    --workers 0
    --max-cron-threads 0
)

t0=$SECONDS
log "installing $ADDON on $db (log: .logs/replica-install.log)"
run_logged "$logdir/replica-install.log" "${ODOO_CMD[@]}" "${odoo_common[@]}" \
    -i "$ADDON" --stop-after-init --http-port "$(free_port)" >/dev/null ||
    die "the install of $ADDON failed (.logs/replica-install.log)"
t_install=$((SECONDS - t0))

# every statement, with its database, from now on; the standby's copy
# carries these settings (postgresql.auto.conf)
psql -X -q -U postgres -d postgres -v ON_ERROR_STOP=1 >/dev/null <<'SQL' || die "could not turn statement logging on"
ALTER SYSTEM SET log_statement = 'all';
ALTER SYSTEM SET log_line_prefix = '%m [%p] db=%d ';
SELECT pg_reload_conf();
SQL

t0=$SECONDS
REPLICA_SERVER_OPTS="-c log_statement=all" start_replica
t_replica=$((SECONDS - t0))
on_exit cp "$REPLICA_DATADIR/server.log" "$logdir/replica-standby.log"
on_exit cp "$PG_DATADIR/server.log" "$logdir/replica-primary.log"

port=$(free_port)
server_log="$logdir/replica-server.log"
log "Odoo on 127.0.0.1:$port, reading from the standby (log: .logs/replica-server.log)"
"${ODOO_CMD[@]}" "${odoo_common[@]}" --db-filter "^${db}\$" --http-port "$port" \
    --db_replica_host "$REPLICA_HOST" --db_replica_port "$REPLICA_PORT" >"$server_log" 2>&1 &
server_pid=$!
on_exit stop_pid "$server_pid"
wait_http_jsonrpc "http://127.0.0.1:$port/web/webclient/version_info" 120 "$server_pid" || {
    tail -n 30 "$server_log" >&2
    die "Odoo did not answer on port $port within 120 s"
}

t0=$SECONDS
check_rc=0
ODOO_URL="http://127.0.0.1:$port" ODOO_DB="$db" \
    PRIMARY_LOG="$PG_DATADIR/server.log" STANDBY_LOG="$REPLICA_DATADIR/server.log" \
    SERVER_LOG="$server_log" \
    PRIMARY_DSN="host=$PGHOST port=$primary_port user=postgres dbname=postgres" \
    STANDBY_DSN="host=$REPLICA_HOST port=$REPLICA_PORT user=postgres dbname=postgres" \
    "$ODOO_PY" "$REPO_ROOT/scripts/replica_check.py" || check_rc=$?
t_check=$((SECONDS - t0))

problems=()
((check_rc == 0)) || problems+=("scripts/replica_check.py failed (status $check_rc)")
# Odoo falls back to the primary, with a warning, when the replica refuses a
# connection or a read-only request writes
if grep -E "Failed to open a readonly cursor|retrying with a read/write cursor" "$server_log" >&2; then
    problems+=("Odoo fell back from the replica to the primary (.logs/replica-server.log)")
fi
n_errors=$(grep -cE '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$server_log" || true)
((n_errors == 0)) || problems+=("$n_errors ERROR line(s) in .logs/replica-server.log")

took=$((SECONDS - t_start))
log "install ${t_install} s, standby ${t_replica} s, checks ${t_check} s"
if ((${#problems[@]})); then
    for p in "${problems[@]}"; do
        printf 'FAILED: %s\n' "$p" >&2
    done
    printf 'test-replica: FAIL (%d s)\n' "$took"
    exit 1
fi
printf 'test-replica: PASS (%d s)\n' "$took"
