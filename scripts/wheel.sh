#!/usr/bin/env bash
# make wheel: build a wheel (odoo_addon_<name>-<version>-py3-none-any.whl)
# into dist/ for every addon directory under addons/ that has a
# pyproject.toml (whool build backend), like OCA's odoo-addon-* packages.
#
# whool packages the files git tracks. Each addon is first copied to a
# staging directory with the files git tracks plus the new files it does not
# ignore (never __pycache__ or logs), so the wheel holds the working tree as
# `make test` sees it; outside a git checkout every file but Python caches is
# copied. Out of git, whool takes the version from the manifest as it is.
#
# Environment (all optional):
#   DIST_DIR      where the wheels go             (default dist/)
#   BUILD_PYTHON  python that creates .venv-build (default python3)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start_run
dist_dir=${DIST_DIR:-$REPO_ROOT/dist}
mkdir -p "$dist_dir"
build_venv

stage="$(mktemp -d "${TMPDIR:-/tmp}/lcrm-wheel.XXXXXX")"
on_exit rm -rf "$stage"

built=0
shopt -s nullglob
for manifest in "$REPO_ROOT"/addons/*/__manifest__.py; do
    addon_dir="$(dirname "$manifest")"
    name="$(basename "$addon_dir")"
    if [[ ! -f "$addon_dir/pyproject.toml" ]]; then
        warn "addons/$name has no pyproject.toml: no wheel for it"
        continue
    fi
    stage_addon "$addon_dir" "$stage/$name"
    rm -f "$dist_dir"/odoo_addon_"$name"-*.whl
    log "building the wheel of $name"
    "$BUILD_VENV/bin/python" -m pip wheel --disable-pip-version-check -q \
        --no-deps --no-build-isolation --wheel-dir "$dist_dir" "$stage/$name" ||
        die "could not build the wheel of $name"
    wheel=("$dist_dir"/odoo_addon_"$name"-*.whl)
    ((${#wheel[@]} == 1)) || die "no wheel for $name in $dist_dir"
    log "built ${wheel[0]#"$REPO_ROOT"/}"
    built=$((built + 1))
done
((built)) || die "no addon under addons/ has a pyproject.toml"
log "$built wheel(s) in ${dist_dir#"$REPO_ROOT"/}; took $((SECONDS - t_start)) s"
