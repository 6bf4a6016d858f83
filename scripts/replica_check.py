"""make test-replica, the HTTP part (run by scripts/test_replica.sh).

Against an Odoo server started with --db_replica_host pointing at a streaming
standby, with log_statement=all on the primary and on the standby:

1. as the administrator, over JSON-RPC: a customer, a portal user for it and
   an order, confirmed (the write); wait until the standby has replayed it
   and read it there;
2. the screens that read, each in its own window of both statement logs: the
   scorecard pivot, a partner form with its scorecard panel and its
   scorecard button, the portal scorecard page and its PDF;
3. check that in each window the statements reading the data reached the
   standby, and none of them the primary.

Prints one PASS/FAIL line per check and exits 1 when one fails.

Environment: ODOO_URL, ODOO_DB, PRIMARY_LOG, STANDBY_LOG, SERVER_LOG (Odoo's),
PRIMARY_DSN, STANDBY_DSN (libpq key=value strings).
"""

import os
import re
import sys
import time

import psycopg2
import requests

URL = os.environ["ODOO_URL"]
DB = os.environ["ODOO_DB"]
LOGS = {"primary": os.environ["PRIMARY_LOG"], "standby": os.environ["STANDBY_LOG"]}
DSN = {"primary": os.environ["PRIMARY_DSN"], "standby": os.environ["STANDBY_DSN"]}
SCORECARD_TABLE = "logistics_customer_scorecard_fact"
# a statement log line: "<time> [pid] db=<db> LOG:  statement: <sql>"
STATEMENT = re.compile(r"^\S+ \S+ \S+ \[\d+\] db=(\S*) LOG:  statement: (.*)$")

# the access log line of a request: '"POST /path HTTP/1.1" 200 - ... ro'
ACCESS = re.compile(r'"(?:GET|POST) (\S+) HTTP/[\d.]+" \d+ .* (ro|rw|ro->rw)\s*$')
PIVOT = "logistics.customer.scorecard.formatted_read_grouping_sets"
CURSOR_MODES = {
    "/web/dataset/call_button/sale.order.action_confirm": "rw",
    f"/web/dataset/call_kw/{PIVOT}": "ro",
    "/web/dataset/call_kw/res.partner.web_read": "ro",
    "/web/dataset/call_button/res.partner.action_view_scorecard": "ro",
    "/my/scorecard": "ro",
    "/my/scorecard/pdf": "ro",
}

results = []


def check(ok, label, detail=""):
    results.append(ok)
    print(f"{'PASS' if ok else 'FAIL'}: {label}{f' ({detail})' if detail else ''}")
    sys.stdout.flush()


class Client:
    def __init__(self, login, password):
        self.http = requests.Session()
        self.login = login
        self.uid = self.rpc(
            "/web/session/authenticate",
            {"db": DB, "login": login, "password": password},
        )["uid"]

    def rpc(self, route, params):
        response = self.http.post(
            URL + route,
            json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": params},
            timeout=120,
        )
        response.raise_for_status()
        body = response.json()
        if "error" in body:
            raise RuntimeError(f"{route}: {body['error']['data']['message']}")
        return body["result"]

    def call(self, model, method, *args, route="call_kw", **kwargs):
        return self.rpc(
            f"/web/dataset/{route}/{model}.{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def get(self, path):
        response = self.http.get(URL + path, timeout=300)
        response.raise_for_status()
        return response


def statements(log, start, end):
    """The statements of our database logged in LOG between the offsets."""
    with open(log, encoding="utf-8", errors="replace") as f:
        f.seek(start)
        text = f.read(end - start)
    found, current = [], None
    for line in text.splitlines():
        match = STATEMENT.match(line)
        if match:
            current = [match.group(1), match.group(2)]
            found.append(current)
        elif line.startswith("\t") and current:
            current[1] += " " + line.strip()
        else:
            current = None
    return [sql for db, sql in found if db == DB]


class Window:
    """The statements each server logged while the block ran."""

    def __enter__(self):
        self.start = {name: os.path.getsize(path) for name, path in LOGS.items()}
        return self

    def __exit__(self, *exc):
        # the servers write the log line when the statement starts: give the
        # last ones time to land
        time.sleep(0.5)
        self.sql = {
            name: statements(path, self.start[name], os.path.getsize(path))
            for name, path in LOGS.items()
        }


def reads(sqls, marker):
    return [
        s
        for s in sqls
        if s.lstrip("( ").upper().startswith(("SELECT", "WITH")) and marker in s
    ]


def check_window(label, window, markers):
    """The reads of ``markers`` tables went to the standby, none to the
    primary."""
    for marker in markers:
        on_standby = reads(window.sql["standby"], marker)
        on_primary = reads(window.sql["primary"], marker)
        check(
            on_standby and not on_primary,
            f"{label}: SELECTs on {marker} on the standby, none on the primary",
            f"{len(on_standby)} on the standby, {len(on_primary)} on the primary"
            + (f", first on the primary: {on_primary[0][:200]}" if on_primary else ""),
        )
    writes = [
        s
        for s in window.sql["primary"]
        if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    print(
        f"      {label}: {len(window.sql['standby'])} statements on the standby, "
        f"{len(window.sql['primary'])} on the primary"
        + (
            f" (writes there: {sorted({' '.join(w.split()[:3]) for w in writes})})"
            if writes
            else ""
        )
    )


def wal_replayed(timeout=60):
    with psycopg2.connect(DSN["primary"]) as primary:
        with primary.cursor() as cr:
            cr.execute("SELECT pg_current_wal_lsn()")
            [lsn] = cr.fetchone()
    deadline = time.monotonic() + timeout
    with psycopg2.connect(DSN["standby"]) as standby:
        standby.autocommit = True
        with standby.cursor() as cr:
            while time.monotonic() < deadline:
                cr.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
                if cr.fetchone()[0]:
                    return lsn
                time.sleep(0.2)
    return None


def on_standby(sql, params):
    with psycopg2.connect(DSN["standby"], dbname=DB) as standby:
        with standby.cursor() as cr:
            cr.execute(sql, params)
            return cr.fetchall()


def main():
    t0 = time.monotonic()
    admin = Client("admin", "admin")
    # wkhtmltopdf fetches the report's assets from this server
    admin.call("ir.config_parameter", "set_param", "report.url", URL)
    portal_group = admin.call(
        "ir.model.data",
        "search_read",
        [("module", "=", "base"), ("name", "=", "group_portal")],
        ["res_id"],
    )[0]["res_id"]
    customer = admin.call(
        "res.partner", "create", {"name": "Replica Shipper", "is_company": True}
    )
    buyer = admin.call(
        "res.partner", "create", {"name": "Replica buyer", "parent_id": customer}
    )
    admin.call(
        "res.users",
        "create",
        {
            "name": "Replica buyer",
            "login": "replica_portal",
            "password": "replica_portal",
            "partner_id": buyer,
            "group_ids": [(6, 0, [portal_group])],
        },
    )
    product = admin.call(
        "product.product",
        "create",
        {"name": "Replica freight", "type": "service", "list_price": 250.0},
    )
    order = admin.call(
        "sale.order",
        "create",
        {
            "partner_id": customer,
            "order_line": [(0, 0, {"product_id": product, "product_uom_qty": 3})],
        },
    )

    # --- the write, then its replay on the standby ---------------------------
    with Window() as confirm:
        admin.call("sale.order", "action_confirm", order, route="call_button")
    check(
        bool(reads(confirm.sql["primary"], "sale_order"))
        and any(
            s.lstrip().upper().startswith("UPDATE") and "sale_order" in s
            for s in confirm.sql["primary"]
        ),
        "confirming the order is served by the primary",
    )
    t_write = time.monotonic()
    lsn = wal_replayed()
    check(
        lsn is not None,
        "the standby replays the primary's WAL",
        f"up to {lsn}, {time.monotonic() - t_write:.2f} s",
    )
    state = on_standby("SELECT state FROM sale_order WHERE id = %s", [order])
    check(
        state == [("sale",)], "the confirmed order is on the standby", f"state {state}"
    )
    facts = on_standby(
        f"SELECT sum(order_count) FROM {SCORECARD_TABLE} WHERE partner_id = %s",  # noqa: S608
        [customer],
    )
    check(facts == [(1,)], "its scorecard row is on the standby", f"orders {facts}")

    # --- the reads ---------------------------------------------------------------
    with Window() as pivot:
        sets = admin.call(
            "logistics.customer.scorecard",
            "formatted_read_grouping_sets",
            [],
            [[], ["partner_id"]],
            ["order_count:sum", "revenue:sum", "on_time_rate:avg"],
        )
    row = [g for g in sets[1] if g["partner_id"] and g["partner_id"][0] == customer]
    check(
        bool(row) and row[0]["order_count:sum"] == 1,
        "the scorecard pivot (formatted_read_grouping_sets) shows the confirmed order",
        f"{row[0] if row else 'no row'}",
    )
    check_window("scorecard pivot", pivot, [SCORECARD_TABLE])

    with Window() as form:
        [partner] = admin.call(
            "res.partner",
            "web_read",
            [customer],
            specification={
                "display_name": {},
                "scorecard_html": {},
                "customer_tier_id": {"fields": {"display_name": {}}},
            },
        )
        action = admin.call(
            "res.partner", "action_view_scorecard", [customer], route="call_button"
        )
    check(
        "1 orders" in (partner["scorecard_html"] or "")
        and action.get("res_model") == "logistics.customer.scorecard",
        "the partner form shows its scorecard panel and button",
    )
    check_window("partner form and panel", form, ["res_partner", SCORECARD_TABLE])

    portal = Client("replica_portal", "replica_portal")
    # Odoo builds a missing asset bundle on the primary, then reads it back
    # from the standby, which may not have replayed it yet: render the report
    # once, as after a deployment, so its assets exist on both servers
    portal.get("/my/scorecard/pdf")
    wal_replayed()
    with Window() as page:
        html = portal.get("/my/scorecard").text
    check("Replica Shipper" in html, "the portal scorecard page is the customer's")
    check_window("portal /my/scorecard", page, ["res_partner", SCORECARD_TABLE])

    with Window() as pdf_window:
        pdf = portal.get("/my/scorecard/pdf")
    check(
        pdf.headers.get("Content-Type") == "application/pdf"
        and pdf.content.startswith(b"%PDF"),
        "the portal scorecard PDF is a PDF",
        f"{len(pdf.content)} bytes",
    )
    check_window(
        "portal /my/scorecard/pdf", pdf_window, ["res_partner", SCORECARD_TABLE]
    )
    check(
        not any("ir_attachment" in s for s in pdf_window.sql["primary"]),
        "the PDF's assets are read from the standby",
    )

    # Odoo's access log ends with the cursor the request ran on
    modes = {}
    with open(os.environ["SERVER_LOG"], encoding="utf-8") as f:
        for line in f:
            match = ACCESS.search(line)
            if match:
                modes.setdefault(match.group(1), set()).add(match.group(2))
    for path, mode in CURSOR_MODES.items():
        check(
            modes.get(path) == {mode},
            f"Odoo served {path} on a {mode} cursor",
            f"{sorted(modes.get(path, []))}",
        )

    failed = results.count(False)
    took = time.monotonic() - t0
    print(
        f"replica checks: {'PASS' if not failed else 'FAIL'}, "
        f"{len(results) - failed} passed, {failed} failed ({took:.1f} s)"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
