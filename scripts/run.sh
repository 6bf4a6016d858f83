#!/usr/bin/env bash
# make run: serve Odoo with logistics_crm on http://localhost:8069.
# The first run creates the database with demo data; later runs reuse it.
#
# Environment (all optional):
#   DB=logistics_crm      database name
#   PORT=8069             HTTP port
#   HTTP_INTERFACE=127.0.0.1   address to listen on (0.0.0.0 for all)
#   UPDATE=1              upgrade the addon (-u logistics_crm) before serving
#   ODOO_ARGS             extra options for Odoo, e.g. ODOO_ARGS=--dev=xml
#   plus ODOO_HOME, ODOO_PYTHON, PG*, TMP_PG=1 (see scripts/lib.sh)
# Without a reachable PostgreSQL, a cluster is kept in .pgdata/ and started
# for as long as this script runs; Odoo's filestore goes to .odoo-data/.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cd "$REPO_ROOT"
[[ -f "$ADDON_DIR/__manifest__.py" ]] ||
    die "addon not found: $ADDON_DIR/__manifest__.py is missing"

db=${DB:-logistics_crm}
port=${PORT:-8069}
interface=${HTTP_INTERFACE:-127.0.0.1}
data_dir="$REPO_ROOT/.odoo-data"
read -r -a extra_args <<<"${ODOO_ARGS:-}"

if (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "port $port is already in use; choose another with PORT=..."
fi

find_odoo
ensure_dev_postgres
mkdir -p "$data_dir"

db_exists=$(psql -X -q -t -A -d postgres \
    -c "SELECT 1 FROM pg_database WHERE datname = '$db'" || true)
state=""
if [[ "$db_exists" == 1 ]]; then
    state=$(psql -X -q -t -A -d "$db" \
        -c "SELECT state FROM ir_module_module WHERE name = '$ADDON'" 2>/dev/null || true)
fi
init_args=()
if [[ "$state" != installed ]]; then
    log "installing $ADDON with demo data in database $db"
    init_args=(-i "$ADDON" --with-demo)
elif [[ "${UPDATE:-0}" == 1 ]]; then
    log "upgrading $ADDON in database $db"
    init_args=(-u "$ADDON")
fi

log "Odoo on http://localhost:$port (database $db, login admin/admin); Ctrl-C stops it"
"${ODOO_CMD[@]}" "${ODOO_DB_ARGS[@]}" -d "$db" --db-filter "^${db}\$" \
    --addons-path "$ODOO_ADDONS,$REPO_ROOT/addons" --data-dir "$data_dir" \
    --http-interface "$interface" --http-port "$port" \
    "${init_args[@]}" "${extra_args[@]}" &
odoo_pid=$!
on_exit stop_pid "$odoo_pid"
wait "$odoo_pid"
