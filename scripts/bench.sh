#!/usr/bin/env bash
# make bench: install logistics_crm (and its CRM and loyalty bridges) on a fresh database, load synthetic data
# at each size (bench/generate.py), measure the addon against bare SQL
# (bench/measure.py), and write the table to bench/results/bench-<date>.md.
#
# Environment (all optional):
#   BENCH_SIZES   sizes to run, among S M L                  (default "S M")
#                 S = 1,000 customers / 20,000 orders, M = 10,000 / 200,000,
#                 L = 100,000 / 2,000,000 (make bench-l, with S: 12 to 18 minutes)
#   BENCH_REPEAT  runs of the fast measures, the best one counts (default 3)
#   BENCH_TODAY   YYYY-MM-DD, end of the generated history (default: today, UTC)
#   BENCH_BRIDGES bridges installed with the addon, comma-led (default
#                 ",logistics_crm_crm,logistics_crm_loyalty"; empty: none)
#   KEEP_DB=1     keep the databases (needs PGHOST/PGPORT/PGUSER: a throwaway
#                 cluster dies with the run)
#   plus ODOO_HOME, ODOO_PYTHON, PG*, TMP_PG=1 (see scripts/lib.sh)
# Without a reachable PostgreSQL, a throwaway cluster is started and tuned
# for bulk loading (shared_buffers 1GB, work_mem 64MB, maintenance_work_mem
# 512MB, fsync off); PostgreSQL's other settings, JIT included, stay at their
# defaults.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start_run

read -r -a sizes <<<"${BENCH_SIZES:-S M}"
((${#sizes[@]})) || die "BENCH_SIZES is empty"
for size in "${sizes[@]}"; do
    [[ "$size" =~ ^(S|M|L)$ ]] || die "unknown size '$size' in BENCH_SIZES (S, M or L)"
done
repeat=${BENCH_REPEAT:-3}
keep_db=${KEEP_DB:-0}

find_odoo
ensure_postgres

# --- tune the server for bulk loading ------------------------------------
bench_settings=(shared_buffers=1GB work_mem=64MB maintenance_work_mem=512MB)
if ((PG_THROWAWAY)) && [[ -f "$PGHOST/data/postmaster.pid" ]]; then
    # ensure_postgres puts the data directory in the socket directory; the
    # server is restarted with the options it was started with
    for setting in "${bench_settings[@]}"; do
        psql -X -q -U postgres -d postgres -v ON_ERROR_STOP=1 \
            -c "ALTER SYSTEM SET ${setting%%=*} = '${setting#*=}'" >/dev/null
    done
    _as_pg_owner "$PG_BINDIR/pg_ctl" -D "$PGHOST/data" -m fast -w -t 60 -s restart >/dev/null ||
        die "could not restart the throwaway PostgreSQL with the bench settings"
    log "throwaway PostgreSQL tuned: ${bench_settings[*]} (fsync off)"
else
    # a server of yours: per-session settings only
    export PGOPTIONS="${PGOPTIONS:-} -c work_mem=64MB -c maintenance_work_mem=512MB"
    warn "using a PostgreSQL server of yours: its shared_buffers ($(psql -X -q -t -A -d postgres -c 'SHOW shared_buffers')) and fsync are not tuned; TMP_PG=1 runs a tuned throwaway cluster"
fi
pg_settings="$(psql -X -q -t -A -d postgres -c "SELECT string_agg(name || '=' || current_setting(name), ' ' ORDER BY name) FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem', 'maintenance_work_mem', 'fsync', 'jit', 'max_parallel_workers_per_gather')")"
pg_version="$(psql -X -q -t -A -d postgres -c 'SHOW server_version')"

# --- Odoo ------------------------------------------------------------------
export PYTHONPATH
if [[ "${ODOO_CMD[1]:-}" == */odoo-bin ]]; then
    PYTHONPATH="$(dirname "${ODOO_CMD[1]}")${PYTHONPATH:+:$PYTHONPATH}"
fi
logdir="$REPO_ROOT/.logs"
rawdir="$REPO_ROOT/bench/results/raw"
mkdir -p "$logdir" "$rawdir"
if [[ "$keep_db" == 1 ]]; then
    ((PG_THROWAWAY)) && warn "KEEP_DB=1 has no effect on a throwaway cluster"
    data_dir="$REPO_ROOT/.odoo-data"
    mkdir -p "$data_dir"
else
    data_dir="$(mktemp -d "${TMPDIR:-/tmp}/lcrm-bench-data.XXXXXX")"
    on_exit rm -rf "$data_dir"
fi
odoo_args=(
    "${ODOO_DB_ARGS[@]}"
    --addons-path "$ODOO_ADDONS,$REPO_ROOT/addons"
    --data-dir "$data_dir"
    --http-interface 127.0.0.1
)
run_id="$(date -u +%Y%m%d-%H%M%S)"
# the addon is measured as it is in the work tree: say which commit that is
addon_rev="$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git -C "$REPO_ROOT" status --porcelain -- "addons/$ADDON" 2>/dev/null)" ]]; then
    addon_rev="$addon_rev with local changes"
fi
base_db="lcrm_bench_base_$$"
((PG_THROWAWAY)) || [[ "$keep_db" == 1 ]] || on_exit drop_db "$base_db"

# the addon with the bridges whose regrade hooks the bench measures (tier
# benefits with loyalty programmes, cross-sell suggestions in CRM)
install="$ADDON${BENCH_BRIDGES-,logistics_crm_crm,logistics_crm_loyalty}"
log "installing $install (no demo data) in $base_db (log: .logs/bench-install.log)"
t0=$SECONDS
run_logged "$logdir/bench-install.log" "${ODOO_CMD[@]}" "${odoo_args[@]}" -d "$base_db" \
    -i "$install" --stop-after-init --workers 0 --max-cron-threads 0 \
    --http-port "$(free_port)" --log-level=warn >/dev/null ||
    die "the install of $install failed (see .logs/bench-install.log)"
install_s=$((SECONDS - t0))

results=()
for size in "${sizes[@]}"; do
    db="lcrm_bench_${size,,}_$$"
    ((PG_THROWAWAY)) || [[ "$keep_db" == 1 ]] || on_exit drop_db "$db"
    psql -X -q -d postgres -v ON_ERROR_STOP=1 \
        -c "CREATE DATABASE \"$db\" TEMPLATE \"$base_db\"" >/dev/null
    if [[ -d "$data_dir/filestore/$base_db" ]]; then
        cp -a "$data_dir/filestore/$base_db" "$data_dir/filestore/$db"
    fi
    gen_json="$rawdir/$run_id-$size.generate.json"
    out_json="$rawdir/$run_id-$size.measure.json"
    log "size $size: generating the data in $db (log: .logs/bench-$size.log)"
    run_logged "$logdir/bench-$size.log" "$ODOO_PY" bench/generate.py --db "$db" \
        --size "$size" --out "$gen_json" ${BENCH_TODAY:+--today "$BENCH_TODAY"} \
        -- "${odoo_args[@]}" || die "generating size $size failed (see .logs/bench-$size.log)"
    log "size $size: measuring"
    "$ODOO_PY" bench/measure.py --db "$db" --size "$size" --out "$out_json" \
        --repeat "$repeat" -- "${odoo_args[@]}" 2>&1 |
        { grep --line-buffered -v 'odoo.tools.config\|Running as user' || true; } |
        tee -a "$logdir/bench-$size.log" ||
        die "measuring size $size failed (see .logs/bench-$size.log)"
    [[ -s "$out_json" ]] || die "measuring size $size wrote no result"
    results+=("$gen_json" "$out_json")
    if ! ((PG_THROWAWAY)) && [[ "$keep_db" != 1 ]]; then
        drop_db "$db"
    fi
done

suffix=""
[[ "${sizes[*]}" == "S M" ]] || suffix="-$(tr ' ' '-' <<<"${sizes[*]}")"
summary="bench/results/bench-$(date -u +%F)$suffix.md"
"$ODOO_PY" bench/report.py --out "$summary" \
    --meta "install_s=$install_s" --meta "total_s=$((SECONDS - t_start))" \
    --meta "postgresql=$pg_version $pg_settings" \
    --meta "odoo=$ODOO_VERSION" --meta "addon=$addon_rev" --meta "cpus=$(nproc)" \
    --meta "memory=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)" \
    "${results[@]}"
log "summary: $summary (raw results in bench/results/raw/, not committed); took $((SECONDS - t_start)) s"
