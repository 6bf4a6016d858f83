"""Fixtures for tests that drive a running Odoo server through its external
XML-RPC API, as Odoo's external API documentation shows."""

import os
import xmlrpc.client

import pytest


class OdooClient:
    def __init__(self, url, db, login, password):
        self.url, self.db, self.password = url.rstrip("/"), db, password
        common = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/common")
        self.uid = common.authenticate(db, login, password, {})
        if not self.uid:
            raise RuntimeError(f"cannot log in to {url} as {login}")
        self.models = xmlrpc.client.ServerProxy(
            f"{self.url}/xmlrpc/2/object", allow_none=True
        )

    def call(self, model, method, *args, **kwargs):
        return self.models.execute_kw(
            self.db, self.uid, self.password, model, method, list(args), kwargs
        )


@pytest.fixture(scope="session")
def odoo():
    url = os.environ.get("ODOO_URL")
    if not url:
        pytest.skip("ODOO_URL is not set: these tests need a running Odoo server")
    return OdooClient(
        url,
        os.environ["ODOO_DB"],
        os.environ.get("ODOO_USER", "admin"),
        os.environ.get("ODOO_PASSWORD", "admin"),
    )


CRITERIA = (
    "revenue",
    "margin",
    "frequency",
    "recency",
    "growth",
    "payment",
    "potential",
    "complaints",
)


@pytest.fixture(scope="session")
def criteria():
    """The grading criteria, each with a `weight_<criterion>` on the policy."""
    return CRITERIA


@pytest.fixture(scope="session")
def grading_policy_id(odoo):
    """The id list of the current company's grading policy, made if missing."""
    company_id = odoo.call("res.users", "read", [odoo.uid], fields=["company_id"])[0][
        "company_id"
    ][0]
    return odoo.call(
        "logistics.grading.policy", "search", [("company_id", "=", company_id)]
    ) or [odoo.call("logistics.grading.policy", "create", {"company_id": company_id})]
