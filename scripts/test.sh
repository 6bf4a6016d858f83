#!/usr/bin/env bash
# make test: lint, then install logistics_crm and its bridges (every addon
# under addons/) on a fresh database with their Odoo tests, then (if
# tests/test_*.py exist at the repository root) run pytest against a live
# Odoo server on that database, then the module lifecycle checks
# (scripts/lifecycle.sh: install on a database with sales data, upgrade,
# uninstall, reinstall) on the same PostgreSQL.
#
# Environment (all optional):
#   TEST_TAGS   Odoo --test-tags  (default: every addon under addons/,
#               /logistics_crm,/spreadsheet_dashboard_logistics_crm)
#   KEEP_DB=1   keep the test database (needs a PostgreSQL reached through
#               PGHOST/PGPORT/PGUSER: a throwaway cluster dies with the run)
#   SKIP_LINT=1 skip scripts/lint.sh
#   SKIP_LIFECYCLE=1  skip scripts/lifecycle.sh (make test-lifecycle)
#   SKIP_PYTEST=1     skip the repository-level tests/ (pytest against a server)
#   LOG_NAME    name of the Odoo log under .logs/ (default odoo-test), so that
#               two runs at once keep separate logs
#   ODOO_ARGS   extra options for Odoo, e.g. ODOO_ARGS=--log-level=test
#   plus ODOO_HOME, ODOO_PYTHON, PG*, TMP_PG=1 (see scripts/lib.sh)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start_run

if [[ "${SKIP_LINT:-0}" != 1 ]]; then
    bash "$REPO_ROOT/scripts/lint.sh" || die "lint failed (SKIP_LINT=1 skips it)"
fi

find_odoo
ensure_postgres

# every addon under addons/ (logistics_crm and its bridges) is installed and,
# by default, tested
mapfile -t all_addons < <(
    find "$REPO_ROOT/addons" -mindepth 2 -maxdepth 2 -name __manifest__.py -printf '%h\n' |
        xargs -n1 basename | sort
)
install_addons=$(IFS=,; echo "${all_addons[*]}")
default_tags=$(printf '/%s,' "${all_addons[@]}")
test_tags=${TEST_TAGS:-${default_tags%,}}
db=lcrm_test_$$
keep_db=${KEEP_DB:-0}
read -r -a extra_args <<<"${ODOO_ARGS:-}"
logdir="$REPO_ROOT/.logs"
mkdir -p "$logdir"
odoo_log="$logdir/${LOG_NAME:-odoo-test}.log"
server_log="$logdir/${LOG_NAME:-odoo-test}-server.log"

if [[ "$keep_db" == 1 ]]; then
    if ((PG_THROWAWAY)); then
        warn "KEEP_DB=1 has no effect on a throwaway cluster; point PGHOST/PGPORT/PGUSER at a server to keep $db"
    fi
    data_dir="$REPO_ROOT/.odoo-data"
    mkdir -p "$data_dir"
else
    data_dir="$(mktemp -d "${TMPDIR:-/tmp}/lcrm-data.XXXXXX")"
    on_exit rm -rf "$data_dir"
    # an external server keeps databases: drop ours when done
    ((PG_THROWAWAY)) || on_exit drop_db "$db"
fi

odoo_common=(
    "${ODOO_DB_ARGS[@]}"
    -d "$db"
    --addons-path "$ODOO_ADDONS,$REPO_ROOT/addons"
    --data-dir "$data_dir"
    --http-interface 127.0.0.1
    --workers 0
    --max-cron-threads 0
)

# --- 1. the addon's Odoo tests (at_install and post_install) ---------------
# Demo data is off by default in Odoo 19: tests run on a plain database.
log "Odoo tests: -i $install_addons --test-tags $test_tags on database $db (log: ${odoo_log#"$REPO_ROOT"/})"
odoo_rc=0
run_logged "$odoo_log" "${ODOO_CMD[@]}" "${odoo_common[@]}" \
    -i "$install_addons" --test-enable --test-tags "$test_tags" --stop-after-init \
    --http-port "$(free_port)" "${extra_args[@]}" || odoo_rc=$?

# Odoo prints one "F failed, E error(s) of N tests when loading database 'db'"
# line per database at the end of the run.
read -r n_failed n_errors n_total n_summaries < <(
    sed -nE 's/.* ([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests when loading database.*/\1 \2 \3/p' "$odoo_log" |
        awk '{f += $1; e += $2; t += $3; n++} END {print f + 0, e + 0, t + 0, n + 0}'
)
log_prefix='^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:,]+ [0-9]+'
n_error_lines=$(grep -cE "$log_prefix (ERROR|CRITICAL) " "$odoo_log" || true)
n_fail_lines=$(grep -cE "$log_prefix [A-Z]+ .*: (FAIL|ERROR): " "$odoo_log" || true)
n_skipped=$(grep -cE "$log_prefix INFO .*: skipped " "$odoo_log" || true)

problems=()
((odoo_rc == 0)) || problems+=("Odoo exited with status $odoo_rc")
((n_error_lines == 0)) || problems+=("$n_error_lines ERROR/CRITICAL log line(s)")
((n_fail_lines == 0)) || problems+=("$n_fail_lines FAIL/ERROR test report(s)")
if ((n_summaries == 0)); then
    problems+=("no test summary in the log ('... tests when loading database'): the install or the run broke")
elif ((n_total == 0)); then
    problems+=("no test ran (TEST_TAGS=$test_tags)")
fi
if ((n_skipped)); then
    warn "$n_skipped Odoo test(s) skipped:"
    grep -E "$log_prefix INFO .*: skipped " "$odoo_log" | sed -E 's/^.*: skipped /    /' | head -n 20 >&2
fi
if ((n_error_lines)); then
    log "ERROR/CRITICAL lines in the Odoo log:"
    grep -E "$log_prefix (ERROR|CRITICAL) " "$odoo_log" | cut -c1-300 | head -n 30 >&2
fi

# --- 2. repository-level tests against a live server ----------------------
pytest_problem=""
shopt -s nullglob
top_tests=(tests/test_*.py tests/*/test_*.py)
shopt -u nullglob
if ((${#top_tests[@]})) && [[ "${SKIP_PYTEST:-0}" != 1 ]]; then
    state=$(psql -X -q -t -A -d "$db" \
        -c "SELECT state FROM ir_module_module WHERE name = '$ADDON'" 2>/dev/null || true)
    if [[ "$state" != installed ]]; then
        pytest_problem="tests/ not run: $ADDON is not installed in $db"
    else
        tools_venv
        port=$(free_port)
        log "starting Odoo on 127.0.0.1:$port for tests/ (log: ${server_log#"$REPO_ROOT"/})"
        "${ODOO_CMD[@]}" "${odoo_common[@]}" --db-filter "^${db}\$" \
            --http-port "$port" "${extra_args[@]}" >"$server_log" 2>&1 &
        server_pid=$!
        on_exit stop_pid "$server_pid"
        if ! wait_http_jsonrpc "http://127.0.0.1:$port/web/webclient/version_info" 120 "$server_pid"; then
            tail -n 30 "$server_log" >&2
            pytest_problem="tests/ not run: Odoo did not answer on port $port within 120 s"
        else
            pytest_rc=0
            ODOO_URL="http://127.0.0.1:$port" ODOO_DB="$db" ODOO_USER=admin ODOO_PASSWORD=admin \
                "$TOOLS_VENV/bin/pytest" tests/ -q -s -p no:cacheprovider || pytest_rc=$?
            ((pytest_rc == 0)) || pytest_problem="pytest tests/ exited with status $pytest_rc"
        fi
        stop_pid "$server_pid"
    fi
fi

# --- 3. module lifecycle: install, upgrade, uninstall, reinstall -----------
lifecycle_problem=""
if [[ "${SKIP_LIFECYCLE:-0}" != 1 ]]; then
    # PG* now point at the server used above: the lifecycle database goes there
    lifecycle_rc=0
    TMP_PG=0 bash "$REPO_ROOT/scripts/lifecycle.sh" || lifecycle_rc=$?
    ((lifecycle_rc == 0)) ||
        lifecycle_problem="module lifecycle checks failed (status $lifecycle_rc; make test-lifecycle, logs in .logs/lifecycle-*.log)"
fi

# --- summary -----------------------------------------------------------------
n_bad=$((n_failed + n_errors))
n_passed=$((n_total - n_bad - n_skipped))
((n_passed >= 0)) || n_passed=0
if ((${#problems[@]})); then
    for p in "${problems[@]}"; do
        printf 'FAILED: %s\n' "$p" >&2
    done
    if ((n_bad == 0)); then
        # the failure is not a failed test (install error, ERROR log line...):
        # count it as one so the summary never reads "0 failed" on a red run
        n_bad=1
    fi
fi
[[ -z "$pytest_problem" ]] || printf 'FAILED: %s\n' "$pytest_problem" >&2
[[ -z "$lifecycle_problem" ]] || printf 'FAILED: %s\n' "$lifecycle_problem" >&2
if [[ "$keep_db" == 1 ]] && ! ((PG_THROWAWAY)); then
    log "kept database $db (data dir $data_dir)"
fi
log "Odoo log: $odoo_log; took $((SECONDS - t_start)) s"
skipped=""
((n_skipped == 0)) || skipped=", $n_skipped skipped"
printf 'odoo: %d passed, %d failed%s\n' "$n_passed" "$n_bad" "$skipped"
if ((${#problems[@]})) || [[ -n "$pytest_problem$lifecycle_problem" ]]; then
    exit 1
fi
