#!/usr/bin/env bash
# make test-odoo: run Odoo's own test suites of the apps logistics_crm extends
# (sale, stock, sale_stock, sale_margin, portal) on a fresh database WITH
# logistics_crm installed, and compare their failures with the upstream
# failures measured WITHOUT it (scripts/upstream_known_failures.txt).
#
#   make test-odoo              with the addon; fails on any failure that is
#                               not in the known list (exit 1)
#   make test-odoo BASELINE=1   the same suites without the addon; rewrites
#                               scripts/upstream_known_failures.txt
#
# How the suites run: `-i <modules> --test-enable --test-tags /sale,/stock,...`
# on one fresh database, as Odoo's own CI does. An at_install test of `sale`
# runs right after `sale` is installed, before any module depending on it
# (logistics_crm included) is loaded, so only the post_install tests (run at
# the end, with every module of the database in the registry) can see the
# addon; the at_install ones run too, as the baseline's control group.
#
# When new failures show up, they are re-run alone (CONFIRM=1, the default)
# with and without the addon on two small fresh databases, to tell a failure
# the addon causes from an upstream flaky one.
#
# Environment (all optional):
#   BASELINE=1       run without logistics_crm and rewrite the known list
#   UPSTREAM_SUITES  modules whose tests run  (default "sale stock sale_stock sale_margin portal")
#   CONFIRM=0        do not re-run new failures to confirm them
#   KNOWN_FILE       the known-failures list   (default scripts/upstream_known_failures.txt)
#   ODOO_ARGS        extra options for Odoo
#   plus ODOO_HOME, ODOO_PYTHON, PG*, TMP_PG=1 (see scripts/lib.sh)
# Logs: .logs/test-odoo-{addon,baseline}.log, .logs/test-odoo-report.txt
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start_run

baseline=${BASELINE:-0}
confirm=${CONFIRM:-1}
known_file=${KNOWN_FILE:-$REPO_ROOT/scripts/upstream_known_failures.txt}
read -r -a suites <<<"${UPSTREAM_SUITES:-sale stock sale_stock sale_margin portal}"
((${#suites[@]})) || die "UPSTREAM_SUITES is empty"
read -r -a extra_args <<<"${ODOO_ARGS:-}"
logdir="$REPO_ROOT/.logs"
mkdir -p "$logdir"

if [[ "$baseline" != 1 && ! -f "$known_file" ]]; then
    die "$known_file is missing: measure it first with 'make test-odoo BASELINE=1'"
fi

find_odoo
ensure_postgres

# The addon's own dependencies are installed in both runs, so that the two
# databases differ by logistics_crm alone.
depends=$(addon_depends)
base_modules=$(uniq_csv "${suites[@]}" "$depends")
test_tags=$(printf '/%s,' "${suites[@]}")
test_tags=${test_tags%,}

# --- log parser --------------------------------------------------------------
# A failure is keyed without time, pid or database, so that two runs compare:
#   FAIL|ERROR <test module>: <Class.method>      a failed test (Odoo's
#                                                 "FAIL: ..."/"ERROR: ..." record)
#   LOG <LEVEL> <logger>: <first line>            any other ERROR/CRITICAL
#                                                 record (digits become N)
read -r -d '' PARSER <<'PY' || true
import argparse
import re
import sys
import time

RECORD = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) "
    r"(?P<logger>[\w.]+): (?P<msg>.*)$"
)
SUMMARY = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
TEST_LOGGER = re.compile(r"^odoo\.addons\.(\w+)\.tests\b")
IGNORED = ("when loading database", "Test suite halted")


def records(path):
    """Yield (level, logger, message, full text) for each log record."""
    cur = None
    with open(path, errors="replace") as f:
        for line in f:
            m = RECORD.match(line)
            if m:
                if cur:
                    yield cur
                cur = [m["level"], m["logger"], m["msg"].rstrip(), [line]]
            elif cur:
                cur[3].append(line)
    if cur:
        yield cur


def parse(path):
    res = {"fail": {}, "summaries": [], "stats": {}, "skipped": 0,
           "post": None, "addon_warnings": []}
    for level, logger, msg, lines in records(path):
        text = "".join(lines)
        if level in ("ERROR", "CRITICAL"):
            s = SUMMARY.search(msg)
            if s:
                res["summaries"].append(tuple(map(int, s.groups())))
                continue
            if any(i in msg for i in IGNORED):
                continue
            m = re.match(r"^(FAIL|ERROR): (.+)$", msg)
            if m and TEST_LOGGER.match(logger):
                key = f"{m[1]} {logger}: {m[2].strip()}"
            else:
                key = f"LOG {level} {logger}: {re.sub(r'[0-9]+', 'N', msg)[:200]}"
            res["fail"].setdefault(key, text)
        elif level == "INFO":
            s = SUMMARY.search(msg)
            if s:
                res["summaries"].append(tuple(map(int, s.groups())))
            elif msg.startswith("Starting ") and (t := TEST_LOGGER.match(logger)):
                res["stats"][t[1]] = res["stats"].get(t[1], 0) + 1
            elif ": skipped " in f" {msg}" or msg.startswith("skipped "):
                res["skipped"] += 1
            elif "post-tests in" in msg:
                res["post"] = msg
        elif level == "WARNING" and logger.startswith("odoo.addons.logistics_crm"):
            res["addon_warnings"].append(text.rstrip())
    return res


def totals(res):
    return [sum(s[i] for s in res["summaries"]) for i in range(3)]


def read_known(path):
    keys, stats = set(), {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#@ tests "):
                _, _, mod, n = line.split()
                stats[mod] = int(n)
            elif line.strip() and not line.startswith("#"):
                keys.add(line)
    return keys, stats


def describe(res, args):
    failed, errors, total = totals(res)
    per_mod = ", ".join(f"{m} {n}" for m, n in sorted(res["stats"].items()))
    return (f"{total} tests ({per_mod}), {failed} failed, {errors} error(s), "
            f"{res['skipped']} skipped, {len(res['fail'])} distinct failure key(s); "
            f"odoo exit status {args.rc}, {args.seconds} s")


def usable(res):
    if not res["summaries"]:
        print("FAILED: no test summary in the log ('... tests when loading database'): "
              "the install or the run broke", file=sys.stderr)
        return False
    return True


def cmd_write_known(args):
    res = parse(args.log)
    if not usable(res):
        return 2
    failed, errors, total = totals(res)
    with open(args.known, "w") as f:
        f.write(
            "# Failures of Odoo's own test suites WITHOUT logistics_crm (the upstream baseline).\n"
            "# `make test-odoo` fails on any failure of the run with the addon that is not here.\n"
            "# Re-measure with `make test-odoo BASELINE=1` (scripts/test_odoo.sh), which\n"
            "# rewrites this file: one fresh database, no demo data, then\n"
            f"#   odoo-bin -i {args.modules} --test-enable --test-tags {args.tags} --stop-after-init\n"
            f"# Measured {time.strftime('%Y-%m-%d')} on Odoo {args.odoo}, PostgreSQL {args.pg}, "
            f"in {args.seconds} s (odoo exit status {args.rc}):\n"
            f"# {total} tests, {failed} failed, {errors} error(s), {res['skipped']} skipped"
            f" ({res['post'] or 'no post-tests line'}).\n"
            "# Keys: 'FAIL|ERROR <test module>: <Class.method>' for a failed test,\n"
            "# 'LOG <LEVEL> <logger>: <message, digits as N>' for another ERROR record.\n"
        )
        for mod, n in sorted(res["stats"].items()):
            f.write(f"#@ tests {mod} {n}\n")
        if not res["fail"]:
            f.write("# No upstream failure: every selected test passed without the addon.\n")
        for key in sorted(res["fail"]):
            f.write(key + "\n")
    print(f"baseline: {describe(res, args)}")
    for key in sorted(res["fail"]):
        print(f"  upstream: {key}")
    return 0


def cmd_compare(args):
    res = parse(args.log)
    known, known_stats = read_known(args.known)
    # a narrowed run (UPSTREAM_SUITES) is compared with its suites' failures only
    suites = set(args.suites.split())
    known = {
        k for k in known
        if not (m := re.match(r"^(?:FAIL|ERROR) odoo\.addons\.(\w+)\.", k))
        or m[1] in suites
    }
    ok = usable(res)
    new = sorted(set(res["fail"]) - known)
    gone = sorted(known - set(res["fail"]))
    out = [f"with logistics_crm: {describe(res, args)}",
           f"known upstream failures: {len(known)}, seen again: {len(known) - len(gone)}, "
           f"not seen (passed this time): {len(gone)}; NEW failures: {len(new)}"]
    for mod in args.suites.split():
        a, b = known_stats.get(mod), res["stats"].get(mod)
        if a != b:
            out.append(f"WARNING: module {mod}: {b} tests ran, {a} in the baseline")
    out += [f"  passed this time (known upstream): {k}" for k in gone]
    if res["addon_warnings"]:
        out.append(f"WARNING: {len(res['addon_warnings'])} WARNING record(s) of logistics_crm:")
        out += ["  " + w.splitlines()[0][:300] for w in res["addon_warnings"][:20]]
    for k in new:
        out.append(f"NEW: {k}")
    with open(args.report, "w") as f:
        f.write("\n".join(out) + "\n")
        for k in new:
            f.write(f"\n===== NEW: {k}\n{res['fail'][k]}")
    with open(args.new_out, "w") as f:
        f.writelines(k + "\n" for k in new)
    print("\n".join(out), file=sys.stderr)
    for k in new[:10]:
        print(f"\n===== NEW: {k}\n{res['fail'][k][:3000]}", file=sys.stderr)
    if not ok:
        return 2
    if new:
        print(f"FAILED: {len(new)} failure(s) not in the upstream baseline", file=sys.stderr)
        return 1
    print(f"test-odoo: OK, no failure beyond the {len(known)} known upstream one(s)",
          file=sys.stderr)
    return 0


def test_spec(key):
    """--test-tags spec re-running the test of a FAIL/ERROR key, or None."""
    m = re.match(r"^(?:FAIL|ERROR) odoo\.addons\.(\w+)\.tests\S*: (.+)$", key)
    if not m:
        return None
    module, desc = m.groups()
    c = re.match(r"^(?:setUpClass|tearDownClass) \([\w.]+\.(\w+)\)$", desc)
    if c:
        return f"/{module}:{c[1]}"
    t = re.match(r"^(?:Subtest )?(\w+)\.(\w+)", desc)
    return f"/{module}:{t[1]}.{t[2]}" if t else f"/{module}"


def cmd_tags(args):
    with open(args.keys) as f:
        specs = {test_spec(k.strip()) for k in f if k.strip()}
    specs.discard(None)
    print(",".join(sorted(specs)))


def cmd_confirm(args):
    with open(args.keys) as f:
        keys = [k.strip() for k in f if k.strip()]
    with_addon, without = parse(args.log_addon)["fail"], parse(args.log_baseline)["fail"]
    print("re-run of the new failures alone:")
    for k in keys:
        if test_spec(k) is None:
            verdict = "not re-runnable (a log record, not a test)"
        elif k in with_addon and k not in without:
            verdict = "CAUSED BY logistics_crm (fails with it, passes without)"
        elif k in with_addon:
            verdict = "fails without logistics_crm too (upstream or environment)"
        elif k in without:
            verdict = "passes with logistics_crm alone, fails without it (flaky)"
        else:
            verdict = "passes alone with and without logistics_crm (flaky or order-dependent)"
        print(f"  {k}: {verdict}")


ap = argparse.ArgumentParser()
sub = ap.add_subparsers(dest="cmd", required=True)
p = sub.add_parser("write-known")
p.add_argument("log")
p.add_argument("known")
for opt in ("--rc", "--seconds", "--modules", "--tags", "--odoo", "--pg"):
    p.add_argument(opt, default="?")
p = sub.add_parser("compare")
p.add_argument("log")
p.add_argument("known")
for opt in ("--rc", "--seconds", "--new-out", "--report", "--suites"):
    p.add_argument(opt, default="?")
p = sub.add_parser("tags")
p.add_argument("keys")
p = sub.add_parser("confirm")
p.add_argument("keys")
p.add_argument("log_addon")
p.add_argument("log_baseline")
args = ap.parse_args()
sys.exit({"write-known": cmd_write_known, "compare": cmd_compare,
          "tags": cmd_tags, "confirm": cmd_confirm}[args.cmd](args) or 0)
PY
parse() { "$ODOO_PY" -c "$PARSER" "$@"; }

data_dir="$(mktemp -d "${TMPDIR:-/tmp}/lcrm-data.XXXXXX")"
on_exit rm -rf "$data_dir"

# run_suites LABEL MODULES TAGS LOG: install MODULES on a fresh database with
# the tests selected by TAGS; returns Odoo's exit status.
run_suites() {
    local label=$1 modules=$2 tags=$3 logf=$4 db rc=0
    db="lcrm_upstream_${label}_$$"
    ((PG_THROWAWAY)) || on_exit drop_db "$db"
    log "$label: -i $modules --test-tags $tags on database $db (log: ${logf#"$REPO_ROOT"/})"
    : >"$logf"
    "${ODOO_CMD[@]}" "${ODOO_DB_ARGS[@]}" -d "$db" \
        --addons-path "$ODOO_ADDONS,$REPO_ROOT/addons" --data-dir "$data_dir" \
        --http-interface 127.0.0.1 --http-port "$(free_port)" \
        --workers 0 --max-cron-threads 0 \
        -i "$modules" --test-enable --test-tags "$tags" --stop-after-init \
        "${extra_args[@]}" >"$logf" 2>&1 &
    local pid=$!
    on_exit stop_pid "$pid"
    # progress: one line per module loaded and per failure, not the whole log
    tail -n +1 -f --pid="$pid" "$logf" |
        grep --line-buffered -E ' (Loading module|Starting post tests|[0-9]+ post-tests in)| ERROR .*: (FAIL|ERROR): |tests when loading database' |
        cut -c1-200 >&2 &
    local progress_pid=$!
    wait "$pid" || rc=$?
    wait "$progress_pid" || true
    drop_db "$db"
    return "$rc"
}

if [[ "$baseline" == 1 ]]; then
    logf="$logdir/test-odoo-baseline.log"
    t0=$SECONDS
    rc=0
    run_suites baseline "$base_modules" "$test_tags" "$logf" || rc=$?
    secs=$((SECONDS - t0))
    parse write-known "$logf" "$known_file" \
        --rc "$rc" --seconds "$secs" --modules "$base_modules" --tags "$test_tags" \
        --odoo "$ODOO_VERSION" --pg "$(psql -X -q -t -A -d postgres -c 'SHOW server_version' 2>/dev/null || echo '?')" ||
        die "baseline run unusable (see above); ${known_file#"$REPO_ROOT"/} left as it was"
    log "baseline: took ${secs} s; ${known_file#"$REPO_ROOT"/} rewritten (review and commit it)"
    exit 0
fi

logf="$logdir/test-odoo-addon.log"
report="$logdir/test-odoo-report.txt"
t0=$SECONDS
rc=0
run_suites addon "$ADDON,$base_modules" "$test_tags" "$logf" || rc=$?
secs=$((SECONDS - t0))
new_keys="$logdir/test-odoo-new.txt"
cmp_rc=0
parse compare "$logf" "$known_file" --rc "$rc" --seconds "$secs" --suites "${suites[*]}" \
    --new-out "$new_keys" --report "$report" || cmp_rc=$?
# 0: no new failure, 1: new failures (listed in $new_keys), 2: unusable run
if ((cmp_rc == 1)) && [[ "$confirm" == 1 ]]; then
    tags=$(parse tags "$new_keys") || tags=""
    if [[ -n "$tags" ]]; then
        log "confirming the new failures: re-running them alone with and without $ADDON"
        for label in addon baseline; do
            mods=$base_modules
            [[ "$label" == baseline ]] || mods="$ADDON,$base_modules"
            # their failures are read from the log below
            run_suites "confirm_$label" "$mods" "$tags" "$logdir/test-odoo-confirm-$label.log" || true
        done
        parse confirm "$new_keys" \
            "$logdir/test-odoo-confirm-addon.log" "$logdir/test-odoo-confirm-baseline.log" |
            tee -a "$report" >&2
    fi
fi
log "report: ${report#"$REPO_ROOT"/}; Odoo log: ${logf#"$REPO_ROOT"/}; took $((SECONDS - t_start)) s"
exit "$((cmp_rc == 0 ? 0 : 1))"
