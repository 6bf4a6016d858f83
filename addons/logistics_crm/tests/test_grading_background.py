import io
import json
import logging

from openpyxl import load_workbook

from odoo import Command, sql_db
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from odoo.addons.logistics_crm.models.grading_policy import (
    GRADING_LOCK_KEY,
    RESULT_TABLE,
)

from .common import LogisticsCrmCase

_logger = logging.getLogger(__name__)


class BusMixin:
    def _bus_messages(self, user, notification_type):
        """Notifications sent to ``user``'s web client in this transaction."""
        self.env.cr.precommit.run()
        messages = []
        for note in self.env["bus.bus"].sudo().search([]):
            channel, message = json.loads(note.channel), json.loads(note.message)
            if (
                channel[1:] == ["res.partner", user.partner_id.id]
                and message["type"] == notification_type
            ):
                messages.append(message)
        return messages


@tagged("post_install", "-at_install")
class TestRegradeInBackground(BusMixin, LogisticsCrmCase):
    """A regrade asked for from the screen on a large population is handed to
    the cron, which notifies the user when done."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_weights(revenue=1)
        cls.small = cls._customer("Small shipper")
        cls.big = cls._customer("Big shipper")
        cls._orders([(cls.small, 100, 5), (cls.big, 900, 5)])
        cls.manager = new_test_user(
            cls.env,
            "regrade_manager",
            groups="base.group_user,logistics_crm.logistics_crm_group_manager",
        )
        cls.Param = cls.env["ir.config_parameter"].sudo()

    def test_small_population_is_regraded_at_once(self):
        action = self.policy.with_user(self.manager).action_compute_grades()
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("2 customers were graded", action["params"]["message"])
        self.assertEqual(self.big.customer_tier_id, self.tier_a)
        self.assertFalse(self.policy.regrade_requested_uid)

    def test_large_population_goes_to_the_cron_and_notifies(self):
        self.Param.set_param("logistics_crm.grading_sync_limit", "1")
        cron = self.env.ref("logistics_crm.ir_cron_compute_grades")
        triggers_before = self.env["ir.cron.trigger"].search_count(
            [("cron_id", "=", cron.id)]
        )
        action = self.policy.with_user(self.manager).action_compute_grades()
        self.assertEqual(action["params"]["type"], "info")
        self.assertIn("2 customers are being regraded", action["params"]["message"])
        # nothing graded yet, the policy shows the pending request
        self.assertFalse(self.big.customer_tier_id)
        self.assertEqual(self.policy.regrade_requested_uid, self.manager)
        self.assertTrue(self.policy.regrade_requested_on)
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]),
            triggers_before + 1,
        )

        self.env["logistics.grading.policy"]._cron_compute_grades()
        self.assertEqual(self.big.customer_tier_id, self.tier_a)
        self.assertEqual(self.small.customer_tier_id, self.tier_d)
        self.assertFalse(self.policy.regrade_requested_uid)
        [message] = self._bus_messages(self.manager, "simple_notification")
        self.assertEqual(message["payload"]["type"], "success")
        self.assertIn("2 customers of", message["payload"]["message"])

    def test_the_cron_grades_only_the_requested_company_when_asked(self):
        other = self.env["res.company"].create({"name": "Other 3PL"})
        policy_other = self.env["logistics.grading.policy"]._get_for_company(other)
        self.env.user.company_ids |= other
        self._orders([(self.big, 500, 3)], company=other)
        self.policy.regrade_requested_uid = self.manager
        self.env["logistics.grading.policy"]._cron_compute_grades()
        self.assertTrue(self.policy.last_run)
        self.assertFalse(policy_other.last_run)
        # the next scheduled run, with no request pending, grades both
        self.env["logistics.grading.policy"]._cron_compute_grades()
        self.assertTrue(policy_other.last_run)


@tagged("post_install", "-at_install")
class TestRegradeResilience(LogisticsCrmCase):
    """Idempotence, resumption after a crash, exclusion between workers, and
    manager locks changed while a regrade runs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_weights(revenue=1)
        cls.customers = [cls._customer(f"Shipper {n}") for n in range(6)]
        cls._orders(
            [(customer, 100 * (n + 1), 5) for n, customer in enumerate(cls.customers)]
        )
        cls.partners = cls.env["res.partner"].browse(c.id for c in cls.customers)

    def _history_counts(self):
        groups = self.env["logistics.grade.history"]._read_group(
            [("partner_id", "in", self.partners.ids)], ["partner_id"], ["__count"]
        )
        return {partner.id: count for partner, count in groups}

    def _tier_notes(self):
        return self.env["mail.message"].search_count(
            [
                ("model", "=", "res.partner"),
                ("res_id", "in", self.partners.ids),
                ("body", "ilike", "Customer tier in"),
            ]
        )

    def _values(self):
        self.env.invalidate_all()
        return [
            (p.customer_score, p.customer_tier_id, p.customer_lifecycle)
            for p in self.partners
        ]

    def test_rerun_adds_nothing(self):
        self.policy._compute_grades()
        values, history, notes = (
            self._values(),
            self._history_counts(),
            self._tier_notes(),
        )
        self.assertEqual(set(history.values()), {1})
        self.assertEqual(notes, 6)
        self.policy._compute_grades()
        self.assertEqual(self._values(), values)
        self.assertEqual(self._history_counts(), history)
        self.assertEqual(self._tier_notes(), notes)

    def test_run_killed_after_two_batches_resumes_without_double_effects(self):
        """A cron run commits batch by batch. Killed after its second batch,
        it leaves two batches written and the rest untouched (the uncommitted
        work is rolled back); the next run completes the grading and adds no
        second history row or chatter note for the customers already done."""
        today = self.today
        self.policy._acquire_grading_lock()
        self.policy._build_results(today)
        first, second = self.partners[:2], self.partners[2:4]
        now = self.env.cr.now()
        for batch in (first, second):
            self.policy._write_batch(batch[0].id, batch[-1].id, now, today)
        # the process dies: its temporary table goes with its session
        self.env.cr.execute(SQL("DROP TABLE %s", SQL.identifier(RESULT_TABLE)))
        self.env.invalidate_all()
        self.assertTrue(all(p.customer_tier_id for p in first + second))
        self.assertFalse(any(p.customer_tier_id for p in self.partners[4:]))

        self.policy._compute_grades(batch_size=2)
        self.assertEqual(set(self._history_counts().values()), {1})
        self.assertEqual(len(self._history_counts()), 6)
        self.assertEqual(self._tier_notes(), 6)
        resumed = self._values()
        # the same grades as an uninterrupted run
        self.assertEqual(
            [tier for __, tier, __ in resumed],
            [
                self.tier_d,
                self.tier_c,
                self.tier_c,
                self.tier_b,
                self.tier_a,
                self.tier_a,
            ],
        )
        self.assertEqual([score for score, __, __ in resumed], [0, 20, 40, 60, 80, 100])
        _logger.info(
            "resume after a crash: %s customers, %s history rows, %s tier notes",
            len(self.partners),
            sum(self._history_counts().values()),
            self._tier_notes(),
        )

    def test_a_second_worker_cannot_regrade_the_same_company(self):
        """Another database session (another worker, another server) holding
        the company's regrade lock makes a regrade refuse with a clear
        message; once it is done, the regrade runs."""
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            other.execute(
                "SELECT pg_try_advisory_xact_lock(%s, %s)",
                (GRADING_LOCK_KEY, self.company.id),
            )
            self.assertTrue(other.fetchone()[0])
            with self.assertRefused(UserError, "being regraded right now"):
                self.policy._compute_grades()
            self.assertFalse(self.partners[0].customer_graded_on)
            # another company's regrade is not blocked
            company_b = self.env["res.company"].create({"name": "Free 3PL"})
            self.env["logistics.grading.policy"]._get_for_company(
                company_b
            )._compute_grades()
        finally:
            other.rollback()
            other.close()
        self.assertEqual(self.policy._compute_grades(), 6)

    def test_lock_changed_during_a_regrade_is_kept(self):
        """A manager locks one customer and unlocks another while the scores
        are being computed: the regrade writes around both changes."""
        self._grade()
        locked_before, locked_during = self.partners[0], self.partners[5]
        locked_before.write(
            {
                "customer_tier_locked": True,
                "customer_tier_id": self.tier_a.id,
                "customer_tier_lock_reason": "Strategic account",
            }
        )
        self.policy._acquire_grading_lock()
        self.policy._build_results(self.today)
        # meanwhile, in the manager's transaction
        locked_before.write({"customer_tier_locked": False})
        locked_during.write(
            {
                "customer_tier_locked": True,
                "customer_tier_id": self.tier_c.id,
                "customer_tier_lock_reason": "Disputed invoices",
            }
        )
        self.env.flush_all()
        self.policy._write_batch(
            self.partners[0].id, self.partners[-1].id, self.env.cr.now(), self.today
        )
        self.env.invalidate_all()
        self.assertFalse(locked_before.customer_tier_locked)
        self.assertEqual(locked_before.customer_tier_id, self.tier_d)
        self.assertFalse(locked_before.customer_tier_lock_reason)
        self.assertTrue(locked_during.customer_tier_locked)
        self.assertEqual(locked_during.customer_tier_id, self.tier_c)
        self.assertEqual(locked_during.customer_tier_lock_reason, "Disputed invoices")
        self.assertEqual(locked_during.customer_tier_computed_id, self.tier_a)
        self.assertTrue(locked_during.customer_tier_mismatch)


@tagged("post_install", "-at_install")
class TestExportInBackground(BusMixin, LogisticsCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env,
            "export_user",
            groups="base.group_user,logistics_crm.logistics_crm_group_user",
        )
        cls.shippers = [cls._customer(f"Exporter {n}") for n in range(3)]
        cls._orders([(shipper, 100, 3) for shipper in cls.shippers])
        cls.env["ir.config_parameter"].sudo().set_param(
            "logistics_crm.export_sync_limit", "2"
        )
        cls.Export = cls.env["logistics.scorecard.export"].with_user(cls.user)

    def test_small_export_downloads_at_once(self):
        wizard = self.Export.create(
            {"partner_ids": [Command.set([s.id for s in self.shippers[:2]])]}
        )
        action = wizard.action_export_xlsx()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertEqual(wizard.state, "done")

    def test_large_export_is_built_in_the_background(self):
        wizard = self.Export.create({})
        action = wizard.action_export_xlsx()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("3 customers", action["params"]["message"])
        self.assertEqual(wizard.state, "queued")
        self.assertFalse(wizard.attachment_id)

        self.env["logistics.scorecard.export"]._cron_build_queued_exports()
        self.assertEqual(wizard.state, "done")
        [message] = self._bus_messages(self.user, "logistics_crm_export_ready")
        payload = message["payload"]
        self.assertEqual(
            payload["url"], f"/web/content/{wizard.attachment_id.id}?download=true"
        )
        # the requester can read the file, and it lists the three customers
        raw = wizard.attachment_id.with_user(self.user).raw
        rows = list(
            load_workbook(io.BytesIO(raw))["Summary"].iter_rows(values_only=True)
        )
        self.assertEqual(
            sorted(row[0] for row in rows[1:]), [s.name for s in self.shippers]
        )
        # a second cron run does not build it again
        self.env["logistics.scorecard.export"]._cron_build_queued_exports()
        self.assertEqual(
            self.env["ir.attachment"].search_count(
                [
                    ("res_model", "=", "logistics.scorecard.export"),
                    ("res_id", "=", wizard.id),
                ]
            ),
            1,
        )
