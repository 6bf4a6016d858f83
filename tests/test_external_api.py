"""The grading capability seen from outside, through XML-RPC."""

import uuid
import xmlrpc.client

import pytest


def _unique(prefix):
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def test_module_is_installed_with_default_tiers(odoo):
    module = odoo.call(
        "ir.module.module",
        "search_read",
        [("name", "=", "logistics_crm")],
        fields=["state", "latest_version"],
    )
    assert module[0]["state"] == "installed"
    tiers = odoo.call(
        "logistics.customer.tier",
        "search_read",
        [("company_id", "=", False)],
        fields=["code", "min_score", "priority_delivery"],
        order="min_score desc",
    )
    assert [(t["code"], t["min_score"]) for t in tiers] == [
        ("A", 80.0),
        ("B", 50.0),
        ("C", 20.0),
        ("D", 0.0),
    ]
    assert [t["priority_delivery"] for t in tiers] == [True, False, False, False]


@pytest.mark.parametrize(
    "values, message",
    [
        ({"min_score": 150}, "between 0 and 100"),
        ({"min_score": -5}, "between 0 and 100"),
        ({"code": "A"}, "unique per company"),
    ],
)
def test_bad_tier_is_refused_with_a_clear_message(odoo, values, message):
    name = _unique("Bad tier")
    vals = {"name": name, "code": _unique("X"), "min_score": 10, **values}
    with pytest.raises(xmlrpc.client.Fault) as fault:
        odoo.call("logistics.customer.tier", "create", vals)
    assert message in fault.value.faultString
    assert "Traceback" not in fault.value.faultString
    assert (
        odoo.call("logistics.customer.tier", "search_count", [("name", "=", name)]) == 0
    )


def test_bad_weights_are_refused_and_nothing_changes(odoo, criteria, grading_policy_id):
    policy_id = grading_policy_id
    before = odoo.call("logistics.grading.policy", "read", policy_id)[0]
    for bad in (
        {"weight_margin": -1},
        {f"weight_{c}": 0 for c in criteria},
    ):
        with pytest.raises(xmlrpc.client.Fault) as fault:
            odoo.call("logistics.grading.policy", "write", policy_id, bad)
        assert "weight" in fault.value.faultString
    after = odoo.call("logistics.grading.policy", "read", policy_id)[0]
    assert {k: v for k, v in after.items() if k.startswith("weight_")} == {
        k: v for k, v in before.items() if k.startswith("weight_")
    }


def test_customer_graded_after_a_confirmed_order(odoo):
    partner_id = odoo.call(
        "res.partner", "create", {"name": _unique("RPC Shipper"), "is_company": True}
    )
    product_id = odoo.call(
        "product.product",
        "create",
        {"name": _unique("Linehaul"), "type": "service", "list_price": 900.0},
    )
    order_id = odoo.call(
        "sale.order",
        "create",
        {
            "partner_id": partner_id,
            "order_line": [(0, 0, {"product_id": product_id, "product_uom_qty": 2})],
        },
    )
    odoo.call("sale.order", "action_confirm", [order_id])
    odoo.call("res.partner", "action_compute_grades", [partner_id])
    partner = odoo.call(
        "res.partner",
        "read",
        [partner_id],
        fields=[
            "customer_score",
            "customer_tier_id",
            "customer_lifecycle",
            "customer_revenue",
            "customer_graded_on",
        ],
    )[0]
    assert partner["customer_tier_id"]
    assert 0 <= partner["customer_score"] <= 100
    assert partner["customer_lifecycle"] == "new"
    assert partner["customer_revenue"] == 1800.0
    assert partner["customer_graded_on"]
    order = odoo.call("sale.order", "read", [order_id], fields=["customer_tier_id"])[0]
    assert order["customer_tier_id"] == partner["customer_tier_id"]
