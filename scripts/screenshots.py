#!/usr/bin/env python3
"""Take the Apps-page screenshots of logistics_crm from a running Odoo.

The server must serve a database where logistics_crm is installed with its
demo data (admin / admin, portal user greenvalley / greenvalley). The script
drives headless Chromium over the Chrome DevTools protocol (websocket-client,
which Odoo's own requirements install) and writes optimised PNGs to
addons/logistics_crm/static/description/.

    make run &        # database logistics_crm with demo data on port 8069
    /opt/odoo-venv/bin/python scripts/screenshots.py --db logistics_crm

Options: --chromium PATH, --out DIR, --only NAME[,NAME] (shot names below).
"""

import argparse
import base64
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "addons", "logistics_crm", "static", "description")
WIDTH, HEIGHT = 1440, 900

READY = """(() => {
    const busy = document.querySelector('.o_loading_indicator, .o_blockUI');
    return !busy && !!document.querySelector(%s);
})()"""

CLICK_TEXT = """(() => {
    const el = [...document.querySelectorAll(%s)]
        .find((e) => e.textContent.trim() === %s);
    if (el) { el.click(); }
    return !!el;
})()"""

SORT_DESC = (
    """document.querySelector('.o_list_renderer th[data-name=' + %s + ']').click()"""
)


class Browser:
    """A headless Chromium page driven over the DevTools protocol."""

    def __init__(self, chromium, base_url):
        self.base_url = base_url.rstrip("/")
        self.profile = tempfile.mkdtemp(prefix="lcrm-shots-")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.process = subprocess.Popen(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--lang=en-US",
                f"--user-data-dir={self.profile}",
                f"--window-size={WIDTH},{HEIGHT}",
                f"--remote-debugging-port={port}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        targets = self._wait_json(f"http://127.0.0.1:{port}/json/list")
        page = next(t for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(
            page["webSocketDebuggerUrl"], timeout=60, suppress_origin=True
        )
        self.next_id = 0
        self.send("Page.enable")
        self.resize(HEIGHT)

    @staticmethod
    def _wait_json(url, timeout=30):
        deadline = time.time() + timeout
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    return json.load(response)
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.3)

    def send(self, method, **params):
        self.next_id += 1
        self.ws.send(
            json.dumps({"id": self.next_id, "method": method, "params": params})
        )
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.send(
            "Runtime.evaluate",
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:80]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def resize(self, height):
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def goto(self, path, selector, timeout=60):
        self.send("Page.navigate", url=self.base_url + path)
        self.wait(selector, timeout)

    def wait(self, selector, timeout=60):
        deadline = time.time() + timeout
        while not self.evaluate(READY % json.dumps(selector)):
            if time.time() > deadline:
                raise TimeoutError(f"{selector} not shown")
            time.sleep(0.3)
        time.sleep(1.2)  # animations, charts and lazy widgets

    def click_text(self, selector, text):
        if not self.evaluate(CLICK_TEXT % (json.dumps(selector), json.dumps(text))):
            raise RuntimeError(f"no {selector} reading {text!r}")

    def login(self, db, login, password):
        self.goto(f"/web/login?db={db}", "form input[name=login]")
        self.evaluate(
            f"""(() => {{
            const form = document.querySelector('form input[name=login]').form;
            form.login.value = {json.dumps(login)};
            form.password.value = {json.dumps(password)};
            form.submit();
        }})()"""
        )
        time.sleep(1)
        self.wait(".o_web_client, #wrapwrap, .o_portal")

    def rpc(self, model, method, args, **kwargs):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": kwargs,
            },
        }
        return self.evaluate(
            f"""fetch('/web/dataset/call_kw', {{method: 'POST',
                headers: {{'Content-Type': 'application/json'}},
                body: JSON.stringify({json.dumps(payload)})}})
            .then((r) => r.json()).then((r) => r.result)"""
        )

    def capture(self, out, name):
        # mails rendered at install time link their images to the base URL
        # of then (localhost:8069); show them from the server shot instead
        self.evaluate(
            """document.querySelectorAll('img').forEach((img) => {
                const url = new URL(img.src, location.href);
                if (url.origin !== location.origin && url.hostname === 'localhost') {
                    img.src = location.origin + url.pathname + url.search;
                }
            })"""
        )
        time.sleep(0.5)
        data = base64.b64decode(
            self.send("Page.captureScreenshot", format="png")["data"]
        )
        image = Image.open(io.BytesIO(data)).convert("RGB")
        # UI screenshots have few colours: a 256-colour palette keeps them sharp
        image = image.quantize(256, method=Image.Quantize.FASTOCTREE)
        os.makedirs(out, exist_ok=True)
        path = os.path.join(out, f"{name}.png")
        image.save(path, optimize=True)
        print(f"{path}: {os.path.getsize(path) // 1024} KB")

    def close(self):
        self.ws.close()
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


def first_id(browser, model, domain):
    ids = browser.rpc(model, "search", [domain], limit=1)
    if not ids:
        sys.exit(f"no {model} matching {domain}: is the demo data loaded?")
    return ids[0]


def backend_shots(browser, out, wanted):
    customer = first_id(browser, "res.partner", [("name", "like", "Youpin E-commerce")])
    complaint = first_id(
        browser,
        "logistics.complaint",
        [("name", "=", "Forklift damage to one pallet of displays")],
    )
    shots = {
        "customers_by_tier": (
            "/odoo/customers-by-tier",
            ".o_kanban_record",
            None,
            HEIGHT,
        ),
        "customer_value": (
            f"/odoo/customers-by-tier/{customer}",
            ".o_form_view .o_form_sheet",
            lambda: browser.click_text(".o_notebook .nav-link", "Customer Value"),
            1250,
        ),
        "customer_scorecard": (
            f"/odoo/customers-by-tier/{customer}",
            ".o_form_view .o_form_sheet",
            lambda: (
                browser.click_text(".o_notebook .nav-link", "Customer Value"),
                time.sleep(0.5),
                browser.evaluate(
                    "document.querySelector('[name=scorecard_html]')"
                    ".scrollIntoView({block: 'center'})"
                ),
            ),
            HEIGHT,
        ),
        "scorecard_pivot": (
            "/odoo/customer-scorecards",
            ".o_pivot table",
            None,
            HEIGHT,
        ),
        "scorecard_graph": (
            "/odoo/customer-scorecards?view_type=graph",
            ".o_graph_renderer canvas",
            None,
            HEIGHT,
        ),
        "complaint_kanban": (
            "/odoo/action-logistics_crm.logistics_complaint_action",
            ".o_kanban_record",
            None,
            HEIGHT,
        ),
        "complaint_form": (
            f"/odoo/action-logistics_crm.logistics_complaint_action/{complaint}",
            ".o_form_view .o_form_sheet",
            None,
            HEIGHT,
        ),
        "sla_status_list": (
            "/odoo/action-logistics_crm.logistics_sla_status_action?view_type=list",
            ".o_list_renderer .o_data_row",
            # the latest deadlines first: open, at-risk and breached statuses
            lambda: (
                browser.evaluate(SORT_DESC % json.dumps("deadline")),
                time.sleep(1.5),
                browser.evaluate(SORT_DESC % json.dumps("deadline")),
            ),
            HEIGHT,
        ),
        "dashboard": (
            "/odoo/action-spreadsheet_dashboard_logistics_crm.spreadsheet_dashboard_action",
            ".o-spreadsheet .o-grid",
            None,
            1000,
        ),
    }
    for name, (path, selector, prepare, height) in shots.items():
        if wanted and name not in wanted:
            continue
        browser.resize(height)
        browser.goto(path, selector)
        if prepare:
            prepare()
            time.sleep(1.5)
        browser.capture(out, name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="logistics_crm")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    parser.add_argument("--out", default=OUT)
    parser.add_argument("--only", default="", help="comma-separated shot names")
    options = parser.parse_args()
    wanted = {name for name in options.only.split(",") if name}

    browser = Browser(options.chromium, options.url)
    try:
        browser.login(options.db, "admin", "admin")
        backend_shots(browser, options.out, wanted)
        if not wanted or "portal_scorecard" in wanted:
            browser.goto("/web/session/logout", "form input[name=login], #wrapwrap")
            browser.login(options.db, "greenvalley", "greenvalley")
            browser.resize(1000)
            browser.goto("/my/scorecard", "#wrapwrap table")
            browser.capture(options.out, "portal_scorecard")
    finally:
        browser.close()


if __name__ == "__main__":
    main()
