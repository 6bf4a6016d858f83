#!/usr/bin/env bash
# make test-wheel: build the wheels (scripts/wheel.sh), check that each wheel
# holds every file of its addon, install them with pip into a fresh
# virtualenv on Odoo's python, then install logistics_crm on a fresh database
# with Odoo's addons path set to Odoo's own addons plus that virtualenv's
# odoo/addons (never the repository's addons/) and run one test class.
#
# Environment (all optional):
#   WHEEL_TEST_TAGS   Odoo --test-tags (default /logistics_crm:TestGradingConfiguration)
#   plus ODOO_HOME, ODOO_PYTHON, PG*, TMP_PG=1 (see scripts/lib.sh)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start_run
find_odoo
[[ -f "${ODOO_HOME:-/opt/odoo19}/odoo-bin" ]] ||
    die "make test-wheel needs an Odoo source tree (ODOO_HOME with odoo-bin)"
odoo_home="$(cd "${ODOO_HOME:-/opt/odoo19}" && pwd)"

work="$(mktemp -d "${TMPDIR:-/tmp}/lcrm-wheeltest.XXXXXX")"
on_exit rm -rf "$work"
problems=()

# --- 1. build -----------------------------------------------------------------
DIST_DIR="$work/dist" bash "$REPO_ROOT/scripts/wheel.sh" || die "make wheel failed"
shopt -s nullglob
wheels=("$work"/dist/odoo_addon_"$ADDON"-19.0.*-py3-none-any.whl)
shopt -u nullglob
((${#wheels[@]} == 1)) || die "expected one odoo_addon_$ADDON-19.0.*.whl, found ${#wheels[@]}"
wheel=${wheels[0]}
log "wheel: $(basename "$wheel") ($(du -k "$wheel" | cut -f1) kB)"

# --- 2. each wheel holds every file of its addon -------------------------
check_wheel_files() {
    local whl=$1 name=$2 missing
    stage_addon "$REPO_ROOT/addons/$name" "$work/src/$name"
    missing="$("$ODOO_PY" - "$whl" "$work/src/$name" "$name" <<'PY'
import ast, os, sys, zipfile
wheel, src, addon = sys.argv[1:]
prefix = f"odoo/addons/{addon}/"
names = {n[len(prefix):] for n in zipfile.ZipFile(wheel).namelist() if n.startswith(prefix)}
want = set()
for root, _dirs, files in os.walk(src):
    for f in files:
        want.add(os.path.relpath(os.path.join(root, f), src))
want.discard("pyproject.toml")
# every file the manifest loads, by name
manifest = ast.literal_eval(open(os.path.join(src, "__manifest__.py")).read())
for key in ("data", "demo"):
    want.update(manifest.get(key, []))
for bundle in manifest.get("assets", {}).values():
    want.update(
        p.split(f"{addon}/", 1)[1]
        for p in bundle
        if isinstance(p, str) and p.startswith(f"{addon}/") and "*" not in p
    )
for path in sorted(want - names):
    print(path)
# the kinds of data files an install or an upgrade needs
for kind in ("data/", "security/", "views/", "i18n/", "static/", "migrations/", "demo/", "report/"):
    if os.path.isdir(os.path.join(src, kind)) and not any(n.startswith(kind) for n in names):
        print(f"{kind} (no file of it)")
PY
)"
    if [[ -n "$missing" ]]; then
        problems+=("files of addons/$name missing from $(basename "$whl"): $(tr '\n' ' ' <<<"$missing")")
    else
        log "$(basename "$whl") holds all $(find "$work/src/$name" -type f ! -name pyproject.toml | wc -l) files of addons/$name"
    fi
}
for whl in "$work"/dist/*.whl; do
    name="$(basename "$whl")"
    name="${name#odoo_addon_}"
    name="${name%%-*}"
    check_wheel_files "$whl" "$name"
done

# --- 3. install it into a fresh virtualenv on Odoo's python ------------------
venv="$work/venv"
"$ODOO_PY" -m venv --system-site-packages "$venv" || die "could not create a virtualenv with $ODOO_PY"
# --system-site-packages reaches the base interpreter's packages only: when
# ODOO_PYTHON is itself a virtualenv, a .pth file adds its site-packages, where
# Odoo's requirements are
venv_site="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
"$ODOO_PY" -c 'import site, sys; print("\n".join(p for p in site.getsitepackages() if p not in sys.argv[1:]))' \
    "$venv_site" >"$venv_site/odoo-python-site.pth"
# every wheel built (the addon's and its bridges'), as an integrator would
"$venv/bin/python" -m pip install --disable-pip-version-check -q --no-deps --no-index "$work"/dist/*.whl ||
    die "pip install of the wheels failed"
venv_addons="$venv_site/odoo/addons"
[[ -f "$venv_addons/$ADDON/__manifest__.py" ]] || die "the wheel did not install $venv_addons/$ADDON"
log "installed into $venv_addons/$ADDON"

addons_path="$ODOO_ADDONS,$venv_addons"
# Odoo is imported from ODOO_HOME, the addon from the virtualenv only
probe="$(cd "$odoo_home" && "$venv/bin/python" - "$addons_path" "$ADDON" <<'PY' 2>"$work/probe.err"
import importlib, sys
from odoo.tools import config
config.parse_config(["--addons-path", sys.argv[1]])
from odoo.modules.module import get_module_path, initialize_sys_path
initialize_sys_path()
module = importlib.import_module(f"odoo.addons.{sys.argv[2]}")
import odoo.release
# odoo is a namespace package: its code is where odoo.release is
print("odoo", odoo.release.__file__)
print("path", get_module_path(sys.argv[2]))
print("file", module.__file__)
PY
)" || die "cannot import $ADDON from the virtualenv: $(tail -n 3 "$work/probe.err")"
odoo_file=$(sed -n 's/^odoo //p' <<<"$probe")
module_path=$(sed -n 's/^path //p' <<<"$probe")
module_file=$(sed -n 's/^file //p' <<<"$probe")
[[ "$odoo_file" == "$odoo_home"/* ]] || problems+=("odoo imported from $odoo_file, not from $odoo_home")
if [[ "$module_path" == "$venv_addons/$ADDON" && "$module_file" == "$venv_addons/$ADDON"/* ]]; then
    log "Odoo finds $ADDON in $module_path"
else
    problems+=("$ADDON resolves to $module_path ($module_file), not to $venv_addons/$ADDON")
fi

# --- 4. install and test it from there ---------------------------------------
ensure_postgres
db=lcrm_wheel_$$
((PG_THROWAWAY)) || on_exit drop_db "$db"
logdir="$REPO_ROOT/.logs"
mkdir -p "$logdir"
odoo_log="$logdir/${LOG_NAME:-wheel}-test.log"
tags=${WHEEL_TEST_TAGS:-/$ADDON:TestGradingConfiguration}
log "Odoo: -i $ADDON --test-tags $tags, addons path $addons_path (log: ${odoo_log#"$REPO_ROOT"/})"
odoo_rc=0
(cd "$work" && run_logged "$odoo_log" "$venv/bin/python" "$odoo_home/odoo-bin" \
    "${ODOO_DB_ARGS[@]}" -d "$db" --addons-path "$addons_path" \
    --data-dir "$work/data" --http-interface 127.0.0.1 --http-port "$(free_port)" \
    --workers 0 --max-cron-threads 0 \
    -i "$ADDON" --test-enable --test-tags "$tags" --stop-after-init) || odoo_rc=$?

((odoo_rc == 0)) || problems+=("Odoo exited with status $odoo_rc")
log_prefix='^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:,]+ [0-9]+'
paths_line="$(grep -m1 'addons paths:' "$odoo_log" || true)"
if [[ "$paths_line" != *"$venv_addons"* ]]; then
    problems+=("the Odoo log has no 'addons paths' line with $venv_addons")
fi
if grep -qF "$REPO_ROOT/addons" "$odoo_log"; then
    problems+=("the Odoo log names the repository's addons/ ($REPO_ROOT/addons): the module was not loaded from the wheel")
fi
n_error_lines=$(grep -cE "$log_prefix (ERROR|CRITICAL) " "$odoo_log" || true)
((n_error_lines == 0)) || problems+=("$n_error_lines ERROR/CRITICAL line(s) in the Odoo log")
read -r n_failed n_errors n_total < <(
    sed -nE 's/.* ([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests when loading database.*/\1 \2 \3/p' "$odoo_log" |
        awk '{f += $1; e += $2; t += $3} END {print f + 0, e + 0, t + 0}'
)
((n_total > 0)) || problems+=("no test ran (--test-tags $tags)")
((n_failed + n_errors == 0)) || problems+=("$n_failed failed, $n_errors error(s) of $n_total tests")
state=$(psql -X -q -t -A -d "$db" -c "SELECT state FROM ir_module_module WHERE name = '$ADDON'" 2>/dev/null || true)
[[ "$state" == installed ]] || problems+=("$ADDON is '$state' in $db, not installed")

took=$((SECONDS - t_start))
if ((${#problems[@]})); then
    for p in "${problems[@]}"; do
        printf 'FAILED: %s\n' "$p" >&2
    done
    printf 'test-wheel: FAIL (%d s)\n' "$took"
    exit 1
fi
printf 'test-wheel: PASS: %s installed with pip, %s installed from %s, %d test(s) passed (%d s)\n' \
    "$(basename "$wheel")" "$ADDON" "$venv_addons/$ADDON" "$n_total" "$took"
