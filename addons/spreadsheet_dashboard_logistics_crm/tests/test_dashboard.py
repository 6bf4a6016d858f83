import json
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged
from odoo.tools import file_open

from odoo.addons.logistics_crm.tests.common import LogisticsCrmCase

JSON_PATH = (
    "spreadsheet_dashboard_logistics_crm/data/files/logistics_crm_dashboard.json"
)
SALESMAN = "sales_team.group_sale_salesman,logistics_crm.logistics_crm_group_user"


class DashboardCase(LogisticsCrmCase):
    """Alpha (Key account, Sam) and Beta (General, Lee), served over the last
    three months: Alpha's two orders are delivered on time, Beta's one is
    delivered late and complained about. Alpha has an open retention case and
    a retained one, Beta a lost one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["logistics.sla.policy"].search([]).action_archive()
        cls.env["logistics.sla.policy"].create(
            {
                "name": "Default",
                "calendar_id": cls._utc_calendar().id,
                "delivery_lead_days": 3,
                "on_time_target": 90,
                "otif_target": 80,
                "fill_rate_target": 95,
                "damage_rate_max": 10,
            }
        )
        cls.sam = new_test_user(cls.env, "dash_sam", name="Sam Seller", groups=SALESMAN)
        cls.lee = new_test_user(cls.env, "dash_lee", name="Lee Seller", groups=SALESMAN)
        cls.goods = cls.env["product.product"].create(
            {"name": "Cartons", "type": "consu", "list_price": 10.0}
        )
        cls.alpha = cls._customer("Alpha Freight", user_id=cls.sam.id)
        cls.beta = cls._customer("Beta Parcels", user_id=cls.lee.id)
        for partner, tier in ((cls.alpha, cls.tier_a), (cls.beta, cls.tier_c)):
            partner.write(
                {
                    "customer_tier_locked": True,
                    "customer_tier_id": tier.id,
                    "customer_tier_lock_reason": "Dashboard test",
                }
            )
        start = datetime.combine(cls.today.replace(day=1), time(9))
        two_months_ago = start - relativedelta(months=2)
        last_month = start - relativedelta(months=1)
        cls._deliver(cls._goods_order(cls.alpha, two_months_ago), two_months_ago)
        cls._deliver(cls._goods_order(cls.alpha, last_month), last_month)
        beta_order = cls._goods_order(cls.beta, last_month, qty=30)
        cls._deliver(beta_order, last_month + timedelta(days=15))
        with freeze_time(last_month + timedelta(days=16)):
            cls.env["logistics.complaint"].create(
                {
                    "name": "Late again",
                    "partner_id": cls.beta.id,
                    "complaint_type_id": cls.env.ref(
                        "logistics_crm.complaint_type_late"
                    ).id,
                }
            )
        with freeze_time(last_month + timedelta(days=20)):
            cls.env["logistics.retention.case"].create(
                [
                    {"partner_id": cls.alpha.id},
                    {"partner_id": cls.alpha.id, "state": "retained"},
                    {
                        "partner_id": cls.beta.id,
                        "state": "lost",
                        "churn_reason_id": cls.env.ref(
                            "logistics_crm.churn_reason_service"
                        ).id,
                    },
                ]
            )
        cls.dashboard = cls.env.ref(
            "spreadsheet_dashboard_logistics_crm.spreadsheet_dashboard_logistics_crm"
        )
        with file_open(JSON_PATH) as f:
            cls.data = json.load(f)

    @classmethod
    def _goods_order(cls, partner, when, qty=10):
        with freeze_time(when):
            order = cls.env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "order_line": [
                        Command.create(
                            {"product_id": cls.goods.id, "product_uom_qty": qty}
                        )
                    ],
                }
            )
            order.action_confirm()
        return order

    @classmethod
    def _deliver(cls, order, when):
        picking = order.picking_ids
        with freeze_time(when):
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty
            picking.button_validate()

    def _pivot_groups(self, pivot_id, user, extra_domain=()):
        """The grouped read a pivot of the dashboard makes, as ``user``."""
        pivot = self.data["pivots"][pivot_id]
        groupby = [
            f"{row['fieldName']}:{row['granularity']}"
            if "granularity" in row
            else row["fieldName"]
            for row in pivot["rows"]
        ]
        aggregates = [
            "__count"
            if m["fieldName"] == "__count"
            else f"{m['fieldName']}:{m['aggregator']}"
            for m in pivot["measures"]
        ]
        domain = pivot["domain"] + list(extra_domain)
        return (
            self.env[pivot["model"]]
            .with_user(user)
            .formatted_read_group(domain, groupby, aggregates)
        )


@tagged("post_install", "-at_install")
class TestDashboardDefinition(DashboardCase):
    def test_listed_in_logistics_group_for_logistics_users(self):
        self.assertEqual(
            self.dashboard.dashboard_group_id,
            self.env.ref("spreadsheet_dashboard.spreadsheet_dashboard_group_logistics"),
        )
        self.assertEqual(self.dashboard.dashboard_group_id.name, "Logistics")
        self.assertTrue(self.dashboard.is_published)
        action = self.env.ref(
            "spreadsheet_dashboard_logistics_crm.menu_dashboard"
        ).action
        self.assertEqual(action.tag, "action_spreadsheet_dashboard")
        self.assertEqual(action.params, {"dashboard_id": self.dashboard.id})
        self.assertEqual(json.loads(self.dashboard.spreadsheet_data), self.data)

    def test_every_filter_reaches_every_source_it_applies_to(self):
        filters = {f["label"]: f["id"] for f in self.data["globalFilters"]}
        self.assertEqual(set(filters), {"Period", "Tier", "Salesperson", "Company"})
        sources = [
            *self.data["pivots"].values(),
            *self.data["lists"].values(),
            *(
                {**fig["data"], "model": fig["data"]["metaData"]["resModel"]}
                for fig in self.data["sheets"][0]["figures"]
                if fig["data"]["type"].startswith("odoo_")
            ),
        ]
        self.assertEqual(len(sources), 12)
        for source in sources:
            Model = self.env[source["model"]]
            expected = {"Tier", "Salesperson"}
            if source["model"] != "res.partner":
                # a partner's tier is the current company's: no period, no company
                expected |= {"Period", "Company"}
            matched = {
                label
                for label, fid in filters.items()
                if fid in source["fieldMatching"]
            }
            self.assertEqual(matched, expected, source.get("name", source["model"]))
            domain = source.get("domain", source.get("searchParams", {}).get("domain"))
            Model.search(domain, limit=1)  # a valid domain of the source's model
            for match in source["fieldMatching"].values():
                # the chain is a searchable path of the source's model
                Model.search([(match["chain"], "!=", False)], limit=1)

    def test_pivot_cells_and_charts_drill_down(self):
        """Odoo pivots drill down from any cell computed by one pivot formula
        and Odoo charts from any point: the figures here are such cells and
        charts, and the list cells open their record."""
        cells = self.data["sheets"][0]["cells"]
        pivot_formulas = [c for c in cells.values() if "PIVOT" in c]
        self.assertTrue(pivot_formulas)
        for content in pivot_formulas:
            if content.startswith("=IF("):
                continue  # shares computed from pivot values, next to them
            self.assertEqual(content.count("PIVOT"), 1, content)
        for pivot in self.data["pivots"].values():
            self.assertEqual(pivot["type"], "ODOO")
        kinds = {fig["data"]["type"] for fig in self.data["sheets"][0]["figures"]}
        self.assertLessEqual({"odoo_bar", "odoo_pie"}, kinds)
        # charts drawn from cell ranges open the scorecard analysis
        self.assertEqual(
            set(self.data["chartOdooMenusReferences"].values()),
            {"logistics_crm.logistics_customer_scorecard_menu"},
        )
        self.env.ref("logistics_crm.logistics_customer_scorecard_menu")

    def test_tier_pivot_is_the_scorecard_for_any_tier_filter(self):
        Scorecard = self.env["logistics.customer.scorecard"]
        for tier_domain in ([], [("tier_id", "in", self.tier_a.ids)]):
            groups = {
                g["tier_id"][0]: g
                for g in self._pivot_groups("1", self.env.user, tier_domain)
            }
            expected = Scorecard._read_group(
                tier_domain, ["tier_id"], ["revenue:sum", "order_count:sum"]
            )
            self.assertEqual(
                {tier.id: (rev, n) for tier, rev, n in expected},
                {
                    t: (g["revenue:sum"], g["order_count:sum"])
                    for t, g in groups.items()
                },
            )
        alpha = self._pivot_groups(
            "1", self.env.user, [("tier_id", "=", self.tier_a.id)]
        )
        self.assertEqual(alpha[0]["partner_id:count_distinct"], 1)
        self.assertEqual(alpha[0]["revenue:sum"], 200.0)

    def test_worst_on_time_customers_come_first(self):
        rows = self._pivot_groups("5", self.env.user)
        rates = {g["partner_id"][0]: g["on_time_rate:avg"] for g in rows}
        self.assertEqual(rates, {self.alpha.id: 100.0, self.beta.id: 0.0})
        sort = self.data["pivots"]["5"]["sortedColumn"]
        self.assertEqual((sort["measure"], sort["order"]), ("on_time_rate:avg", "asc"))

    def test_retention_figures(self):
        states = {
            g["state"]: g["__count"] for g in self._pivot_groups("6", self.env.user)
        }
        self.assertEqual(states, {"open": 1, "retained": 1, "lost": 1})
        [total] = self.env["logistics.retention.case"].formatted_read_group(
            [], [], ["save_rate:avg"]
        )
        self.assertEqual(total["save_rate:avg"], 50.0)
        lost = self._pivot_groups("7", self.env.user)
        self.assertEqual(
            [(g["churn_reason_id"][0], g["__count"]) for g in lost],
            [(self.env.ref("logistics_crm.churn_reason_service").id, 1)],
        )

    def test_complaints_per_type(self):
        [late] = self._pivot_groups("3", self.env.user)
        self.assertEqual(late["__count"], 1)
        self.assertEqual(
            late["complaint_type_id"][0],
            self.env.ref("logistics_crm.complaint_type_late").id,
        )


@tagged("post_install", "-at_install")
class TestDashboardAccess(DashboardCase):
    def test_salesperson_sees_own_customers_figures(self):
        """Record rules apply through the data sources: a salesperson limited
        to own documents reads only their customers' figures."""
        for user, partner, revenue, on_time in (
            (self.sam, self.alpha, 200.0, 100.0),
            (self.lee, self.beta, 300.0, 0.0),
        ):
            worst = self._pivot_groups("5", user)
            self.assertEqual([g["partner_id"][0] for g in worst], partner.ids)
            tiers = self._pivot_groups("1", user)
            self.assertEqual(sum(g["revenue:sum"] for g in tiers), revenue)
            self.assertEqual(
                {g["on_time_rate:avg"] for g in self._pivot_groups("2", user)},
                {on_time},
            )
            self.assertIn(
                self.dashboard,
                self.env["spreadsheet.dashboard"].with_user(user).search([]),
            )

    def test_portal_user_cannot_open_it(self):
        portal = new_test_user(self.env, "dash_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            self.dashboard.with_user(portal).check_access("read")
        internal = new_test_user(self.env, "dash_internal", groups="base.group_user")
        self.assertFalse(
            self.env["spreadsheet.dashboard"]
            .with_user(internal)
            .search([("id", "=", self.dashboard.id)])
        )


@tagged("post_install", "-at_install")
class TestDashboardTour(HttpCase, DashboardCase):
    def test_open_filter_and_drill_down(self):
        new_test_user(
            self.env,
            "dash_boss",
            name="Dana Boss",
            groups="logistics_crm.logistics_crm_group_manager,"
            "sales_team.group_sale_salesman_all_leads",
        )
        self.start_tour(
            "/odoo/action-logistics_crm.logistics_customer_scorecard_action",
            "logistics_crm_dashboard_tour",
            login="dash_boss",
        )

    def test_portal_user_gets_no_dashboard_data(self):
        new_test_user(
            self.env,
            "dash_portal2",
            password="dash_portal2pw",
            groups="base.group_portal",
        )
        self.authenticate("dash_portal2", "dash_portal2pw")
        response = self.url_open(f"/spreadsheet/dashboard/data/{self.dashboard.id}")
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn(b"snapshot", response.content)
