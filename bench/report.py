"""Print the benchmark table and write it as Markdown.

python bench/report.py --out bench/results/bench-DATE.md [--meta k=v ...]
    RUN-S.generate.json RUN-S.measure.json RUN-M.generate.json ...
"""

import argparse
import datetime
import json
from pathlib import Path

SIZE_ORDER = "SML"


def seconds(value):
    if value is None:
        return "–"
    if value < 0.1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


def ratio(num, den):
    return num / den if num is not None and den else None


def fmt_ratio(value, unit="×"):
    return "–" if value is None else f"{value:.1f}{unit}"


def load(paths):
    sizes = {}
    for path in paths:
        data = json.loads(Path(path).read_text())
        kind = "measure" if "regrade" in data else "generate"
        sizes.setdefault(data["size"], {})[kind] = data
    return dict(sorted(sizes.items(), key=lambda kv: SIZE_ORDER.index(kv[0])))


def rows_for(size, data):
    gen, m = data["generate"], data["measure"]
    rg, sla, val, form = m["regrade"], m["sla_cron"], m["validation"], m["partner_form"]
    rows = [
        {
            "measure": f"regrade, {rg['customers']:,} customers",
            "seconds": rg["seconds"],
            "baseline": rg["baseline"],
            "ratio": ratio(rg["seconds"], rg["baseline"]),
            "queries": rg["queries"],
            "rss": rg["rss_peak_mb"],
            "jit_off": rg.get("seconds_jit_off"),
        }
    ]
    for label, sc in m["scorecard"].items():
        rows.append(
            {
                "measure": f"{label} ({sc['groups']:,} groups)",
                "seconds": sc["seconds"],
                "baseline": sc["baseline"],
                "ratio": ratio(sc["seconds"], sc["baseline"]),
                "queries": sc["queries"],
                "jit_off": sc.get("seconds_jit_off"),
            }
        )
    rows.append(
        {
            "measure": f"SLA cron, {sla['handled']:,} of {sla['open_statuses']:,} "
            "open statuses due",
            "seconds": sla["seconds"],
            "baseline": sla["baseline"],
            "ratio": ratio(sla["seconds"], sla["baseline"]),
            "queries": sla["queries"],
        }
    )
    rows.append(
        {
            "measure": f"delivery validation (median of {len(val['normal'])}), "
            "hooks vs bypassed",
            "seconds": val["median_normal"],
            "baseline": val["median_bypassed"],
            "ratio_text": f"{val['overhead_pct']:+.1f} %",
            "queries": f"{val['median_q_normal']:g} vs {val['median_q_bypassed']:g}",
        }
    )
    few, many = form["few"], form["many"]
    rows.append(
        {
            "measure": f"partner form, few orders ({few['orders']})",
            "seconds": few["seconds"],
            "queries": few["queries"],
        }
    )
    rows.append(
        {
            "measure": f"partner form, many orders ({many['orders']:,}) vs few",
            "seconds": many["seconds"],
            "baseline": few["seconds"],
            "ratio": ratio(many["seconds"], few["seconds"]),
            "queries": many["queries"],
            "jit_off": many.get("seconds_jit_off"),
        }
    )
    for row in rows:
        row["size"] = f"{size} ({gen['customers']:,} / {gen['orders']:,})"
    return rows


HEADER = [
    "size (customers / orders)",
    "measure",
    "seconds",
    "baseline",
    "ratio",
    "queries",
    "peak RSS",
    "seconds, JIT off",
]


def table(all_rows):
    lines = [
        "| " + " | ".join(HEADER) + " |",
        "|" + "|".join("---" for _ in HEADER) + "|",
    ]
    for row in all_rows:
        cells = [
            row["size"],
            row["measure"],
            seconds(row.get("seconds")),
            seconds(row.get("baseline")),
            row.get("ratio_text") or fmt_ratio(row.get("ratio")),
            str(row.get("queries", "–")),
            f"{row['rss']:.0f} MB" if row.get("rss") else "",
            seconds(row.get("jit_off")) if row.get("jit_off") else "",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def targets(sizes):
    """(target, figures, verdict) for each target of the issue."""
    out = []
    measured = {s: d["measure"] for s, d in sizes.items()}
    biggest = list(measured)[-1]
    has_l = "L" in measured

    def verdict(ok):
        return "met" if ok else "**missed**"

    def per_size(fn, fmt):
        return ", ".join(f"{s}: {fmt(fn(m))}" for s, m in measured.items())

    def rg_ratio(m):
        return m["regrade"]["seconds"] / m["regrade"]["baseline"]

    out.append(
        (
            "regrade ≤ 3× the bare aggregate",
            per_size(rg_ratio, lambda v: f"{v:.1f}×"),
            verdict(all(rg_ratio(m) <= 3 for m in measured.values())),
        )
    )
    out.append(
        (
            "regrade < 2 min at L",
            f"L: {seconds(measured['L']['regrade']['seconds'])}"
            if has_l
            else "L not run",
            verdict(measured["L"]["regrade"]["seconds"] < 120) if has_l else "n/a",
        )
    )
    out.append(
        (
            "regrade peak RSS < 1 GB",
            per_size(lambda m: m["regrade"]["rss_peak_mb"], lambda v: f"{v:.0f} MB"),
            verdict(all(m["regrade"]["rss_peak_mb"] < 1024 for m in measured.values())),
        )
    )
    first = list(measured)[0]

    def per_customer(m):
        return m["regrade"]["seconds"] / m["regrade"]["customers"]

    if biggest != first:
        growth = per_customer(measured[biggest]) / per_customer(measured[first])
        out.append(
            (
                f"regrade cost per customer flat within 1.5× ({first} to {biggest}; "
                "the issue asks S to L)",
                per_size(per_customer, lambda v: f"{v * 1e6:.0f} µs")
                + f"; {biggest}/{first} = {growth:.2f}×",
                verdict(growth <= 1.5) + ("" if has_l else " (so far)"),
            )
        )

    def sc_ratio(m):
        return max(v["seconds"] / v["baseline"] for v in m["scorecard"].values())

    out.append(
        (
            "scorecard grouped reads ≤ 2× bare SQL",
            per_size(sc_ratio, lambda v: f"worst {v:.0f}×"),
            verdict(all(sc_ratio(m) <= 2 for m in measured.values())),
        )
    )
    if has_l:
        worst_l = max(v["seconds"] for v in measured["L"]["scorecard"].values())
        out.append(
            (
                "scorecard grouped reads < 3 s at L",
                f"L: {seconds(worst_l)}",
                verdict(worst_l < 3),
            )
        )
    else:
        out.append(("scorecard grouped reads < 3 s at L", "L not run", "n/a"))

    def sla_ratio(m):
        return m["sla_cron"]["seconds"] / m["sla_cron"]["baseline"]

    out.append(
        (
            "SLA cron ≤ 3× bare SQL",
            per_size(sla_ratio, lambda v: f"{v:,.0f}×"),
            verdict(all(sla_ratio(m) <= 3 for m in measured.values())),
        )
    )
    out.append(
        (
            "delivery validation overhead ≤ 10 %",
            per_size(
                lambda m: m["validation"]["overhead_pct"], lambda v: f"{v:+.1f} %"
            ),
            verdict(
                all(m["validation"]["overhead_pct"] <= 10 for m in measured.values())
            ),
        )
    )

    def form_counts(m):
        return (
            m["partner_form"]["few"]["queries"],
            m["partner_form"]["many"]["queries"],
        )

    out.append(
        (
            "partner form: same query count, few or many orders",
            per_size(form_counts, lambda v: f"{v[0]} vs {v[1]}"),
            verdict(all(a == b for a, b in map(form_counts, measured.values()))),
        )
    )
    return out


def profile_lines(sizes):
    lines = []
    for size, data in sizes.items():
        m = data["measure"]
        rg, sla = m["regrade"], m["sla_cron"]
        lines.append(f"### {size}")
        lines.append("")
        lines.append(
            f"- regrade: {rg['history_rows']:,} history rows, {rg['tier_notes']:,} "
            f"tier-change notes; JIT compilation in its main statement "
            f"{seconds(rg.get('plan_jit_seconds'))}; slowest statements: "
            + "; ".join(
                f"{seconds(s['seconds'])} `{' '.join(s['sql'].split())[:48]}…`"
                for s in rg["slowest"]
            )
        )
        for label, sc in m["scorecard"].items():
            lines.append(
                f"- {label}: JIT compilation {seconds(sc.get('plan_jit_seconds'))} "
                f"of the view query"
            )
        form = m["partner_form"]
        if form.get("slowest"):
            top = form["slowest"][0]
            lines.append(
                f"- partner form: slowest statement {seconds(top['seconds'])} "
                f"`{' '.join(top['sql'].split())[:60]}…` (JIT "
                f"{seconds(form.get('plan_jit_seconds'))})"
            )
        due = max(sla["handled"], 1)
        lines.append(
            f"- SLA cron: {sla['seconds'] / due * 1000:.1f} ms and "
            f"{sla['queries'] / due:.0f} queries per status due; SQL "
            f"{seconds(sla['profile']['sql_seconds'])} of {seconds(sla['seconds'])}; "
            "heaviest statements: "
            + "; ".join(
                f"{s['count']:,}× `{s['shape'][:40]}…` {seconds(s['seconds'])}"
                for s in sla["profile"]["by_shape"][:4]
            )
        )
        lines.append("")
    return lines


def data_lines(sizes):
    tables = [
        "res_partner",
        "sale_order",
        "sale_order_line",
        "stock_picking",
        "stock_move",
        "account_move",
        "logistics_complaint",
        "logistics_sla_status",
        "rating_rating",
    ]
    header = ["size", *tables, "database", "generated in"]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
    ]
    for size, data in sizes.items():
        gen = data["generate"]
        rows = gen["rows"]
        lines.append(
            "| "
            + " | ".join(
                [
                    size,
                    *(f"{rows[t]:,}" for t in tables),
                    f"{rows['db_bytes'] / 2**20:,.0f} MB",
                    f"{gen['generate_s']:.0f} s",
                ]
            )
            + " |"
        )
    return lines


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--meta", action="append", default=[])
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    meta = dict(item.split("=", 1) for item in args.meta)
    sizes = load(args.files)
    all_rows = [row for size, data in sizes.items() for row in rows_for(size, data)]
    today = next(iter(sizes.values()))["generate"]["today"]

    md = [
        f"# logistics_crm benchmark, {datetime.date.today().isoformat()}",
        "",
        "Made by `make bench` (scripts/bench.sh, bench/). Each measure is timed "
        "next to its baseline in the same process: the ratio is measure / baseline "
        "(for the delivery validation, the overhead of the addon's hooks). "
        "Times are the best of a few runs (one run for the regrade and the SLA "
        "cron), on a shared machine.",
        "",
        f"logistics_crm at {meta.get('addon', '?')}; Odoo {meta.get('odoo', '?')}, "
        f"PostgreSQL {meta.get('postgresql', '?')}; "
        f"{meta.get('cpus', '?')} CPUs, {meta.get('memory', '?')}. Data generated "
        f"with seed 0.42, history ending {today}. The install took "
        f"{meta.get('install_s', '?')} s, the whole run {meta.get('total_s', '?')} s.",
        "",
        *table(all_rows),
        "",
        "- regrade: `logistics.grading.policy._compute_grades()` for the company, "
        "in a process of its own (peak RSS = ru_maxrss of that process, Odoo "
        "registry included); baseline: the bare `SELECT commercial_partner_id, "
        "sum(amount_untaxed), sum(margin), count(*), max(date_order) ... GROUP BY 1` "
        "over the same confirmed orders.",
        "- scorecard: `_read_group` on `logistics.customer.scorecard` over the "
        "trailing 12 months (on_time_rate:avg, revenue:sum, order_count:sum, "
        "delivery_count:sum), as the admin user; baseline: the same aggregates in "
        "bare SQL over sale_order and res_partner.",
        "- SLA cron: `logistics.sla.status._cron_check_deadlines()`; baseline: "
        "the two SELECTs that find the statuses to fail and to warn.",
        "- delivery validation: `button_validate()` of the genuine deliveries of "
        "40 ORM-made orders, each validated twice in a savepoint rolled back: with "
        "the addon's `_sla_check_orders` and `_star_priority_deliveries`, and with "
        "them replaced by no-ops (alternate order); median per validation.",
        "- partner form: `web_read()` with the specification of the partner form "
        "view (every field of the arch), cold cache, as the admin user.",
        "- seconds, JIT off: the same with `SET LOCAL jit = off` (a diagnosis; "
        "PostgreSQL's default is on).",
        "",
        "## Targets",
        "",
        "| target | figures | verdict |",
        "|---|---|---|",
        *(f"| {t} | {f} | {v} |" for t, f, v in targets(sizes)),
        "",
        "## Where the time goes",
        "",
        *profile_lines(sizes),
        "## Data",
        "",
        *data_lines(sizes),
        "",
    ]
    Path(args.out).write_text("\n".join(md))
    # the table on the terminal
    print()
    print("\n".join(table(all_rows)))
    print()
    for t, f, v in targets(sizes):
        print(f"{v.replace('**', ''):>12}  {t}: {f}")
    print()


if __name__ == "__main__":
    main()
