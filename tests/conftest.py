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
