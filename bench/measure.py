"""Measure logistics_crm against bare SQL on a database made by generate.py.

    python bench/measure.py --db DB --size M --out result.json -- ODOO OPTIONS

Each measure runs next to its baseline in the same process, so the result is
a ratio. Timings are the best of ``--repeat`` runs (the machine is shared).
Every measure runs in a transaction that is rolled back: the database is left
as generate.py made it, and the run can be repeated.

1. regrade: the grading engine over the whole company, against the bare
   aggregate that reads the same sales once; then a second regrade of the
   unchanged data, with the rows it wrote in res_partner,
   logistics_customer_grade and logistics_grade_history (PostgreSQL's
   per-transaction counters); in a process of its own, for a clean peak RSS
   (7);
2. scorecard: ``_read_group`` on logistics.customer.scorecard (which reads the
   monthly facts) over 12 months, by tier x month and by customer, against
   bare SQL on the raw source tables;
3. SLA cron: ``_cron_check_deadlines`` over all open statuses, up to
   ``cr.flush()`` (the facts refresh of its commit), against the bare SQL
   pass that finds them;
4. order confirmation: ``action_confirm`` of ORM-made quotations with the
   scorecard facts maintenance and with it bypassed (freshness cost);
5. delivery validation: ``button_validate`` with the addon's hooks (SLA,
   priority, scorecard facts), with the facts maintenance bypassed and with
   every hook bypassed, on the same pickings made through the ORM;
6. partner form: ``web_read`` with the form view's specification, for a
   customer with few orders and one with many (query counts must be equal).

Measures 3, 4 and 5 end their timed part with ``cr.flush()``, what a commit
runs first: the ORM flush and the precommit callbacks, where the facts of the
changed documents are refreshed.

Measurement only: nothing here asserts.
"""

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager, nullcontext
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import psycopg2.errors  # noqa: E402
from odoo_env import environment, load_registry, split_args  # noqa: E402

ADMIN_UID = 2  # base.user_admin on a fresh database


def log(msg, *args):
    print(f"[measure {time.strftime('%H:%M:%S')}] " + (msg % args), flush=True)


def rss_mb():
    # ru_maxrss is in KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


class Recorder:
    """Wrap ``cr.execute`` during a measured call: the slowest statements,
    and the time and count of the statements by shape (their first words),
    to tell where the time goes."""

    def __init__(self, cr, keep=3):
        self.cr = cr
        self.keep = keep
        self.slowest = []
        self.shapes = {}
        self.sql_seconds = 0.0
        self.jit_off = False

    @contextmanager
    def record(self):
        cr = self.cr
        original = cr.execute

        def execute(query, params=None, log_exceptions=True):
            t0 = time.perf_counter()
            try:
                return original(query, params, log_exceptions)
            finally:
                dt = time.perf_counter() - t0
                self.sql_seconds += dt
                shape = " ".join(_text(query).split())[:70]
                if shape.lower().replace(" ", "") == "setlocaljit=off":
                    self.jit_off = True
                count, total = self.shapes.get(shape, (0, 0.0))
                self.shapes[shape] = (count + 1, total + dt)
                self.slowest.append((dt, query, params))
                self.slowest.sort(key=lambda x: -x[0])
                del self.slowest[self.keep :]

        cr.execute = execute
        try:
            yield self
        finally:
            del cr.execute

    def statements(self):
        out = []
        for dt, query, params in self.slowest:
            if hasattr(query, "params"):
                params = query.params
            out.append({"seconds": round(dt, 4), "sql": _text(query), "params": params})
        return out

    def summary(self, top=8):
        shapes = sorted(self.shapes.items(), key=lambda kv: -kv[1][1])[:top]
        return {
            "sql_seconds": round(self.sql_seconds, 3),
            "statements": sum(c for c, _t in self.shapes.values()),
            "by_shape": [
                {"shape": shape, "count": count, "seconds": round(total, 3)}
                for shape, (count, total) in shapes
            ],
        }


def _text(query):
    text = query.code if hasattr(query, "code") else query
    return text.decode() if isinstance(text, bytes) else text


def explain(cr, statement, jit_off=False):
    """EXPLAIN ANALYZE of a recorded SELECT or CREATE TABLE AS, in a savepoint
    rolled back (the others have side effects); ``jit_off`` when the measured
    code turned JIT off before running it."""
    sql = statement["sql"].lstrip()
    if not sql.upper().startswith(("SELECT", "WITH", "CREATE TEMP TABLE")):
        return None
    cr.execute("SAVEPOINT bench_explain")
    try:
        if jit_off:
            cr.execute("SET LOCAL jit = off")
        cr.execute(
            "EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) " + sql, statement["params"]
        )
        return "\n".join(row[0] for row in cr.fetchall())
    except psycopg2.errors.UndefinedTable:
        # a statement on the regrade's temporary table, dropped since
        return None
    finally:
        cr.execute("ROLLBACK TO SAVEPOINT bench_explain")


def jit_total(plan):
    """Seconds of JIT compilation reported by an EXPLAIN ANALYZE plan."""
    for line in (plan or "").splitlines():
        line = line.strip()
        if line.startswith("Timing:") and "Total" in line:
            return float(line.rsplit("Total", 1)[1].split()[0]) / 1000.0
    return 0.0


BUDGET = 12.0  # seconds: a slow measure is not repeated past this


def best(fn, repeat, budget=BUDGET):
    """(best wall time, last result) of up to ``repeat`` calls of ``fn``:
    at least one, and no new one once ``budget`` seconds are spent."""
    times = []
    result = None
    spent = 0.0
    while len(times) < max(repeat, 1) and (not times or spent < budget):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
        spent += times[-1]
    return min(times), result


def sql_time(cr, query, params, repeat):
    def run():
        cr.execute(query, params)
        return len(cr.fetchall())

    return best(run, repeat)


@contextmanager
def isolated(cr):
    """A savepoint rolled back: what a measured read sets with SET LOCAL (the
    addon turns JIT off for some statements) does not leak into the next."""
    cr.execute("SAVEPOINT bench_isolated")
    try:
        yield
    finally:
        cr.execute("ROLLBACK TO SAVEPOINT bench_isolated")
        cr.execute("RELEASE SAVEPOINT bench_isolated")


@contextmanager
def jit(cr, enabled):
    cr.execute("SET LOCAL jit = %s" % ("on" if enabled else "off"))
    try:
        yield
    finally:
        cr.execute("SET LOCAL jit TO DEFAULT")


# ----------------------------------------------------------------------
# 1 + 7. regrade (own process)
# ----------------------------------------------------------------------
BARE_REGRADE = """
SELECT p.commercial_partner_id, sum(o.amount_untaxed), sum(o.margin), count(*),
       max(o.date_order)
  FROM sale_order o
  JOIN res_partner p ON p.id = o.partner_id
 WHERE o.state = 'sale' AND o.company_id = %(cid)s
 GROUP BY 1
"""


# the tables a regrade writes: a second regrade of unchanged data must leave
# them alone
REGRADE_TABLES = (
    "res_partner",
    "logistics_customer_grade",
    "logistics_grade_history",
    "mail_message",
)


def tuples_written(cr, tables=REGRADE_TABLES):
    """Rows inserted, updated and deleted so far in this transaction, by table
    of ``tables`` (pg_stat_xact_user_tables)."""
    cr.execute("SELECT pg_stat_clear_snapshot()")
    cr.execute(
        """
SELECT relname, n_tup_ins + n_tup_upd + n_tup_del
  FROM pg_stat_xact_user_tables
 WHERE relname = ANY(%s)
""",
        [list(tables)],
    )
    counts = dict.fromkeys(tables, 0)
    counts.update(cr.fetchall())
    return counts


def keep_row_versions(cr):
    """Note the row version (ctid) of every row of REGRADE_TABLES, in a
    temporary table: any row updated, inserted or deleted afterwards shows in
    ``rows_changed``. A second count of the same, independent of the
    statistics counters."""
    from odoo.tools import SQL

    cr.execute("DROP TABLE IF EXISTS bench_row_versions")
    cr.execute(
        SQL(
            "CREATE TEMP TABLE bench_row_versions AS %s",
            SQL(" UNION ALL ").join(
                SQL(
                    "SELECT %s::varchar AS tbl, id, ctid AS version FROM %s",
                    table,
                    SQL.identifier(table),
                )
                for table in REGRADE_TABLES
            ),
        )
    )


def rows_changed(cr):
    """Rows of REGRADE_TABLES changed since ``keep_row_versions``."""
    from odoo.tools import SQL

    counts = {}
    for table in REGRADE_TABLES:
        cr.execute(
            SQL(
                """
SELECT count(*)
  FROM %(table)s t
  FULL JOIN (SELECT id, version FROM bench_row_versions WHERE tbl = %(name)s) v
    ON v.id = t.id
 WHERE t.ctid IS DISTINCT FROM v.version
""",
                table=SQL.identifier(table),
                name=table,
            )
        )
        counts[table] = cr.fetchone()[0]
    cr.execute("DROP TABLE bench_row_versions")
    return counts


def diff(after, before):
    return {table: after[table] - before[table] for table in after}


def measure_regrade(registry, repeat):
    rss_loaded = rss_mb()
    result = {}
    runs = []
    second_runs = []
    # the last run has JIT off: a diagnosis, not a measure
    for n in range(repeat + 1):
        jit_on = n < repeat
        with environment(registry) as env:
            cr = env.cr
            company = env.ref("base.main_company")
            if n == 0:
                # the bare aggregate warms the same pages the engine reads
                result["baseline"], groups = sql_time(
                    cr, BARE_REGRADE, {"cid": company.id}, 3
                )
                result["baseline_rows"] = groups
            cr.execute("SELECT count(*) FROM logistics_grade_history")
            history0 = cr.fetchone()[0]
            cr.execute("SELECT count(*) FROM mail_message")
            messages0 = cr.fetchone()[0]
            env.flush_all()
            written0 = tuples_written(cr)
            recorder = Recorder(cr)
            q0 = cr.sql_log_count
            t0 = time.perf_counter()
            with jit(cr, jit_on), recorder.record():
                policy = env["logistics.grading.policy"]._get_for_company(company)
                graded = policy._compute_grades()
                env.flush_all()
            dt = time.perf_counter() - t0
            written = diff(tuples_written(cr), written0)
            log("regrade run %s%s: %.2f s", n + 1, "" if jit_on else " (JIT off)", dt)
            if not jit_on:
                result["seconds_jit_off"] = dt
                continue
            runs.append(dt)
            queries = cr.sql_log_count - q0
            cr.execute("SELECT count(*) FROM logistics_grade_history")
            history = cr.fetchone()[0] - history0
            cr.execute("SELECT count(*) FROM mail_message")
            messages = cr.fetchone()[0] - messages0
            if n == 0:
                slowest = recorder.statements()
                profile = recorder.summary()
                result["plan"] = next(
                    filter(None, (explain(cr, s, recorder.jit_off) for s in slowest)),
                    None,
                )
                result["plan_jit_seconds"] = jit_total(result["plan"])
                result["rows_written"] = written
            # the same regrade again, right after, on the data the first one
            # left: it must find every grade unchanged and write nothing
            env.invalidate_all()
            if n == 0:
                keep_row_versions(cr)
            written0 = tuples_written(cr)
            second = Recorder(cr)
            q0 = cr.sql_log_count
            t0 = time.perf_counter()
            with jit(cr, jit_on), second.record():
                graded_again = policy._compute_grades()
                env.flush_all()
            second_runs.append(time.perf_counter() - t0)
            if n == 0:
                result["second"] = {
                    "queries": cr.sql_log_count - q0,
                    "customers": graded_again,
                    "rows_written": diff(tuples_written(cr), written0),
                    "rows_changed": rows_changed(cr),
                    "slowest": second.statements(),
                    "profile": second.summary(),
                }
            log(
                "second regrade run %s: %.2f s, rows written %s",
                n + 1,
                second_runs[-1],
                result["second"]["rows_written"],
            )
    result["second"].update(
        seconds=min(second_runs), runs=[round(r, 3) for r in second_runs]
    )
    result.update(
        seconds=min(runs),
        runs=[round(r, 3) for r in runs],
        queries=queries,
        customers=graded,
        history_rows=history,
        tier_notes=messages,
        rss_loaded_mb=round(rss_loaded, 1),
        rss_peak_mb=round(rss_mb(), 1),
        slowest=slowest,
        profile=profile,
    )
    return result


# ----------------------------------------------------------------------
# 1b. regrade with and without the retention rules
# ----------------------------------------------------------------------
# the bench's regrade (as of today, a month after the last grading), and a
# stress: as of 30 days later, two months after the last grading, when half
# the customers move
RETENTION_DAYS = (0, 30)


def measure_retention(registry, repeat, days_later):
    """The regrade as of ``days_later`` days after today (lifecycles and
    tiers move, so the retention rules open cases and launch their plans),
    with every retention rule archived, then active; each run rolled back."""
    times = {"without": [], "with": []}
    result = {"days_later": days_later}
    for __ in range(repeat):
        for mode in ("without", "with"):
            with environment(registry) as env:
                cr = env.cr
                company = env.ref("base.main_company")
                rules = (
                    env["logistics.retention.rule"]
                    .with_context(active_test=False)
                    .search([])
                )
                rules.write({"active": mode == "with"})
                policy = env["logistics.grading.policy"]._get_for_company(company)
                later = env.cr.now().date() + timedelta(days=days_later)
                env.flush_all()
                cr.execute("SELECT count(*) FROM mail_activity")
                activities0 = cr.fetchone()[0]
                q0 = cr.sql_log_count
                t0 = time.perf_counter()
                policy._compute_grades(today=later)
                env.flush_all()
                dt = time.perf_counter() - t0
                times[mode].append(dt)
                cr.execute("SELECT count(*) FROM logistics_retention_case")
                cases = cr.fetchone()[0]
                cr.execute("SELECT count(*) FROM mail_activity")
                activities = cr.fetchone()[0] - activities0
                result[mode] = {
                    "queries": cr.sql_log_count - q0,
                    "cases": cases,
                    "activities": activities,
                    "rules": len(rules) if mode == "with" else 0,
                }
                log(
                    "regrade %s days later %s retention rules: %.2f s, %s cases",
                    days_later,
                    mode,
                    dt,
                    cases,
                )
    for mode, runs in times.items():
        result[mode].update(seconds=min(runs), runs=[round(r, 3) for r in runs])
    result["overhead_pct"] = round(
        100.0 * (result["with"]["seconds"] / result["without"]["seconds"] - 1), 1
    )
    return result


# ----------------------------------------------------------------------
# 1c. regrade with the tier benefits and the cross-sell suggestions
# ----------------------------------------------------------------------
BENEFIT_HOOKS = {
    # the benefit changes of each batch, and what a whole regrade feeds once
    # (the cross-sell bridge's suggestions)
    "logistics.tier.benefit.change": ["_propose_from_results"],
    "logistics.grading.engine": ["_after_regrade"],
}


def _tier_benefits(env, company):
    """Give tiers A and B a pricelist and 30-day terms, tier A the loyalty
    bridge's programme when installed, and apply the changes at once."""
    tiers = env["logistics.customer.tier"]._for_company(company)
    terms = env.ref("account.account_payment_term_30days")
    for tier in tiers.sorted("min_score", reverse=True)[:2]:
        tier.pricelist_id = env["product.pricelist"].create(
            {"name": f"Bench {tier.code}", "company_id": company.id}
        )
        tier.payment_term_id = terms
    top = tiers.sorted("min_score", reverse=True)[:1]
    if "loyalty_program_id" in top._fields:
        top.loyalty_program_id = env["loyalty.program"].create(
            {
                "name": "Bench rewards",
                "program_type": "loyalty",
                "company_id": company.id,
            }
        )
    company.tier_benefits_auto_apply = True


def _count(cr, table, where="TRUE"):
    cr.execute(
        "SELECT to_regclass(%s) IS NOT NULL", [table]
    )
    if not cr.fetchone()[0]:
        return None
    cr.execute(f"SELECT count(*) FROM {table} WHERE {where}")  # noqa: S608
    return cr.fetchone()[0]


def measure_benefits(registry, repeat, days_later):
    """The regrade as of ``days_later`` days after today with the tier
    benefits (pricelists, terms, loyalty programme, applied at once) and the
    cross-sell suggestions bypassed, then active; each run rolled back."""
    times = {"without": [], "with": []}
    result = {"days_later": days_later}
    for __ in range(repeat):
        for mode in ("without", "with"):
            with environment(registry) as env:
                cr = env.cr
                company = env.ref("base.main_company")
                _tier_benefits(env, company)
                policy = env["logistics.grading.policy"]._get_for_company(company)
                later = env.cr.now().date() + timedelta(days=days_later)
                env.flush_all()
                q0 = cr.sql_log_count
                t0 = time.perf_counter()
                bypass = (
                    hooks_bypassed(env, BENEFIT_HOOKS)
                    if mode == "without"
                    else nullcontext()
                )
                with bypass:
                    policy._compute_grades(today=later)
                    env.flush_all()
                dt = time.perf_counter() - t0
                times[mode].append(dt)
                result[mode] = {
                    "queries": cr.sql_log_count - q0,
                    "applied": _count(
                        cr, "logistics_tier_benefit_change", "state = 'applied'"
                    ),
                    "suggestions": _count(cr, "logistics_cross_sell_suggestion"),
                    "cards": _count(cr, "loyalty_card"),
                }
                log(
                    "regrade %s days later %s benefits: %.2f s, %s",
                    days_later,
                    mode,
                    dt,
                    result[mode],
                )
    for mode, runs in times.items():
        result[mode].update(seconds=min(runs), runs=[round(r, 3) for r in runs])
    result["added_seconds"] = round(
        result["with"]["seconds"] - result["without"]["seconds"], 3
    )
    result["overhead_pct"] = round(
        100.0 * (result["with"]["seconds"] / result["without"]["seconds"] - 1), 1
    )
    return result


# ----------------------------------------------------------------------
# 2. scorecard grouped reads
# ----------------------------------------------------------------------
BARE_SCORECARD = """
SELECT %(group)s, sum(f.orders), sum(f.revenue),
       100.0 * sum(f.on_time) / NULLIF(sum(f.deliveries), 0)
  FROM (
    SELECT p.commercial_partner_id AS partner_id,
           date_trunc('month', o.date_order)::date AS month,
           1 AS orders, o.amount_untaxed AS revenue, 0 AS deliveries,
           0 AS on_time
      FROM sale_order o
      JOIN res_partner p ON p.id = o.partner_id
     WHERE o.state = 'sale' AND o.company_id = %(cid)s
       AND o.date_order >= %(start)s
    UNION ALL
    SELECT p.commercial_partner_id, date_trunc('month', o.sla_reached_on)::date,
           0, 0, 1, o.sla_on_time::int
      FROM sale_order o
      JOIN res_partner p ON p.id = o.partner_id
     WHERE o.state = 'sale' AND o.company_id = %(cid)s
       AND o.sla_reached_on >= %(start)s
  ) f
  JOIN res_partner rp ON rp.id = f.partner_id
 GROUP BY %(group)s
 ORDER BY %(group)s
"""
SCORECARD_AGGREGATES = [
    "on_time_rate:avg",
    "revenue:sum",
    "order_count:sum",
    "delivery_count:sum",
]


def measure_scorecard(registry, repeat):
    from odoo.tools import SQL

    results = {}
    with environment(registry, uid=ADMIN_UID) as env:
        cr = env.cr
        company = env.ref("base.main_company")
        Scorecard = env["logistics.customer.scorecard"].with_company(company)
        start = Scorecard._trailing_start(12)
        domain = [("date", ">=", start), ("company_id", "=", company.id)]
        cases = {
            "scorecard tier x month": (
                ["tier_id", "date:month"],
                SQL("(rp.customer_tier_id ->> %s)::int, f.month", str(company.id)),
            ),
            "scorecard by customer": (["partner_id"], SQL("f.partner_id")),
        }
        for label, (groupby, bare_group) in cases.items():
            query = SQL(BARE_SCORECARD, group=bare_group, cid=company.id, start=start)
            baseline, bare_rows = best(
                lambda query=query: (cr.execute(query), len(cr.fetchall()))[1],
                repeat,
            )

            def read(groupby=groupby):
                env.invalidate_all()
                with isolated(cr):
                    return Scorecard._read_group(domain, groupby, SCORECARD_AGGREGATES)

            read()  # warm-up: view SQL built, pages cached
            recorder = Recorder(cr, keep=1)
            env.invalidate_all()
            with isolated(cr):
                q0 = cr.sql_log_count
                with recorder.record():
                    Scorecard._read_group(domain, groupby, SCORECARD_AGGREGATES)
                queries = cr.sql_log_count - q0
            seconds, groups = best(read, repeat - 1 or 1)
            with jit(cr, False):
                seconds_jit_off, __ = best(read, repeat)
            slowest = recorder.statements()
            plan = explain(cr, slowest[0], recorder.jit_off) if slowest else None
            results[label] = {
                "seconds": seconds,
                "seconds_jit_off": seconds_jit_off,
                "baseline": baseline,
                "queries": queries,
                "groups": len(groups),
                "baseline_rows": bare_rows,
                "plan": plan,
                "plan_jit_seconds": jit_total(plan),
            }
            log(
                "%s: %.3f s vs %.3f s bare (%s groups)",
                label,
                seconds,
                baseline,
                len(groups),
            )
    return results


# ----------------------------------------------------------------------
# 3. SLA cron
# ----------------------------------------------------------------------
BARE_SLA = """
SELECT s.id, s.res_model, s.res_id, s.deadline, s.policy_id, s.user_id
  FROM logistics_sla_status s
 WHERE s.state IN ('ongoing', 'warning') AND s.deadline < %(now)s;
SELECT s.id, s.res_model, s.res_id, s.deadline, s.policy_id, s.user_id
  FROM logistics_sla_status s
  JOIN logistics_sla_policy p ON p.id = s.policy_id
 WHERE s.state = 'ongoing' AND NOT COALESCE(s.warned, FALSE)
   AND s.deadline >= %(now)s
   AND s.deadline - make_interval(secs => p.warn_before_hours * 3600) <= %(now)s
"""


def measure_sla_cron(registry, repeat):
    from odoo import fields

    result = {}
    runs = []
    for n in range(repeat):
        with environment(registry) as env:
            cr = env.cr
            now = fields.Datetime.now()
            if n == 0:
                cr.execute(
                    "SELECT count(*) FROM logistics_sla_status "
                    "WHERE state IN ('ongoing', 'warning', 'paused')"
                )
                result["open_statuses"] = cr.fetchone()[0]

                def bare(cr=cr, now=now):
                    fetched = 0
                    for statement in BARE_SLA.split(";"):
                        cr.execute(statement, {"now": now})
                        fetched += len(cr.fetchall())
                    return fetched

                result["baseline"], result["baseline_rows"] = best(bare, 3)
            env.flush_all()
            recorder = Recorder(cr)
            q0 = cr.sql_log_count
            t0 = time.perf_counter()
            with recorder.record():
                handled = env["logistics.sla.status"]._cron_check_deadlines()
                # what the cron's commit runs: the facts of the failed
                # statuses are refreshed there
                cr.flush()
            runs.append(time.perf_counter() - t0)
            queries = cr.sql_log_count - q0
            log("SLA cron run %s: %.2f s, %s statuses", n + 1, runs[-1], handled)
    result.update(
        seconds=min(runs),
        runs=[round(r, 3) for r in runs],
        queries=queries,
        handled=handled,
        slowest=recorder.statements(),
        profile=recorder.summary(),
    )
    return result


# ----------------------------------------------------------------------
# 4 + 5. freshness: order confirmation and delivery validation
# ----------------------------------------------------------------------
DELIVERY_HOOKS = {"stock.picking": ("_sla_check_orders", "_star_priority_deliveries")}
# every document hook of the scorecard facts queues its keys through these two
FACTS_HOOKS = {"logistics.customer.scorecard.fact": ("_mark_keys", "_mark_records")}
FACT_TABLE = ("logistics_customer_scorecard_fact",)
# the variants of the freshness measures: the hooks bypassed in each
VARIANTS = {
    "normal": {},
    "no_facts": FACTS_HOOKS,
    "bypassed": {**DELIVERY_HOOKS, **FACTS_HOOKS},
}


def _no_op(self, *args, **kwargs):
    return None


@contextmanager
def hooks_bypassed(env, hooks):
    """Replace the addon's hooks ``hooks`` ({model: method names}) by no-ops
    on the registry classes."""
    saved = []
    for model, names in hooks.items():
        cls = type(env[model])
        for name in names:
            saved.append((cls, name, cls.__dict__.get(name)))
            setattr(cls, name, _no_op)
    try:
        yield
    finally:
        for cls, name, value in saved:
            if value is None:
                delattr(cls, name)
            else:
                setattr(cls, name, value)


def rotated(n, keys):
    """The variants in a rotating order: none is always the first."""
    k = n % len(keys)
    return keys[k:] + keys[:k]


def medians(result, keys):
    for key in keys:
        result[f"median_{key}"] = statistics.median(result[key])
        result[f"median_q_{key}"] = statistics.median(result[f"q_{key}"])


def added(result, measured, base):
    """(seconds, per cent) that the hooks of ``measured`` add to ``base``."""
    a, b = result[f"median_{measured}"], result[f"median_{base}"]
    return a - b, 100.0 * (a / b - 1)


def timed_variants(env, records, keys, prepare, act, check=None):
    """Run ``act(record)`` for each record once per variant, each in a
    savepoint rolled back; the timed part ends with ``cr.flush()`` (the ORM
    flush and the precommit callbacks, as a commit runs them). The first
    record is run an extra time first, untimed, to warm the caches. Returns
    the timings, the query counts, how many runs wrote scorecard facts and
    how many passed ``check(record)``, by variant."""
    cr = env.cr
    result = {key: [] for key in keys} | {f"q_{key}": [] for key in keys}
    fresh = dict.fromkeys(keys, 0)
    checked = dict.fromkeys(keys, 0)
    for n, record in enumerate(records[:1] + records):
        for key in rotated(n, keys):
            savepoint = cr.savepoint()  # flushes: nothing pending is timed
            prepare(record)
            cr.flush()
            facts0 = tuples_written(cr, FACT_TABLE)
            with hooks_bypassed(env, VARIANTS[key]):
                q0 = cr.sql_log_count
                t0 = time.perf_counter()
                act(record)
                cr.flush()
                dt = time.perf_counter() - t0
                queries = cr.sql_log_count - q0
            if n:
                result[key].append(dt)
                result[f"q_{key}"].append(queries)
                fresh[key] += tuples_written(cr, FACT_TABLE) != facts0
                checked[key] += bool(check and check(record))
            savepoint.close(rollback=True)
    result["facts_written"] = fresh
    result["checked"] = checked
    medians(result, keys)
    # where the time goes: one more run with every hook, its statements
    # recorded (not among the timings: recording adds its own cost)
    savepoint = cr.savepoint()
    prepare(records[0])
    cr.flush()
    recorder = Recorder(cr)
    with recorder.record():
        act(records[0])
        cr.flush()
    result["profile"] = recorder.summary(top=6)
    result["slowest"] = recorder.statements()
    # the plan of the slowest statement (the facts refresh, as a rule), on
    # the data it ran on; EXPLAIN ANALYZE in a savepoint of its own
    result["plan"] = explain(cr, result["slowest"][0]) if result["slowest"] else None
    savepoint.close(rollback=True)
    return result


def measure_confirmation(registry):
    """Each quotation is confirmed in a savepoint rolled back: with the
    scorecard facts maintenance (its keys queued, then refreshed in the
    precommit callback) and with it bypassed, in alternate order."""
    keys = ["normal", "no_facts"]
    with environment(registry, uid=ADMIN_UID) as env:
        orders = env["sale.order"].search(
            [("client_order_ref", "=", "BENCH-CONFIRMATION"), ("state", "=", "draft")],
            order="id",
        )
        result = timed_variants(
            env, orders, keys, lambda order: None, lambda order: order.action_confirm()
        )
    result["orders"] = len(orders)
    result["added_seconds"], result["overhead_pct"] = added(
        result, "normal", "no_facts"
    )
    log(
        "confirmation: %.1f ms with the facts, %.1f ms without (%+.1f ms, %+.1f %%), "
        "%s vs %s queries, facts written %s",
        1000 * result["median_normal"],
        1000 * result["median_no_facts"],
        1000 * result["added_seconds"],
        result["overhead_pct"],
        result["median_q_normal"],
        result["median_q_no_facts"],
        result["facts_written"],
    )
    return result


def measure_validation(registry):
    """Each delivery is validated three times in a savepoint rolled back: with
    every hook, with the scorecard facts maintenance bypassed, and with every
    hook bypassed (SLA, priority and facts), in rotating order; the same
    picking is its own twin. The facts of the order are refreshed in the
    timed part, by the precommit callback."""
    keys = list(VARIANTS)
    with environment(registry, uid=ADMIN_UID) as env:
        orders = env["sale.order"].search(
            [("client_order_ref", "=", "BENCH-VALIDATION")], order="id"
        )
        pickings = orders.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state == "assigned"
        ).sorted("id")

        def prepare(picking):
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty

        def validate(picking):
            done = picking.button_validate()
            if done is not True:
                log("picking %s: validation returned %r", picking.name, done)

        result = timed_variants(
            env,
            pickings,
            keys,
            prepare,
            validate,
            check=lambda picking: picking.sale_id.sla_reached_on,
        )
    result["orders_reached"] = result.pop("checked")
    result["pickings"] = len(pickings)
    result["added_seconds"], result["overhead_pct"] = added(
        result, "normal", "bypassed"
    )
    result["facts_added_seconds"], result["facts_overhead_pct"] = added(
        result, "normal", "no_facts"
    )
    log(
        "validation: %.1f ms with every hook, %.1f ms without the facts, %.1f ms "
        "without any (%+.1f %%; the facts %+.1f ms), %s / %s / %s queries, facts "
        "written %s",
        1000 * result["median_normal"],
        1000 * result["median_no_facts"],
        1000 * result["median_bypassed"],
        result["overhead_pct"],
        1000 * result["facts_added_seconds"],
        result["median_q_normal"],
        result["median_q_no_facts"],
        result["median_q_bypassed"],
        result["facts_written"],
    )
    return result


# ----------------------------------------------------------------------
# 6. partner form
# ----------------------------------------------------------------------
def form_specification(env):
    """The web_read specification the web client sends when it opens the
    partner form: every field of the arch; many2one with display_name, x2many
    with the fields of their inline subview (40 records)."""
    from lxml import etree

    views = env["res.partner"].get_views([(False, "form")])
    arch = etree.fromstring(views["views"]["form"]["arch"])
    models = views["models"]

    def spec_of(node, model, depth):
        fields_info = models[model]["fields"]
        level = len(node.xpath("ancestor-or-self::field"))
        spec = {}
        for field in node.xpath(f".//field[count(ancestor::field) = {level}]"):
            name = field.get("name")
            info = fields_info.get(name)
            if not info:
                continue
            if info["type"] == "many2one":
                spec[name] = {"fields": {"display_name": {}}}
            elif info["type"] in ("one2many", "many2many"):
                sub = {}
                if depth:
                    subviews = [v for v in field if v.tag in ("list", "kanban", "form")]
                    if subviews:
                        sub = spec_of(subviews[0], info["relation"], depth - 1)
                spec[name] = {"fields": sub or {"display_name": {}}}
                if info["type"] == "one2many" or sub:
                    spec[name]["limit"] = 40
            else:
                spec[name] = {}
        return spec

    return spec_of(arch, "res.partner", 1)


def measure_partner_form(registry, repeat):
    result = {}
    with environment(registry, uid=ADMIN_UID) as env:
        cr = env.cr
        company = env.ref("base.main_company")
        env = env(context=dict(env.context, allowed_company_ids=[company.id]))
        cr.execute(
            """
SELECT p.commercial_partner_id, count(*)
  FROM sale_order o JOIN res_partner p ON p.id = o.partner_id
 WHERE o.state = 'sale' AND p.name NOT LIKE 'Buyer%%'
   AND p.commercial_partner_id IN (SELECT id FROM res_partner
                                    WHERE name LIKE 'Bench Customer%%')
 GROUP BY 1 ORDER BY 2, 1
"""
        )
        rows = cr.fetchall()
        (few, few_n), (many, many_n) = rows[0], rows[-1]
        warm = rows[len(rows) // 2][0]
        spec = form_specification(env)
        result["spec_fields"] = len(spec)
        Partner = env["res.partner"]
        with isolated(cr):
            Partner.browse(warm).web_read(spec)  # compiles templates, fills caches
        for key, pid, n_orders in (("few", few, few_n), ("many", many, many_n)):
            partner = Partner.browse(pid)
            times, queries = [], []
            while len(times) < repeat and sum(times) < BUDGET:
                env.invalidate_all()
                with isolated(cr):
                    q0 = cr.sql_log_count
                    t0 = time.perf_counter()
                    partner.web_read(spec)
                    times.append(time.perf_counter() - t0)
                    queries.append(cr.sql_log_count - q0)
            result[key] = {
                "partner_id": pid,
                "orders": n_orders,
                "seconds": min(times),
                "queries": queries[-1],
            }
            log(
                "partner form (%s, %s orders): %.3f s, %s queries",
                key,
                n_orders,
                min(times),
                queries[-1],
            )
        # where the time goes: the slowest statement of the many-orders read
        env.invalidate_all()
        recorder = Recorder(cr, keep=2)
        with isolated(cr), recorder.record():
            Partner.browse(many).web_read(spec)
        slowest = recorder.statements()
        result["slowest"] = slowest
        # JIT state of the slowest statement: off if the code turned it off
        # before (the scorecard panel does, for the rest of its transaction)
        result["plan"] = explain(cr, slowest[0], recorder.jit_off) if slowest else None
        result["plan_jit_seconds"] = jit_total(result["plan"])
        env.invalidate_all()
        with jit(cr, False), isolated(cr):
            t0 = time.perf_counter()
            Partner.browse(many).web_read(spec)
            result["many"]["seconds_jit_off"] = time.perf_counter() - t0
    return result


def main():
    own, odoo_args = split_args()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--size", required=True)
    parser.add_argument("--out", required=True, help="JSON result file")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--heavy-repeat",
        type=int,
        default=1,
        help="runs of the regrade and of the SLA cron",
    )
    parser.add_argument("--only", choices=["regrade"], help=argparse.SUPPRESS)
    args = parser.parse_args(own)
    registry = load_registry(args.db, odoo_args)
    out = Path(args.out)

    if args.only == "regrade":
        out.write_text(
            json.dumps(measure_regrade(registry, args.heavy_repeat), default=str)
        )
        return

    # the regrade first, in its own process, for a clean peak RSS
    regrade_out = out.with_suffix(".regrade.json")
    subprocess.run(
        [
            sys.executable,
            __file__,
            "--db",
            args.db,
            "--size",
            args.size,
            "--out",
            str(regrade_out),
            "--heavy-repeat",
            str(args.heavy_repeat),
            "--only",
            "regrade",
            "--",
            *odoo_args,
        ],
        check=True,
    )
    results = {"size": args.size, "db": args.db}
    results["regrade"] = json.loads(regrade_out.read_text())
    regrade_out.unlink()
    results["retention"] = measure_retention(
        registry, args.heavy_repeat, RETENTION_DAYS[0]
    )
    results["retention_stress"] = measure_retention(
        registry, args.heavy_repeat, RETENTION_DAYS[1]
    )
    results["benefits"] = measure_benefits(
        registry, args.heavy_repeat, RETENTION_DAYS[0]
    )
    results["scorecard"] = measure_scorecard(registry, args.repeat)
    results["sla_cron"] = measure_sla_cron(registry, args.heavy_repeat)
    results["confirmation"] = measure_confirmation(registry)
    results["validation"] = measure_validation(registry)
    results["partner_form"] = measure_partner_form(registry, args.repeat)
    out.write_text(json.dumps(results, indent=1, default=str))
    log("results in %s", out)


if __name__ == "__main__":
    main()
