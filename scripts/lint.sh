#!/usr/bin/env bash
# make lint: ruff (check + format), pylint-odoo and OCA's module checks on
# every addon under addons/. Exits non-zero on the first tool that reports
# anything.
#   FIX=1 make lint   let the tools rewrite what they can fix, then check
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cd "$REPO_ROOT"
[[ -f "$ADDON_DIR/__manifest__.py" ]] ||
    die "addon not found: $ADDON_DIR/__manifest__.py is missing"

# every addon of the repository: logistics_crm and its bridges
mapfile -t addon_dirs < <(
    find addons -mindepth 2 -maxdepth 2 -name __manifest__.py -printf '%h\n' | sort
)

tools_venv
bin="$TOOLS_VENV/bin"
fix=${FIX:-0}

# Python files: the addon plus the repository's own tests, if any.
py_targets=(addons)
[[ ! -d tests ]] || py_targets+=(tests)

if [[ "$fix" == 1 ]]; then
    log "ruff check --fix, ruff format"
    "$bin/ruff" check --fix-only --exit-zero "${py_targets[@]}"
    "$bin/ruff" format "${py_targets[@]}"
fi
log "ruff check"
"$bin/ruff" check --no-fix "${py_targets[@]}"
log "ruff format --check"
"$bin/ruff" format --check --diff "${py_targets[@]}"

log "pylint-odoo"
# PYTHONPATH lets pylint resolve `odoo` imports when a source tree is around.
odoo_home=${ODOO_HOME:-/opt/odoo19}
PYTHONPATH="${odoo_home}${PYTHONPATH:+:$PYTHONPATH}" \
    "$bin/pylint" --rcfile="$REPO_ROOT/.pylintrc" \
    --load-plugins=pylint_odoo --valid-odoo-versions=19.0 -d all -e odoolint \
    --score=n "${addon_dirs[@]}"

log "oca-checks-odoo-module"
oca_fix=()
[[ "$fix" != 1 ]] || oca_fix=(--fix)
"$bin/oca-checks-odoo-module" "${oca_fix[@]}" "${addon_dirs[@]}"

mapfile -t po_files < <(find "${addon_dirs[@]}" -path '*/i18n/*' \( -name '*.po' -o -name '*.pot' \) | sort)
if ((${#po_files[@]})); then
    log "oca-checks-po"
    # Same as OCA's pre-commit: the exported layout of .po files is Odoo's, not
    # the hook's pretty format.
    "$bin/oca-checks-po" --disable=po-pretty-format "${po_files[@]}"
fi

log "lint: OK"
