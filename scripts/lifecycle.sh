#!/usr/bin/env bash
# make test-lifecycle: install, upgrade, uninstall and reinstall logistics_crm
# on a throwaway database that already has sales data, and check after each
# step that nothing is left broken (scripts/lifecycle_check.py, run through
# `odoo-bin shell`):
#
#   1. install sale_stock and the addon's other dependencies with demo data;
#      deliver and invoice a few confirmed orders; snapshot the schema
#   1b. when the git history holds it (LIFECYCLE_FROM, default the last commit
#       of version 19.0.1.0.0): install that former version, which grades
#       the customers, then -u to this version: the grades migrate to the
#       grade table, the scorecard facts are built (as a rebuild does), and
#       the checks of step 2 pass; the steps below then start from there
#   2. -i logistics_crm   no ERROR, no WARNING about the addon in the log; the
#                         module's views validate, its actions load their
#                         views, its crons run, the existing customers get
#                         graded, metadata and columns match the registry
#   3. -u logistics_crm   the same checks
#   4. uninstall (button_immediate_uninstall): no ir_model_data, ir_model,
#      ir_model_fields, view, cron or other record of the module left, its
#      tables and its columns on other tables (res_partner's company-dependent
#      ones included) dropped, the schema as in step 1, every remaining view
#      validates, every cron has its model and method
#   5. -i logistics_crm again: the checks of step 2
#
# Exits non-zero on the first failed step, after printing its checks.
# Environment (all optional): ODOO_ARGS, and ODOO_HOME, ODOO_PYTHON, PG*,
# TMP_PG=1 (see scripts/lib.sh). Logs: .logs/lifecycle-*.log
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start_run
check_py="$REPO_ROOT/scripts/lifecycle_check.py"
read -r -a extra_args <<<"${ODOO_ARGS:-}"
logdir="$REPO_ROOT/.logs"
mkdir -p "$logdir"
rm -f "$logdir"/lifecycle-*.log

find_odoo
ensure_postgres

db=lcrm_lifecycle_$$
work="$(mktemp -d "${TMPDIR:-/tmp}/lcrm-lifecycle.XXXXXX")"
on_exit rm -rf "$work"
((PG_THROWAWAY)) || on_exit drop_db "$db"
state="$work/state.json"
depends=$(addon_depends)

# the addon alone: its bridges (auto-installed with it when their other
# dependency is there, as spreadsheet_dashboard is) are not part of these
# checks, and the former version has none
mkdir -p "$work/addons"
ln -s "$REPO_ROOT/addons/$ADDON" "$work/addons/$ADDON"

odoo_common=(
    "${ODOO_DB_ARGS[@]}"
    -d "$db"
    --addons-path "$ODOO_ADDONS,$work/addons"
    --data-dir "$work/data"
    --http-interface 127.0.0.1
    --max-cron-threads 0
)
log_prefix='^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:,]+ [0-9]+'
n_step=0
summary=()

# wait_child PID: wait for a background Odoo, stopped by the cleanup if this
# script is interrupted (a foreground child would delay the signal).
wait_child() {
    on_exit stop_pid "$1"
    wait "$1"
}

# check_log LOG STRICT [UNINSTALL]: print the log's ERROR/CRITICAL records (any
# logger) and its WARNING records about the addon; with STRICT=1, any of them
# fails. With UNINSTALL=1, the "bad query: DELETE ..." records that Odoo's
# uninstall logs when a foreign key stops the deletion of a batch (it then
# splits the batch, keeps what is still referenced and drops the tables) are
# listed but do not fail: what is left is checked afterwards.
check_log() {
    local logf=$1 strict=$2 uninstall=${3:-0} n_err n_warn n_other n_fk=0
    local fk_re="$log_prefix ERROR \\S+ odoo\\.sql_db: bad query: b?.DELETE FROM "
    n_err=$(grep -cE "$log_prefix (ERROR|CRITICAL) " "$logf" || true)
    if [[ "$uninstall" == 1 ]]; then
        n_fk=$(grep -cE "$fk_re" "$logf" || true)
        n_err=$((n_err - n_fk))
    fi
    n_warn=$(grep -E "$log_prefix WARNING " "$logf" | grep -ciE 'logistics' || true)
    n_other=$(($(grep -cE "$log_prefix WARNING " "$logf" || true) - n_warn))
    printf '  [%s] log: %d ERROR/CRITICAL, %d WARNING about %s (%d other warnings)\n' \
        "$( ((n_err + n_warn == 0)) && echo ok || echo FAIL)" "$n_err" "$n_warn" "$ADDON" "$n_other"
    if ((n_fk)); then
        printf '  [warn] %d deletions refused by a foreign key during the uninstall (Odoo retries them):\n' "$n_fk"
        grep -E '^ERROR: +update or delete on table .* violates foreign key' "$logf" |
            sed -E 's/^ERROR: +update or delete on table/   /' | sort | uniq -c | sed 's/^/   /'
    fi
    if ((n_err + n_warn)); then
        grep -E "$log_prefix (ERROR|CRITICAL|WARNING) " "$logf" | grep -vE "$fk_re" |
            grep -E " (ERROR|CRITICAL) |[Ll]ogistics" | cut -c1-400 | head -n 20 | sed 's/^/    /'
        [[ "$strict" != 1 ]] || return 1
    fi
    return 0
}

# odoo_step NAME ODOO-OPTIONS...: run Odoo with --stop-after-init, then check
# its log (strict when the step touches the addon).
odoo_step() {
    local name=$1 t0=$SECONDS rc=0 logf strict=1
    shift
    n_step=$((n_step + 1))
    logf="$logdir/lifecycle-$n_step-$name.log"
    log "step $n_step: $name (odoo $*; log: ${logf#"$REPO_ROOT"/})"
    "${ODOO_CMD[@]}" "${odoo_common[@]}" --http-port "$(free_port)" \
        --stop-after-init "$@" "${extra_args[@]}" >"$logf" 2>&1 &
    wait_child $! || rc=$?
    [[ "$name" != prepare ]] || strict=0
    if ((rc)); then
        tail -n 30 "$logf" >&2
        die "step $name: Odoo exited with status $rc (log: $logf)"
    fi
    check_log "$logf" "$strict" || die "step $name: the log has errors (log: $logf)"
    summary+=("$(printf '%-18s %4d s' "$name" $((SECONDS - t0)))")
}

# check_step PHASE [ODOO-OPTIONS...]: run scripts/lifecycle_check.py in
# `odoo-bin shell`.
check_step() {
    local phase=$1 t0=$SECONDS rc=0 logf
    shift
    logf="$logdir/lifecycle-$n_step-check-$phase.log"
    log "checks: $phase (log: ${logf#"$REPO_ROOT"/})"
    LIFECYCLE_PHASE=$phase LIFECYCLE_STATE=$state \
        "${ODOO_CMD[@]}" shell "${odoo_common[@]}" --no-http "$@" "${extra_args[@]}" \
        <"$check_py" >"$logf" 2>&1 &
    wait_child $! || rc=$?
    # the checks' own lines, without Odoo's log records
    grep -vE "$log_prefix " "$logf" | grep -E '^(  |LIFECYCLE|Traceback|    )' || true
    local strict=1 uninstall=0
    [[ "$phase" != pre ]] || strict=0
    [[ "$phase" != uninstall ]] || uninstall=1
    check_log "$logf" "$strict" "$uninstall" || rc=1
    if ((rc)) || ! grep -q "^LIFECYCLE $phase: OK" "$logf"; then
        die "checks '$phase' failed (log: $logf)"
    fi
    summary+=("$(printf '%-18s %4d s' "check $phase" $((SECONDS - t0)))")
}

# sale_stock first (the sales data), then the rest of the addon's dependencies
prepare_modules=$(uniq_csv sale_stock "$depends")
odoo_step prepare -i "$prepare_modules" --with-demo
check_step pre
# the former version, from the git history (a clone has it)
from_rev=${LIFECYCLE_FROM:-3a3e67c}
if git -C "$REPO_ROOT" cat-file -e "$from_rev^{commit}" 2>/dev/null; then
    previous="$work/previous"
    mkdir -p "$previous"
    git -C "$REPO_ROOT" archive "$from_rev" "addons/$ADDON" | tar -x -C "$previous"
    previous_path=(--addons-path "$ODOO_ADDONS,$previous/addons")
    odoo_step install-previous -i "$ADDON" "${previous_path[@]}"
    check_step previous "${previous_path[@]}"
    odoo_step upgrade-previous -u "$ADDON"
    check_step migrated
else
    log "no commit $from_rev in the history: the upgrade from the former version is not checked"
    odoo_step install -i "$ADDON"
    check_step installed
fi
odoo_step upgrade -u "$ADDON"
check_step upgraded
n_step=$((n_step + 1))
check_step uninstall
check_step uninstalled
odoo_step reinstall -i "$ADDON"
check_step reinstalled

log "lifecycle: every check passed; times:"
printf '  %s\n' "${summary[@]}" >&2
log "lifecycle: OK in $((SECONDS - t_start)) s"
