"""What users see on the complaint and SLA screens: the customer's rating,
a complaints list that reads in full at 1366 px, an analysis that counts, the
complaints of a credit note, and an SLA compliance graph without invented 0 %
months. Each is driven in the browser, as the user sees it."""

import json
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import Command
from odoo.tests import HttpCase, tagged
from odoo.tools import date_utils

from .common import LogisticsCrmCase

MODULE = "logistics_crm"
# tags of the views whose fields are drawn by field widgets
VIEW_TAGS = {"form", "list", "kanban", "calendar", "activity", "pivot", "graph"}

# (customer, contact, type, stage, subject): open complaints as the demo has them
OPEN_COMPLAINTS = [
    (
        "Jiuzhou Pharma Distribution 九州医药",
        "Wang Fang 王芳",
        "documentation",
        "waiting",
        "Temperature log missing from the delivery documents",
    ),
    (
        "Changjiang Auto Parts 长江汽配",
        "Liu Yang 刘洋",
        "wrong_item",
        "in_progress",
        "Wrong part numbers picked for the Wuhan plant",
    ),
    (
        "Huaxin Electronics 华新电子",
        "Li Na 李娜",
        "billing",
        "waiting",
        "Credit of the returned pallet not yet on the statement",
    ),
    (
        "Youpin E-commerce 优品电商",
        "Zhang Wei 张伟",
        "short",
        "in_progress",
        "Short delivery: 40 parcels missing",
    ),
    (
        "Green Valley Fresh 绿谷生鲜",
        "Chen Jing 陈静",
        "damaged",
        "new",
        "Frozen dumplings thawed on arrival",
    ),
]


@tagged("post_install", "-at_install")
class TestComplaintScreens(HttpCase, LogisticsCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.admin = ref("base.user_admin")
        cls.goods = cls.env["product.product"].create(
            {"name": "Cartons", "type": "consu", "list_price": 50.0}
        )
        customers, complaints = {}, cls.env["logistics.complaint"]
        for index, (name, contact, type_key, stage_key, subject) in enumerate(
            OPEN_COMPLAINTS
        ):
            customer = cls._customer(name)
            customers[name] = customer
            # ranked revenue: the customers get different tiers
            cls._orders([(customer, 20000 - 4000 * index, 10)])
            order = cls.env["sale.order"].create(
                {
                    "partner_id": customer.id,
                    "order_line": [
                        Command.create(
                            {"product_id": cls.goods.id, "product_uom_qty": 8}
                        )
                    ],
                }
            )
            order.action_confirm()
            complaints |= complaints.create(
                {
                    "name": subject,
                    "partner_id": cls.env["res.partner"]
                    .create({"name": contact, "parent_id": customer.id})
                    .id,
                    # some arrive without a responsible, and get the default
                    # one with an activity
                    "user_id": index % 2 and cls.admin.id,
                    "sale_order_id": order.id,
                    "picking_id": order.picking_ids[:1].id,
                    "complaint_type_id": ref(f"{MODULE}.complaint_type_{type_key}").id,
                    "stage_id": ref(f"{MODULE}.complaint_stage_{stage_key}").id,
                    "claim_amount": 480.0,
                }
            )
        cls._set_weights(revenue=1)
        cls._grade()
        cls.open_complaints = complaints

        # closed, and rated by the customer from the rating e-mail
        youpin = customers["Youpin E-commerce 优品电商"]
        cls.rated = complaints.create(
            {
                "name": "Crushed cartons: 12 units of skin care damaged",
                "partner_id": youpin.child_ids[:1].id,
                "complaint_type_id": ref(f"{MODULE}.complaint_type_damaged").id,
                "damaged_qty": 12,
                "claim_amount": 2400.0,
            }
        )
        cls.rated.write(
            {
                "root_cause_id": ref(f"{MODULE}.complaint_cause_packaging").id,
                "resolution": "Damaged goods replaced.",
                "compensation_amount": 1800.0,
                "stage_id": ref(f"{MODULE}.complaint_stage_closed").id,
            }
        )
        cls.rated.rating_apply(
            5,
            token=cls.rated._rating_get_access_token(),
            feedback="Very fast and professional, thank you.",
        )

        # compensated by a credit note of the invoice
        huaxin = customers["Huaxin Electronics 华新电子"]
        cls.invoice = cls._invoice(huaxin, 3200.0, 30, 0)
        cls.compensated = complaints.create(
            {
                "name": "Forklift damage to one pallet of displays",
                "partner_id": huaxin.id,
                "invoice_id": cls.invoice.id,
                "complaint_type_id": ref(f"{MODULE}.complaint_type_damaged").id,
                "stage_id": ref(f"{MODULE}.complaint_stage_in_progress").id,
                "compensation_amount": 2500.0,
            }
        )
        cls.compensated.action_create_credit_note()
        cls.credit_note = cls.compensated.credit_note_id

    def test_complaint_form_shows_the_rating(self):
        self.assertEqual(self.rated.rating_last_value, 5)
        self.start_tour(
            "/odoo/logistics-complaints?view_type=list",
            "logistics_crm_complaint_rating_tour",
            login="admin",
        )

    def test_complaint_list_reads_in_full_at_1366px(self):
        self.assertEqual(self.browser_size, "1366x768")
        self.start_tour(
            "/odoo/logistics-complaints?view_type=list",
            "logistics_crm_complaint_list_tour",
            login="admin",
        )

    def test_complaint_analysis_counts_complaints(self):
        self.start_tour(
            "/odoo/action-logistics_crm.logistics_complaint_action_analysis",
            "logistics_crm_complaint_analysis_tour",
            login="admin",
        )

    def test_credit_note_counts_and_opens_its_complaint(self):
        self.assertEqual(self.credit_note.move_type, "out_refund")
        self.assertEqual(self.credit_note.complaint_count, 1)
        self.assertEqual(self.invoice.complaint_count, 1)
        action = self.credit_note.action_view_complaints()
        self.assertEqual(
            self.env["logistics.complaint"].search(action["domain"]), self.compensated
        )
        self.start_tour(
            f"/odoo/account.move/{self.credit_note.id}",
            "logistics_crm_credit_note_complaints_tour",
            login="admin",
        )


@tagged("post_install", "-at_install")
class TestSlaComplianceScreens(HttpCase, LogisticsCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        this_month = date_utils.start_of(cls.today, "month")

        def mid_month(months_ago, day=15):
            month = this_month - relativedelta(months=months_ago)
            return datetime.combine(month.replace(day=day), time(12, 0))

        customer = cls._customer("Kaida Cold Chain 凯达冷链")
        # (months ago, state): the statuses of the orders of the last months
        statuses = [
            (14, "failed"),  # more than 12 months ago: out of the analysis
            (4, "reached"),
            (4, "failed"),
            (3, "paused"),
            (1, "reached"),
            (0, "warning"),
            (0, "ongoing"),
        ]
        orders = cls._orders([(customer, 1000, 1)] * len(statuses))
        for order, (months_ago, state) in zip(orders, statuses, strict=True):
            deadline = mid_month(months_ago, 15 if state != "ongoing" else 16)
            vals = {"deadline": deadline, "state": state}
            if state in ("reached", "failed"):
                vals["reached_on"] = deadline + timedelta(
                    hours=-2 if state == "reached" else 2
                )
            order.sla_status_ids.write(vals)
        cls.statuses = orders.sla_status_ids
        assert len(cls.statuses) == len(statuses)

    def test_compliance_graph_and_status_list(self):
        self.start_tour(
            "/odoo/action-logistics_crm.logistics_sla_status_action",
            "logistics_crm_sla_compliance_tour",
            login="admin",
        )


@tagged("post_install", "-at_install")
class TestViewWidgets(HttpCase):
    """Every field widget of the addon's views fits the type of its field, as
    the web client's own field registry says; a widget that does not fit draws
    wrongly and warns in the browser console on every form it is on."""

    def _widget_uses(self):
        uses = []
        for data in self.env["ir.model.data"].search(
            [("module", "=", MODULE), ("model", "=", "ir.ui.view")]
        ):
            view = self.env["ir.ui.view"].browse(data.res_id)
            if view.type in ("qweb", "search"):
                continue
            arch = etree.fromstring(view.arch_db.encode())
            self._collect(arch, view.model, view.type, data.name, uses)
        return uses

    def _collect(self, node, model, view_type, view, uses):
        for child in node:
            if not isinstance(child.tag, str):
                continue  # a comment
            child_type = child.tag if child.tag in VIEW_TAGS else view_type
            if child.tag == "xpath":
                self.assertNotRegex(
                    child.get("expr"),
                    r"/(list|form|kanban)\b",
                    f"{view}: teach this test the model of a sub-view",
                )
            if child.tag != "field" or child.get("position"):
                self._collect(child, model, child_type, view, uses)
                continue
            field = self.env[model]._fields[child.get("name")]
            if child.get("widget"):
                uses.append(
                    {
                        "view": view,
                        "viewType": view_type,
                        "field": f"{model}.{field.name}",
                        "fieldType": field.type,
                        "widget": child.get("widget"),
                    }
                )
            # the fields inside a relational field are its sub-views'
            self._collect(child, field.comodel_name or model, child_type, view, uses)

    def test_every_widget_fits_its_field(self):
        uses = self._widget_uses()
        self.assertIn(
            {
                "view": "logistics_complaint_view_form",
                "viewType": "form",
                "field": "logistics.complaint.priority",
                "fieldType": "selection",
                "widget": "priority",
            },
            uses,
        )
        self.assertGreater(len(uses), 50)
        # the web client's own lookup (getFieldFromRegistry): "<view type>.<widget>"
        # first, then "<widget>"; a widget absent from this database is left out
        code = """
            const registry = odoo.loader.modules.get("@web/core/registry").registry;
            const fields = registry.category("fields");
            const problems = [];
            for (const use of %s) {
                const key = [`${use.viewType}.${use.widget}`, use.widget].find(
                    (k) => fields.contains(k)
                );
                const supported = key && fields.get(key).supportedTypes;
                if (supported && !supported.includes(use.fieldType)) {
                    problems.push(
                        `${use.view}: widget ${use.widget} on ${use.fieldType} ` +
                        `field ${use.field} (supports ${supported.join(", ")})`
                    );
                }
            }
            if (problems.length) {
                problems.unshift("Widgets unfit for their field:");
                console.error(problems.join("\\n"));
            } else {
                console.log("test successful");
            }
        """ % json.dumps(uses)
        # no onboarding tour starting while the check runs (start_tour does the
        # same): its bundle would still be loading when the browser closes
        self.env.ref("base.user_admin").tour_enabled = False
        self.browser_js("/odoo", code, "odoo.isReady === true", login="admin")
