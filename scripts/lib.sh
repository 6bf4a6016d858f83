# shellcheck shell=bash disable=SC2034
# (SC2034: the globals set here are read by the scripts that source this file)
# Shared helpers for scripts/*.sh. Source it, don't run it.
#
# Environment understood here (all optional):
#   ODOO_HOME     Odoo 19 source tree holding odoo-bin      (default /opt/odoo19)
#   ODOO_PYTHON   python that runs Odoo, or a venv directory (default /opt/odoo-venv/bin/python)
#   PGHOST PGPORT PGUSER PGPASSWORD
#                 an existing PostgreSQL server to use; when none answers, a
#                 throwaway cluster is started (see ensure_postgres)
#   TMP_PG=1      always start a throwaway cluster, even if a server answers
#   PG_REPLICATION=1  start the throwaway cluster ready to feed a streaming
#                 standby (scripts/replica.sh)
#   PG_SERVER_OPTS  extra server options for the throwaway cluster
#                 ("-c log_statement=all")
#   TOOLS_PYTHON  python used to create .venv-tools     (default python3)

# Absolute path of the repository (parent of scripts/).
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ADDON=logistics_crm
ADDON_DIR="$REPO_ROOT/addons/$ADDON"
TOOLS_VENV="$REPO_ROOT/.venv-tools"

log() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() {
    printf 'ERROR: %s\n' "$1" >&2
    exit "${2:-1}"
}

# --- cleanup stack ---------------------------------------------------------
# Scripts register cleanups with `on_exit CMD...`; they run in reverse order
# when the script exits for any reason (normal end, error, Ctrl-C, SIGTERM).
_CLEANUPS=()
on_exit() {
    local quoted
    printf -v quoted '%q ' "$@"
    _CLEANUPS+=("$quoted")
}
_run_cleanups() {
    local rc=$? i
    trap - EXIT INT TERM HUP
    for ((i = ${#_CLEANUPS[@]} - 1; i >= 0; i--)); do
        eval "${_CLEANUPS[i]}" || true
    done
    exit "$rc"
}
trap _run_cleanups EXIT
# exit (rather than die by the signal) so the EXIT trap runs the cleanups
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# --- small helpers ---------------------------------------------------------
_any_python() {
    local py
    for py in python3 "${ODOO_PY:-}" /opt/odoo-venv/bin/python python; do
        if [[ -n "$py" ]] && command -v "$py" >/dev/null 2>&1; then
            printf '%s\n' "$py"
            return 0
        fi
    done
    return 1
}

# Print a TCP port on 127.0.0.1 that is free right now.
free_port() {
    local py
    py="$(_any_python)" || die "no python found to pick a free port"
    "$py" - <<'EOF'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
EOF
}

# wait_http_jsonrpc URL TIMEOUT: wait until a JSON-RPC POST to URL answers 200.
wait_http_jsonrpc() {
    local url=$1 timeout=$2 pid=${3:-} start=$SECONDS
    while ((SECONDS - start < timeout)); do
        if curl -fsS -o /dev/null -m 5 -H 'Content-Type: application/json' \
            -d '{"jsonrpc":"2.0","method":"call","params":{}}' "$url" 2>/dev/null; then
            return 0
        fi
        if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
            return 1
        fi
        sleep 1
    done
    return 1
}

# stop_pid PID: SIGTERM, then SIGKILL after 30 s; quiet if already gone.
stop_pid() {
    local pid=$1 i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 60; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# run_logged LOG CMD...: run CMD with its output in LOG and on stdout, and
# return its status. CMD runs in the background and is waited for, so that a
# signal to this script is handled at once: the cleanup then stops CMD.
run_logged() {
    local logf=$1 pid tail_pid rc=0
    shift
    : >"$logf"
    "$@" >"$logf" 2>&1 &
    pid=$!
    on_exit stop_pid "$pid"
    tail -n +1 -f --pid="$pid" "$logf" &
    tail_pid=$!
    on_exit stop_pid "$tail_pid"
    wait "$pid" || rc=$?
    wait "$tail_pid" || true
    return "$rc"
}

# drop_db NAME: drop a database of the current server, quietly.
drop_db() {
    psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null 2>&1 || true
}

# --- Odoo ------------------------------------------------------------------
_odoo_missing() {
    cat >&2 <<EOF
ERROR: $1

Odoo 19 is needed to run and test logistics_crm. Any of these works:

  * Docker: the official image odoo:19 -- 'docker compose up' to run,
    'docker compose run --rm test' to test (see README.md).
  * Odoo's own packages: https://nightly.odoo.com (19.0 .deb/.rpm; the
    package installs the 'odoo' Python package), then
        make test ODOO_PYTHON=/usr/bin/python3
  * A source checkout of the 19.0 branch:
        git clone --depth 1 --branch 19.0 https://github.com/odoo/odoo.git ~/odoo19
        python3 -m venv ~/odoo-venv
        ~/odoo-venv/bin/pip install -r ~/odoo19/requirements.txt
        make test ODOO_HOME=~/odoo19 ODOO_PYTHON=~/odoo-venv

ODOO_HOME is the source tree holding odoo-bin; ODOO_PYTHON is the python
(or the virtualenv directory) that has Odoo's requirements installed.
EOF
    exit 2
}

# find_odoo: sets ODOO_PY (python), ODOO_CMD (array: command running Odoo),
# ODOO_ADDONS (Odoo's own addons dirs, comma separated), ODOO_VERSION.
find_odoo() {
    local home=${ODOO_HOME:-/opt/odoo19} py=${ODOO_PYTHON:-/opt/odoo-venv/bin/python}
    if [[ -d "$py" ]]; then
        py="$py/bin/python"
    fi
    if [[ "$py" != */* ]]; then
        py="$(command -v "$py" || true)"
    fi
    if [[ -z "$py" || ! -x "$py" ]]; then
        _odoo_missing "ODOO_PYTHON=${ODOO_PYTHON:-/opt/odoo-venv/bin/python}: no such python"
    fi
    ODOO_PY=$py

    local probe='import os, odoo.release as r
print(r.version_info[0], r.version)
print(os.path.dirname(os.path.abspath(r.__file__)))'
    local out
    if [[ -f "$home/odoo-bin" ]]; then
        out="$(cd "$home" && "$py" -c "$probe" 2>&1)" ||
            _odoo_missing "cannot import Odoo from ODOO_HOME=$home with $py ($(tail -n 1 <<<"$out"))"
        ODOO_CMD=("$py" "$home/odoo-bin")
        ODOO_ADDONS="$home/addons"
    elif out="$(cd / && "$py" -c "$probe" 2>/dev/null)"; then
        ODOO_CMD=("$py" -m odoo)
        ODOO_ADDONS="$(sed -n 2p <<<"$out")/addons"
    else
        _odoo_missing "no Odoo found: ODOO_HOME=$home has no odoo-bin, and $py cannot 'import odoo'."
    fi
    local major
    read -r major ODOO_VERSION <<<"$(sed -n 1p <<<"$out")"
    if [[ "$major" != 19 ]]; then
        _odoo_missing "found Odoo $ODOO_VERSION (${ODOO_CMD[*]}), but logistics_crm needs Odoo 19."
    fi
    if ! out="$("$py" -c 'import psycopg2, lxml, werkzeug, babel, PIL' 2>&1)"; then
        _odoo_missing "$py lacks Odoo's requirements ($(tail -n 1 <<<"$out"))"
    fi
    log "Odoo $ODOO_VERSION: ${ODOO_CMD[*]}"
}

# addon_depends: print the addon's manifest depends, comma separated.
addon_depends() {
    "$ODOO_PY" -c '
import ast, sys
print(",".join(ast.literal_eval(open(sys.argv[1]).read()).get("depends", [])))
' "$ADDON_DIR/__manifest__.py" || die "cannot read the depends of $ADDON_DIR/__manifest__.py"
}

# uniq_csv LIST...: join comma-separated lists, without duplicates, in order.
uniq_csv() {
    local IFS=,
    tr ',' '\n' <<<"$*" | awk 'NF && !seen[$0]++' | paste -sd, -
}

# --- PostgreSQL ------------------------------------------------------------
# pg_bindir: print the directory holding initdb/pg_ctl (highest version).
pg_bindir() {
    local d
    if command -v pg_config >/dev/null 2>&1; then
        d="$(pg_config --bindir 2>/dev/null || true)"
        if [[ -x "$d/initdb" && -x "$d/pg_ctl" ]]; then
            printf '%s\n' "$d"
            return 0
        fi
    fi
    d="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null |
        sort -t/ -k5,5 -V | tail -n1)"
    if [[ -n "$d" && -x "$d/initdb" ]]; then
        printf '%s\n' "$d"
        return 0
    fi
    d="$(command -v initdb 2>/dev/null || true)"
    if [[ -n "$d" ]]; then
        dirname "$d"
        return 0
    fi
    return 1
}

# Run a PostgreSQL server binary as the cluster owner: `postgres` when we are
# root (the server refuses to run as root), else the current user.
_as_pg_owner() {
    if ((EUID == 0)); then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# Is a server reachable with the libpq environment as it is?
pg_reachable() {
    command -v psql >/dev/null 2>&1 || return 1
    if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -t 3 -d postgres; then
        if [[ -n "${PGHOST:-}${PGPORT:-}" ]]; then
            warn "no PostgreSQL answers at ${PGHOST:-<default socket>}:${PGPORT:-5432}; starting a throwaway cluster instead"
        fi
        return 1
    fi
    if ! psql -X -q -t -c 'select 1' -d postgres >/dev/null 2>&1; then
        warn "a PostgreSQL server answers at ${PGHOST:-<default socket>}:${PGPORT:-5432} but refuses a login as ${PGUSER:-$(id -un)}; starting a throwaway cluster instead"
        return 1
    fi
}

# _pg_init DATADIR: initdb a trust-auth cluster owned by the cluster owner
_pg_init() {
    local datadir=$1 initlog
    initlog="$(mktemp)"
    if ! _as_pg_owner "$PG_BINDIR/initdb" -D "$datadir" -U postgres -A trust \
        -E UTF8 --locale=C.UTF-8 >"$initlog" 2>&1; then
        cat "$initlog" >&2
        rm -f "$initlog"
        die "initdb failed in $datadir"
    fi
    rm -f "$initlog"
}

# _pg_start DATADIR SOCKDIR [SERVER OPTIONS...]: start the cluster on a free
# port of 127.0.0.1 with its unix socket in SOCKDIR; sets PGPORT.
_pg_start() {
    local datadir=$1 sockdir=$2 port try
    shift 2
    for try in 1 2 3; do
        port="$(free_port)"
        if _as_pg_owner "$PG_BINDIR/pg_ctl" -D "$datadir" -l "$datadir/server.log" -w -t 60 -s \
            -o "-p $port -k $sockdir -c listen_addresses=127.0.0.1 $*" start >/dev/null; then
            PGPORT=$port
            return 0
        fi
        warn "PostgreSQL did not start on port $port (try $try):"
        tail -n 5 "$datadir/server.log" >&2 || true
    done
    die "could not start PostgreSQL (log: $datadir/server.log)"
}

_pg_stop() {
    local datadir=$1
    if [[ -f "$datadir/postmaster.pid" ]]; then
        _as_pg_owner "$PG_BINDIR/pg_ctl" -D "$datadir" -m fast -w -t 30 -s stop >/dev/null 2>&1 ||
            _as_pg_owner "$PG_BINDIR/pg_ctl" -D "$datadir" -m immediate -w -t 30 -s stop >/dev/null 2>&1 ||
            true
    fi
}

# _pg_tmpdir: a fresh temporary directory owned by the cluster owner
_pg_tmpdir() {
    local d
    d="$(mktemp -d "${TMPDIR:-/tmp}/lcrm-pg.XXXXXX")"
    if ((EUID == 0)); then
        chown postgres: "$d"
    fi
    printf '%s\n' "$d"
}

# _pg_use_cluster SOCKDIR: create the 'odoo' login role (Odoo refuses to run as
# 'postgres') and point libpq and Odoo at the cluster as that role.
_pg_use_cluster() {
    local sockdir=$1
    "$PG_BINDIR/psql" -X -q -h "$sockdir" -p "$PGPORT" -U postgres -d postgres \
        -v ON_ERROR_STOP=1 >/dev/null <<'SQL' || die "could not create the odoo role"
SELECT 'CREATE ROLE odoo LOGIN CREATEDB'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'odoo')
\gexec
SQL
    export PGHOST=$sockdir PGPORT PGUSER=odoo
    unset PGPASSWORD PGDATABASE
    ODOO_DB_ARGS=(--db_host "$PGHOST" --db_port "$PGPORT" --db_user "$PGUSER")
}

# _pg_use_reachable: use the server that the libpq environment reaches.
_pg_use_reachable() {
    log "using PostgreSQL at ${PGHOST:-<default socket>}:${PGPORT:-5432} as ${PGUSER:-$(id -un)}"
    if [[ "${PGUSER:-$(id -un)}" == postgres ]]; then
        die "the PostgreSQL user is 'postgres', which Odoo refuses; set PGUSER to another role (with CREATEDB)"
    fi
    ODOO_DB_ARGS=()
    [[ -z "${PGHOST:-}" ]] || ODOO_DB_ARGS+=(--db_host "$PGHOST")
    [[ -z "${PGPORT:-}" ]] || ODOO_DB_ARGS+=(--db_port "$PGPORT")
    [[ -z "${PGUSER:-}" ]] || ODOO_DB_ARGS+=(--db_user "$PGUSER")
    [[ -z "${PGPASSWORD:-}" ]] || ODOO_DB_ARGS+=(--db_password "$PGPASSWORD")
}

_pg_find_bindir() {
    PG_BINDIR="$(pg_bindir)" ||
        die "PostgreSQL server binaries (initdb, pg_ctl) not found: install them (apt-get install postgresql) or set PGHOST/PGPORT/PGUSER to a running server"
    if ((EUID == 0)) && ! id -u postgres >/dev/null 2>&1; then
        die "running as root, but there is no 'postgres' OS user to own the PostgreSQL cluster; create one, run as another user, or set PGHOST/PGPORT/PGUSER to a running server"
    fi
    # psql, pg_dump... of the same version as the server
    PATH="$PG_BINDIR:$PATH"
}

# ensure_postgres: use the server that PGHOST/PGPORT/PGUSER reach, or start a
# throwaway cluster in a temporary directory, stopped and deleted when the
# script exits (also on failure or Ctrl-C). Sets ODOO_DB_ARGS (--db_* options
# for Odoo) and exports PGHOST/PGPORT/PGUSER.
ensure_postgres() {
    PG_THROWAWAY=0
    if [[ "${TMP_PG:-0}" != 1 ]] && pg_reachable; then
        _pg_use_reachable
        return 0
    fi
    _pg_find_bindir
    local dir
    dir="$(_pg_tmpdir)"
    on_exit rm -rf "$dir" # registered first, so it runs after the stop
    _pg_init "$dir/data"
    on_exit _pg_stop "$dir/data"
    local opts=() extra=()
    if [[ "${PG_REPLICATION:-0}" == 1 ]]; then
        # a primary that a streaming standby can copy and follow
        # (scripts/replica.sh); initdb's trust pg_hba.conf already lets
        # local replication connections in
        opts+=(-c wal_level=replica -c max_wal_senders=4 -c wal_keep_size=256MB)
    fi
    read -r -a extra <<<"${PG_SERVER_OPTS:-}"
    # nothing here needs to survive a crash: trade durability for speed
    _pg_start "$dir/data" "$dir" -c fsync=off -c full_page_writes=off -c synchronous_commit=off \
        "${opts[@]}" "${extra[@]}"
    _pg_use_cluster "$dir"
    PG_THROWAWAY=1
    PG_DATADIR="$dir/data"
    log "throwaway PostgreSQL $("$PG_BINDIR/postgres" -V | awk '{print $3}') on 127.0.0.1:$PGPORT, socket in $dir"
}

# ensure_dev_postgres: like ensure_postgres, but the cluster lives in
# $REPO_ROOT/.pgdata and keeps its databases; it is only stopped on exit.
ensure_dev_postgres() {
    if [[ "${TMP_PG:-0}" != 1 ]] && pg_reachable; then
        _pg_use_reachable
        return 0
    fi
    _pg_find_bindir
    local datadir="$REPO_ROOT/.pgdata" sockdir
    if [[ ! -f "$datadir/PG_VERSION" ]]; then
        log "creating the development cluster in $datadir"
        mkdir -p "$datadir"
        chmod 700 "$datadir"
        if ((EUID == 0)); then
            chown postgres: "$datadir"
            runuser -u postgres -- test -w "$datadir" ||
                die "user postgres cannot write $datadir (a parent directory is not searchable); set PGHOST/PGPORT/PGUSER to a server instead"
        fi
        _pg_init "$datadir"
    fi
    if _as_pg_owner "$PG_BINDIR/pg_ctl" -D "$datadir" status >/dev/null 2>&1; then
        die "the development cluster in $datadir is already running (another 'make run'?)"
    fi
    sockdir="$(_pg_tmpdir)"
    on_exit rm -rf "$sockdir"
    on_exit _pg_stop "$datadir"
    _pg_start "$datadir" "$sockdir"
    _pg_use_cluster "$sockdir"
    log "development PostgreSQL on 127.0.0.1:$PGPORT, data in $datadir"
}

# --- tools venv ------------------------------------------------------------
# tools_venv: create/refresh .venv-tools from requirements-dev.txt; the
# install only re-runs when the requirements file (or python) changed.
tools_venv() {
    local req="$REPO_ROOT/requirements-dev.txt" stamp="$TOOLS_VENV/.requirements.sha256"
    local py=${TOOLS_PYTHON:-python3} want
    command -v "$py" >/dev/null 2>&1 || die "$py not found (needed to create $TOOLS_VENV; set TOOLS_PYTHON)"
    want="$( (sha256sum <"$req" && "$py" -c 'import sys; print(sys.version)') | sha256sum | cut -d' ' -f1)"
    if [[ -x "$TOOLS_VENV/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
        return 0
    fi
    log "installing lint/test tools into $TOOLS_VENV (requirements-dev.txt changed)"
    rm -rf "$TOOLS_VENV"
    "$py" -m venv "$TOOLS_VENV" || die "could not create $TOOLS_VENV with $py -m venv"
    local piplog
    piplog="$(mktemp)"
    if ! "$TOOLS_VENV/bin/python" -m pip install --disable-pip-version-check -r "$req" >"$piplog" 2>&1; then
        cat "$piplog" >&2
        rm -f "$piplog"
        die "pip install -r requirements-dev.txt failed"
    fi
    rm -f "$piplog"
    printf '%s\n' "$want" >"$stamp"
}

# start_run: what every entry script does first: work from the repository
# root, start the clock (t_start) and make sure the addon is there.
start_run() {
    cd "$REPO_ROOT"
    t_start=$SECONDS
    [[ -f "$ADDON_DIR/__manifest__.py" ]] ||
        die "addon not found: $ADDON_DIR/__manifest__.py is missing"
}

# --- wheels ----------------------------------------------------------------
BUILD_VENV="$REPO_ROOT/.venv-build"

# build_venv: create/refresh .venv-build (whool, from
# scripts/wheel-requirements.txt); re-installs only when that file changed.
build_venv() {
    local req="$REPO_ROOT/scripts/wheel-requirements.txt" stamp="$BUILD_VENV/.requirements.sha256"
    local py=${BUILD_PYTHON:-python3} want piplog
    command -v "$py" >/dev/null 2>&1 || die "$py not found (needed to create $BUILD_VENV; set BUILD_PYTHON)"
    want="$( (sha256sum <"$req" && "$py" -c 'import sys; print(sys.version)') | sha256sum | cut -d' ' -f1)"
    if [[ -x "$BUILD_VENV/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
        return 0
    fi
    log "installing the wheel build backend into $BUILD_VENV"
    rm -rf "$BUILD_VENV"
    "$py" -m venv "$BUILD_VENV" || die "could not create $BUILD_VENV with $py -m venv"
    piplog="$(mktemp)"
    if ! "$BUILD_VENV/bin/python" -m pip install --disable-pip-version-check -r "$req" >"$piplog" 2>&1; then
        cat "$piplog" >&2
        rm -f "$piplog"
        die "pip install -r scripts/wheel-requirements.txt failed"
    fi
    rm -f "$piplog"
    printf '%s\n' "$want" >"$stamp"
}

# stage_addon SRC DEST: copy the addon directory SRC to DEST (named like the
# addon: whool names the package after the directory) with the files git
# tracks or would track (not the ignored ones); every file but Python caches
# when SRC is not in a git checkout.
stage_addon() {
    local src=$1 dest=$2
    rm -rf "$dest"
    mkdir -p "$dest"
    if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        (cd "$src" && git ls-files -z --cached --others --exclude-standard -- . |
            while IFS= read -r -d '' f; do
                # a file deleted but not yet staged is still listed
                [[ -f "$f" ]] && printf '%s\0' "$f"
            done | xargs -0 --no-run-if-empty cp --parents -t "$dest") ||
            die "could not copy $src to $dest"
    else
        (cd "$src" && find . -type f ! -path '*/__pycache__/*' ! -name '*.py[co]' -print0 |
            xargs -0 --no-run-if-empty cp --parents -t "$dest") ||
            die "could not copy $src to $dest"
    fi
}
