"""Two companies sharing the same two customers: each company grades, serves
and measures them on its own figures, and its users see nothing of the other.
"""

import logging

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.logistics_crm.models.grading_policy import CRITERIA

from .common import LogisticsCrmCase
from .test_security_partner import lock_tier, unlock_tier

_logger = logging.getLogger(__name__)

# the models whose records belong to one company, and what a user reads on them
COMPANY_MODELS = {
    "logistics.complaint": "name",
    "logistics.sla.status": "state",
    "logistics.grade.history": "score",
    "logistics.customer.scorecard": "revenue",
    "logistics.sla.policy": "delivery_lead_days",
    "logistics.grading.policy": "window_days",
}


@tagged("post_install", "-at_install")
class TestMultiCompany(LogisticsCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.c1 = cls.company
        cls.c2 = cls.env["res.company"].create({"name": "Second Freight"})
        cls.policy1 = cls.policy
        cls.policy2 = cls.env["logistics.grading.policy"]._get_for_company(cls.c2)
        (cls.policy1 | cls.policy2).write(
            {f"weight_{c}": float(c == "revenue") for c in CRITERIA}
        )
        cls.sla2 = cls.env["logistics.sla.policy"].create(
            {
                "name": "Second standard",
                "company_id": cls.c2.id,
                "calendar_id": cls.c2.resource_calendar_id.id,
                "delivery_lead_days": 5,
                "on_time_target": 80.0,
                "target_ids": [
                    Command.create({"response_hours": 16, "resolution_hours": 80})
                ],
            }
        )
        # shared customers: X buys big from company 1, Y from company 2
        cls.x, cls.y = cls._customer("Xenon Shipping"), cls._customer("Yak Cargo")
        cls._orders([(cls.x, 10000, 5), (cls.y, 100, 5)])
        cls._orders(
            [(cls.x, 100, 5), (cls.x, 100, 20), (cls.x, 100, 40), (cls.y, 10000, 5)],
            company=cls.c2,
        )
        (cls.policy1 | cls.policy2).action_compute_grades()
        Complaint = cls.env["logistics.complaint"]
        cls.complaint1 = Complaint.create(
            {"name": "Pallets crushed (company 1)", "partner_id": cls.x.id}
        )
        cls.complaint2 = Complaint.with_company(cls.c2).create(
            {
                "name": "Late truck (company 2)",
                "partner_id": cls.x.id,
                "company_id": cls.c2.id,
            }
        )
        cls.user1, cls.user2, cls.user12 = (
            new_test_user(
                cls.env,
                login,
                groups=f"logistics_crm.logistics_crm_group_{group}",
                company_id=companies[0].id,
                company_ids=[Command.set(companies.ids)],
            )
            for login, group, companies in (
                ("mc_user1", "manager", cls.c1),
                ("mc_user2", "manager", cls.c2),
                ("mc_user12", "user", cls.c1 | cls.c2),
            )
        )
        cls.env.flush_all()

    def _of(self, company, model):
        return self.env[model].search([("company_id", "=", company.id)])

    # ------------------------------------------------------------------
    # Each company's own figures
    # ------------------------------------------------------------------

    def test_grades_follow_each_companys_sales(self):
        expected = {
            self.c1: {self.x: (100.0, self.tier_a), self.y: (0.0, self.tier_d)},
            self.c2: {self.x: (0.0, self.tier_d), self.y: (100.0, self.tier_a)},
        }
        checked = 0
        for company, customers in expected.items():
            for partner, (score, tier) in customers.items():
                graded = partner.with_company(company)
                self.assertEqual(graded.customer_score, score)
                self.assertEqual(graded.customer_tier_id, tier)
                history = self.env["logistics.grade.history"].search(
                    [("partner_id", "=", partner.id), ("company_id", "=", company.id)]
                )
                self.assertEqual(len(history), 1)
                self.assertEqual((history.score, history.tier_id), (score, tier))
                checked += 1
        # the same partner row holds both companies' values
        self.env.cr.execute(
            "SELECT customer_score FROM res_partner WHERE id = %s", [self.x.id]
        )
        self.assertEqual(
            self.env.cr.fetchone()[0],
            {str(self.c1.id): 100.0, str(self.c2.id): 0.0},
        )
        self.assertEqual(self.x.with_company(self.c1).customer_revenue, 10000.0)
        self.assertEqual(self.x.with_company(self.c2).customer_revenue, 300.0)
        _logger.info("multi-company: %s company grades checked", checked)

    def test_grading_weights_are_per_company(self):
        self.policy2.write({"weight_revenue": 0.0, "weight_frequency": 1.0})
        self.policy2.with_user(self.user2).action_compute_grades()
        # company 2 now values X's three orders over Y's single big one
        self.assertEqual(self.x.with_company(self.c2).customer_tier_id, self.tier_a)
        self.assertEqual(self.y.with_company(self.c2).customer_tier_id, self.tier_d)
        # company 1 keeps its weights and its grades
        self.assertEqual(self.policy1.weight_revenue, 1.0)
        self.assertEqual(self.policy1.weight_frequency, 0.0)
        self.assertEqual(self.x.with_company(self.c1).customer_tier_id, self.tier_a)
        self.assertEqual(self.y.with_company(self.c1).customer_tier_id, self.tier_d)
        self.assertEqual(
            self.env["logistics.grade.history"].search_count(
                [("company_id", "=", self.c1.id)]
            ),
            2,
        )
        # each user's partner form shows its own company's weights
        x1, x2 = self.x.with_user(self.user1), self.x.with_user(self.user2)
        self.assertEqual(x1.customer_grading_policy_id, self.policy1)
        self.assertEqual(x2.customer_grading_policy_id, self.policy2)
        self.assertEqual(
            (x1.customer_weight_revenue, x1.customer_weight_frequency), (1.0, 0.0)
        )
        self.assertEqual(
            (x2.customer_weight_revenue, x2.customer_weight_frequency), (0.0, 1.0)
        )

    def test_a_manager_regrades_and_locks_only_in_their_company(self):
        with self.assertRefused(AccessError, "Customer Grading Policy"):
            self.policy1.with_user(self.user2).action_compute_grades()
        lock_tier(self.x, self.user2, self.tier_b, "Company 2 contract")
        self.assertEqual(self.x.with_company(self.c2).customer_tier_id, self.tier_b)
        self.assertTrue(self.x.with_company(self.c2).customer_tier_locked)
        self.assertEqual(self.x.with_company(self.c1).customer_tier_id, self.tier_a)
        self.assertFalse(self.x.with_company(self.c1).customer_tier_locked)
        # company 1's regrade leaves company 2's lock alone
        self.policy1.with_user(self.user1).action_compute_grades()
        self.assertEqual(self.x.with_company(self.c2).customer_tier_id, self.tier_b)
        unlock_tier(self.x, self.user2)
        self.assertEqual(self.x.with_company(self.c2).customer_tier_id, self.tier_d)
        self.assertEqual(self.x.with_company(self.c1).customer_tier_id, self.tier_a)

    def test_sla_policies_and_statuses_per_company(self):
        self.assertEqual(self.x.with_user(self.user2).sla_policy_id, self.sla2)
        policy1 = self.x.with_user(self.user1).sla_policy_id
        self.assertEqual(policy1.company_id, self.c1)
        # X is a key account in company 1 only
        self.assertEqual(policy1, self.env.ref("logistics_crm.sla_policy_key_account"))
        self.assertEqual(
            self.y.with_user(self.user1).sla_policy_id,
            self.env.ref("logistics_crm.sla_policy_standard"),
        )
        Status = self.env["logistics.sla.status"]
        for company, orders, sla in (
            (self.c1, 2, None),
            (self.c2, 4, self.sla2),
        ):
            statuses = Status.search([("company_id", "=", company.id)])
            deliveries = statuses.filtered(lambda s: s.kind == "delivery")
            self.assertEqual(len(deliveries), orders)
            self.assertEqual(deliveries.sale_order_id.company_id, company)
            self.assertEqual(statuses.policy_id.company_id, company)
            complaints = statuses.complaint_id
            self.assertEqual(len(complaints), 1)
            self.assertEqual(complaints.company_id, company)
            if sla:
                self.assertEqual(statuses.policy_id, sla)
                response = statuses.filtered(lambda s: s.kind == "response")
                self.assertEqual(response.target_hours, 16)

    def test_scorecard_rows_per_company(self):
        Scorecard = self.env["logistics.customer.scorecard"]
        rows = {
            (partner, company): revenue
            for partner, company, revenue in Scorecard._read_group(
                [("partner_id", "in", (self.x | self.y).ids)],
                ["partner_id", "company_id"],
                ["revenue:sum"],
            )
        }
        self.assertEqual(
            rows,
            {
                (self.x, self.c1): 10000.0,
                (self.y, self.c1): 100.0,
                (self.x, self.c2): 300.0,
                (self.y, self.c2): 10000.0,
            },
        )
        x_rows = Scorecard.search([("partner_id", "=", self.x.id)])
        self.assertEqual(
            set(x_rows.filtered(lambda r: r.company_id == self.c1).tier_id.ids),
            set(self.tier_a.ids),
        )
        self.assertEqual(
            set(x_rows.filtered(lambda r: r.company_id == self.c2).tier_id.ids),
            set(self.tier_d.ids),
        )
        self.assertEqual(
            x_rows.filtered(lambda r: r.company_id == self.c2).policy_id, self.sla2
        )

    # ------------------------------------------------------------------
    # What each company's users see
    # ------------------------------------------------------------------

    def test_users_see_only_their_companys_records(self):
        checked = 0
        for user, company, other in (
            (self.user1, self.c1, self.c2),
            (self.user2, self.c2, self.c1),
        ):
            for model, fname in COMPANY_MODELS.items():
                Model = self.env[model].with_user(user)
                mine, theirs = self._of(company, model), self._of(other, model)
                self.assertTrue(mine and theirs, f"{model}: no data to compare")
                # search, read, grouped reads: company 1's records only
                self.assertEqual(Model.search([]), mine.with_user(user), model)
                self.assertFalse(Model.search([("id", "in", theirs.ids)]), model)
                self.assertEqual(Model.search_count([]), len(mine), model)
                Model.browse(mine.ids).read([fname])
                with self.assertRefused(AccessError, "'read' access"):
                    Model.browse(theirs[:1].ids).read([fname])
                groups = Model.formatted_read_group([], ["company_id"], ["__count"])
                self.assertEqual(
                    [(g["company_id"][0], g["__count"]) for g in groups],
                    [(company.id, len(mine))],
                    model,
                )
                checked += len(mine) + len(theirs)
        _logger.info("multi-company: %s records checked for isolation", checked)

    def test_partner_fields_show_the_users_company_only(self):
        for user, company, complaint, tier in (
            (self.user1, self.c1, self.complaint1, self.tier_a),
            (self.user2, self.c2, self.complaint2, self.tier_d),
        ):
            x = self.x.with_user(user)
            self.assertEqual(x.customer_tier_id, tier)
            self.assertEqual(x.complaint_count, 1)
            self.assertEqual(x.customer_grade_history_count, 1)
            # the buttons of the partner form open this company's records only
            for action, model in (
                (x.action_view_complaints(), "logistics.complaint"),
                (x.action_view_grade_history(), "logistics.grade.history"),
                (x.action_view_scorecard(), "logistics.customer.scorecard"),
            ):
                records = self.env[model].with_user(user).search(action["domain"])
                self.assertTrue(records)
                self.assertEqual(records.company_id, company, model)
            self.assertEqual(
                self.env["logistics.complaint"].with_user(user).search([]), complaint
            )
            # related fields follow the user's company too
            self.assertEqual(complaint.with_user(user).customer_tier_id, tier)
            statuses = (
                self.env["logistics.sla.status"]
                .with_user(user)
                .search([("partner_id", "=", self.x.id)])
            )
            self.assertEqual(statuses.customer_tier_id, tier)
            # searching partners on a grade uses the user's company's grade
            self.assertIn(
                self.x,
                self.env["res.partner"]
                .with_user(user)
                .search([("customer_tier_id", "=", tier.id)]),
            )

    def test_switching_companies_switches_the_values(self):
        Complaint = self.env["logistics.complaint"].with_user(self.user12)
        both = Complaint.with_context(allowed_company_ids=[self.c1.id, self.c2.id])
        self.assertEqual(both.search([]), self.complaint1 | self.complaint2)
        for allowed, complaint, tier, revenue in (
            ([self.c1], self.complaint1, self.tier_a, 10000.0),
            ([self.c2], self.complaint2, self.tier_d, 300.0),
            ([self.c2, self.c1], self.complaint1 | self.complaint2, self.tier_d, 300.0),
        ):
            # each switch is a new request in the web client, with a new cache
            self.env.invalidate_all()
            env = self.env(
                user=self.user12,
                context={"allowed_company_ids": [c.id for c in allowed]},
            )
            self.assertEqual(env["logistics.complaint"].search([]), complaint)
            x = env["res.partner"].browse(self.x.id)
            self.assertEqual(x.customer_tier_id, tier)
            self.assertEqual(x.customer_revenue, revenue)
            self.assertEqual(x.complaint_count, len(complaint))
            scorecard = env["logistics.customer.scorecard"].search(
                [("partner_id", "=", self.x.id)]
            )
            self.assertEqual(scorecard.company_id, env.companies)
            self.assertEqual(
                sum(scorecard.mapped("revenue")),
                10000.0 * (self.c1 in allowed) + 300.0 * (self.c2 in allowed),
            )
