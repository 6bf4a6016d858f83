"""The regrade cron on a live server, with real commits and a real second
database session: users edit customers while it runs, a second worker cannot
run it twice, and a run killed mid-way resumes without double effects.

The test holds one customer's row lock from a `psql` session (as a warehouse
user editing that customer would), so the cron stops in its last batch; it
then checks what the rest of the system sees at that moment, kills the cron's
database session, and runs the cron again.
"""

import os
import subprocess
import threading
import time
import uuid
import xmlrpc.client
from collections import Counter

import pytest

CUSTOMERS = 30
BATCH = 10
LOCKER = "lcrm_test_locker"


def _psql(sql):
    out = subprocess.run(
        ["psql", "-X", "-q", "-t", "-A", "-d", os.environ["ODOO_DB"], "-c", sql],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def _wait_for(predicate, what, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what} after {timeout} s")


def _call(odoo, model, method, *args, **kwargs):
    """``odoo.call`` on a connection of its own: an XML-RPC proxy must not be
    shared between threads."""
    proxy = xmlrpc.client.ServerProxy(f"{odoo.url}/xmlrpc/2/object", allow_none=True)
    return proxy.execute_kw(
        odoo.db, odoo.uid, odoo.password, model, method, list(args), kwargs
    )


def _in_thread(function, *args):
    """Run ``function`` in a thread; return the thread and its result box."""
    box = {}

    def run():
        try:
            box["result"] = function(*args)
        except Exception as error:  # noqa: BLE001 - reported by the test
            box["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, box


@pytest.fixture
def shippers(odoo):
    """30 customers, each with one confirmed order of a different amount."""
    tag = uuid.uuid4().hex[:6]
    product = odoo.call(
        "product.product",
        "create",
        {"name": f"Line haul {tag}", "type": "service", "list_price": 100},
    )
    partners = odoo.call(
        "res.partner",
        "create",
        [
            {"name": f"Concurrent shipper {tag} {n:02}", "is_company": True}
            for n in range(CUSTOMERS)
        ],
    )
    orders = odoo.call(
        "sale.order",
        "create",
        [
            {
                "partner_id": partner,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": product,
                            "product_uom_qty": 1,
                            "price_unit": 100 + 10 * n,
                        },
                    )
                ],
            }
            for n, partner in enumerate(partners)
        ],
    )
    odoo.call("sale.order", "action_confirm", orders)
    return sorted(partners)


@pytest.fixture
def regrade_cron(odoo):
    [cron_id] = odoo.call(
        "ir.model.data",
        "search_read",
        [("module", "=", "logistics_crm"), ("name", "=", "ir_cron_compute_grades")],
        fields=["res_id"],
    )
    cron_id = cron_id["res_id"]
    # keep the scheduler of the test server off this job while we drive it
    odoo.call("ir.cron", "write", [cron_id], {"nextcall": "2099-01-01 00:00:00"})
    odoo.call(
        "ir.config_parameter",
        "set_param",
        "logistics_crm.grading_batch_size",
        str(BATCH),
    )
    yield cron_id
    odoo.call(
        "ir.config_parameter", "set_param", "logistics_crm.grading_batch_size", "5000"
    )


def _trigger(odoo, cron_id):
    """Run the cron in the server's request thread, as 'Run Manually' does."""
    return _call(odoo, "ir.cron", "method_direct_trigger", [cron_id])


def test_regrade_under_concurrent_use_and_a_crash(odoo, shippers, regrade_cron):
    early, last = shippers[0], shippers[-1]

    # a user session holds the last customer's row: the cron will wait there
    locker = subprocess.Popen(
        [
            "psql",
            "-X",
            "-q",
            "-d",
            os.environ["ODOO_DB"],
            "-c",
            f"BEGIN; SELECT id FROM res_partner WHERE id = {last} FOR NO KEY UPDATE; "
            "SELECT pg_sleep(600); COMMIT;",
        ],
        env={**os.environ, "PGAPPNAME": LOCKER},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(
            lambda: _psql(
                "SELECT 1 FROM pg_stat_activity "
                f"WHERE application_name = '{LOCKER}' AND wait_event = 'PgSleep'"
            ),
            "the locking session",
        )
        cron_thread, cron_box = _in_thread(_trigger, odoo, regrade_cron)
        blocked_pid = _wait_for(
            lambda: _psql(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND query ILIKE '%UPDATE res_partner%'"
            ),
            "the regrade to reach the locked customer",
        )

        # The earlier batches are committed: other sessions see them, and the
        # customers in them can be edited right away.
        graded = odoo.call(
            "res.partner",
            "read",
            [early],
            fields=["customer_graded_on", "customer_tier_id"],
        )[0]
        assert graded["customer_graded_on"], "the first batches are not committed"
        tier_b = odoo.call(
            "logistics.customer.tier",
            "search",
            [("code", "=", "B"), ("company_id", "=", False)],
        )[0]
        edit_thread, edit_box = _in_thread(
            _call,
            odoo,
            "res.partner",
            "write",
            [early],
            {
                "phone": "+86 21 5555 0101",
                "customer_tier_locked": True,
                "customer_tier_id": tier_b,
                "customer_tier_lock_reason": "Framework contract",
            },
        )
        edit_thread.join(60)
        assert not edit_thread.is_alive(), "a partner edit waited for the regrade"
        assert edit_box.get("result") is True, edit_box.get("error")

        # A second worker cannot start the same cron, and a regrade from the
        # screen is refused with a clear message instead of waiting.
        with pytest.raises(xmlrpc.client.Fault) as second:
            _trigger(odoo, regrade_cron)
        assert "already executing" in second.value.faultString
        policy = odoo.call("logistics.grading.policy", "search", [])
        with pytest.raises(xmlrpc.client.Fault) as screen:
            odoo.call("logistics.grading.policy", "action_compute_grades", policy)
        assert "being regraded right now" in screen.value.faultString
        assert "Traceback" not in screen.value.faultString

        # The worker dies mid-run (its database session is killed).
        _psql(f"SELECT pg_terminate_backend({blocked_pid})")
        cron_thread.join(60)
        assert not cron_thread.is_alive()
    finally:
        _psql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE application_name = '{LOCKER}'"
        )
        locker.wait(30)

    # nothing of the killed batch was written
    assert not odoo.call("res.partner", "read", [last], fields=["customer_graded_on"])[
        0
    ]["customer_graded_on"]

    # The next run completes the grading without double effects.
    _trigger(odoo, regrade_cron)
    partners = odoo.call(
        "res.partner",
        "read",
        shippers,
        fields=[
            "customer_graded_on",
            "customer_tier_id",
            "customer_tier_locked",
            "customer_tier_lock_reason",
            "phone",
        ],
    )
    assert all(p["customer_graded_on"] for p in partners)
    rows = odoo.call(
        "logistics.grade.history",
        "search_read",
        [("partner_id", "in", shippers)],
        fields=["partner_id"],
    )
    history = Counter(row["partner_id"][0] for row in rows)
    assert set(history) == set(shippers)
    assert set(history.values()) == {1}, "a customer got two history rows"
    notes = odoo.call(
        "mail.message",
        "search_count",
        [
            ("model", "=", "res.partner"),
            ("res_id", "in", shippers),
            ("body", "ilike", "Customer tier in"),
        ],
    )
    assert notes == CUSTOMERS, "tier-change notes were duplicated or lost"
    # the edit made during the regrade is intact, lock included
    first = partners[0]
    assert first["phone"] == "+86 21 5555 0101"
    assert first["customer_tier_locked"] is True
    assert first["customer_tier_id"][0] == tier_b
    assert first["customer_tier_lock_reason"] == "Framework contract"
    print(
        f"\nregrade under concurrent use: {CUSTOMERS} customers in batches of {BATCH}, "
        f"killed in its last batch, resumed: {len(rows)} "
        f"history rows, {notes} tier notes, the concurrent edit kept"
    )
