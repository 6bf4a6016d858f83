import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# invitations sent per batch: the scheduled action commits after each one
INVITE_BATCH_SIZE = 200


class LogisticsSurveyCampaign(models.Model):
    _name = "logistics.survey.campaign"
    _inherit = ["mail.thread"]
    _description = "Survey Campaign"
    _order = "name, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    survey_id = fields.Many2one(
        "survey.survey",
        required=True,
        ondelete="restrict",
        tracking=True,
        domain="[('access_mode', '=', 'token')]",
        help="The survey sent. Its questions marked NPS count in the "
        "customers' Net Promoter Score.",
    )
    audience = fields.Selection(
        [("customers", "Customers"), ("consignees", "Consignees")],
        required=True,
        default="customers",
        tracking=True,
        help="Customers: the invoicing address, else the main contact, of each "
        "customer of the tiers. Consignees: the receivers of the deliveries "
        "done since the last run.",
    )
    tier_ids = fields.Many2many(
        "logistics.customer.tier",
        string="Tiers",
        domain="[('company_id', 'in', [company_id, False])]",
        help="The customers of these tiers, in the campaign's company. Empty: "
        "every customer with a tier there (every graded customer).",
    )
    interval_days = fields.Integer(
        string="Interval (days)",
        default=90,
        required=True,
        tracking=True,
        help="Least number of days between two invitations of the campaign to "
        "the same contact. An invitation stays open for that long.",
    )
    last_run = fields.Datetime(readonly=True, copy=False)
    invitation_count = fields.Integer(compute="_compute_answer_stats")
    answer_count = fields.Integer(string="Answers", compute="_compute_answer_stats")

    _interval_positive = models.Constraint(
        "CHECK(interval_days > 0)", "The interval must be at least one day."
    )

    def _user_inputs(self):
        return (
            self.env["survey.user_input"]
            .sudo()
            .with_context(active_test=False)
            .search([("logistics_campaign_id", "in", self.ids)])
        )

    def _compute_answer_stats(self):
        UserInput = self.env["survey.user_input"].sudo()
        invited = dict(
            UserInput._read_group(
                [("logistics_campaign_id", "in", self.ids)],
                ["logistics_campaign_id"],
                ["__count"],
            )
        )
        done = dict(
            UserInput._read_group(
                [("logistics_campaign_id", "in", self.ids), ("state", "=", "done")],
                ["logistics_campaign_id"],
                ["__count"],
            )
        )
        for campaign in self:
            campaign.invitation_count = invited.get(campaign, 0)
            campaign.answer_count = done.get(campaign, 0)

    @api.constrains("survey_id")
    def _check_survey_access_mode(self):
        for campaign in self:
            if campaign.survey_id.sudo().access_mode != "token":
                raise ValidationError(
                    self.env._(
                        "The survey of campaign %(campaign)s must be open to "
                        "invited people only: each invitation is a personal link.",
                        campaign=campaign.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------

    def action_run(self):
        """Send now: invite the contacts of the campaign that are due (see
        ``_due_contacts``), through the survey's own invitation, each in its
        language with a personal link. Needs write access on the campaign."""
        self.check_access("write")
        invited = 0
        for campaign in self:
            campaign.lock_for_update()
            while True:
                sent, remaining = campaign.sudo()._run_batch()
                invited += sent
                if not remaining:
                    break
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if invited else "info",
                "message": self.env._("%(count)s invitation(s) sent.", count=invited),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    @api.readonly
    def action_view_answers(self):
        """The invitations of the campaign and their answers (Surveys
        users)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "survey.action_survey_user_input"
        )
        action["domain"] = [("logistics_campaign_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------
    # The run
    # ------------------------------------------------------------------

    @api.model
    def _cron_run_due(self):
        """Run the active campaigns not run today, committing after each
        batch of invitations: a run stopped for time resumes with the contacts
        not invited yet."""
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        Cron = self.env["ir.cron"]
        today = fields.Datetime.now().replace(hour=0, minute=0, second=0, microsecond=0)
        campaigns = self.search(
            ["|", ("last_run", "=", False), ("last_run", "<", today)]
        )
        if in_cron:
            Cron._commit_progress(remaining=len(campaigns))
        for campaign in campaigns:
            # another run (Send now, a second worker) holds it: its turn
            # comes next time
            if not campaign.try_lock_for_update():
                continue
            while True:
                try:
                    # a failed batch leaves no invitation without its e-mail
                    with self.env.cr.savepoint():
                        __, remaining = campaign._run_batch()
                except UserError as error:
                    _logger.warning(
                        "survey campaign %s not run: %s", campaign.id, error
                    )
                    remaining = 0
                if in_cron and not Cron._commit_progress(int(not remaining)):
                    return
                if not remaining:
                    break

    def _window_start(self, now):
        """Consignees: deliveries done after this datetime count."""
        self.ensure_one()
        return self.last_run or now - timedelta(days=self.interval_days)

    def _run_batch(self, limit=INVITE_BATCH_SIZE):
        """Invite up to ``limit`` due contacts; returns (invited, remaining).
        The last batch stamps ``last_run``."""
        self.ensure_one()
        survey = self.survey_id
        if not survey.active:
            raise UserError(
                self.env._(
                    "The survey %(survey)s is closed: reopen it or choose another.",
                    survey=survey.display_name,
                )
            )
        now = fields.Datetime.now()
        due = self._due_contacts(now)
        batch, remaining = due[:limit], len(due) - len(due[:limit])
        if batch:
            self._invite(batch, now)
        if not remaining:
            self.last_run = now
        return len(batch), remaining

    def _audience_query(self, now):
        """SQL of the audience: rows (contact_id, customer_id, picking_id),
        the contact invited, the customer its answers count for, and the
        delivery for consignees."""
        self.ensure_one()
        company = self.company_id.id
        if self.audience == "consignees":
            # the receiver of each delivery done in the window, counted for
            # the shipper (the customer of the delivery's order); a receiver
            # of several deliveries is invited once, for the latest. The
            # shipper's own addresses are its customers campaign's.
            return SQL(
                """SELECT DISTINCT ON (sp.partner_id)
       sp.partner_id AS contact_id, sh.commercial_partner_id AS customer_id,
       sp.id AS picking_id
  FROM stock_picking sp
  JOIN stock_picking_type spt ON spt.id = sp.picking_type_id
  JOIN sale_order so ON so.id = sp.sale_id
  JOIN res_partner sh ON sh.id = so.partner_id
  JOIN res_partner rcv ON rcv.id = sp.partner_id
 WHERE spt.code = 'outgoing' AND sp.state = 'done'
   AND sp.company_id = %(company)s
   AND rcv.commercial_partner_id != sh.commercial_partner_id
   AND sp.date_done > %(since)s AND sp.date_done <= %(now)s
 ORDER BY sp.partner_id, sp.date_done DESC, sp.id DESC""",
                company=company,
                since=self._window_start(now),
                now=now,
            )
        tier = SQL("(c.customer_tier_id ->> %s::text)::int", company)
        tier_filter = (
            SQL("%s = ANY(%s)", tier, self.tier_ids.ids)
            if self.tier_ids
            else SQL("%s IS NOT NULL", tier)
        )
        # address_get(['invoice']): the invoicing address, else the customer
        # itself; a customer without an e-mail falls back on its first contact
        # with one
        return SQL(
            """SELECT COALESCE(inv.id, CASE WHEN c.email IS NOT NULL THEN c.id END,
                     ctc.id) AS contact_id,
       c.id AS customer_id, NULL::int AS picking_id
  FROM res_partner c
  LEFT JOIN LATERAL (
       SELECT ch.id FROM res_partner ch
        WHERE ch.parent_id = c.id AND ch.type = 'invoice' AND ch.active
          AND ch.email IS NOT NULL
        ORDER BY ch.id LIMIT 1) inv ON TRUE
  LEFT JOIN LATERAL (
       SELECT ch.id FROM res_partner ch
        WHERE ch.parent_id = c.id AND ch.type = 'contact' AND ch.active
          AND ch.email IS NOT NULL
        ORDER BY ch.id LIMIT 1) ctc ON TRUE
 WHERE c.active AND c.parent_id IS NULL AND %(tier_filter)s
   AND (c.company_id IS NULL OR c.company_id = %(company)s)""",
            tier_filter=tier_filter,
            company=company,
        )

    def _due_contacts(self, now):
        """The audience less the contacts with an open invitation of the
        campaign (not answered, not expired) or one sent within the interval,
        and those without an e-mail: [(contact_id, customer_id, picking_id)],
        in one query."""
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT ON (a.contact_id)
       a.contact_id, a.customer_id, a.picking_id
  FROM (%(audience)s) a
  JOIN res_partner ct ON ct.id = a.contact_id
 WHERE a.customer_id IS NOT NULL AND ct.active
   AND COALESCE(ct.email, '') != ''
   AND NOT EXISTS (
       SELECT 1 FROM survey_user_input ui
        WHERE ui.logistics_campaign_id = %(campaign)s
          AND ui.partner_id = a.contact_id
          AND (ui.logistics_invited_on > %(interval_start)s
               OR ui.state != 'done'
                  AND (ui.deadline IS NULL OR ui.deadline > %(now)s)))
 ORDER BY a.contact_id""",
                audience=self._audience_query(now),
                campaign=self.id,
                interval_start=now - timedelta(days=self.interval_days),
                now=now,
            )
        )
        return self.env.cr.fetchall()

    def _invite(self, rows, now):
        """Create the answers of ``rows`` (contact, customer, delivery) with
        the survey's ``_create_answer`` and send each its invitation with the
        survey's invitation wizard, one wizard per language so that each
        contact reads it in its own."""
        self.ensure_one()
        survey = self.survey_id
        contacts = self.env["res.partner"].browse([row[0] for row in rows])
        langs = {lang.code: lang for lang in self.env["res.lang"].search([])}
        deadline = now + timedelta(days=self.interval_days)
        answers = self.env["survey.user_input"]
        for (__, customer_id, picking_id), contact in zip(rows, contacts, strict=True):
            answers |= survey._create_answer(
                partner=contact,
                check_attempts=False,
                deadline=deadline,
                logistics_invited_on=now,
                lang_id=langs[contact.lang].id if contact.lang in langs else False,
                logistics_campaign_id=self.id,
                logistics_customer_id=customer_id,
                logistics_picking_id=picking_id,
            )
        template = self.env.ref("survey.mail_template_user_input_invite")
        by_lang = {}
        for answer in answers:
            by_lang.setdefault(answer.partner_id.lang or False, []).append(answer)
        for lang, lang_answers in by_lang.items():
            invite = (
                self.env["survey.invite"]
                .with_context(
                    lang=lang or self.env.lang,
                    default_email_layout_xmlid="mail.mail_notification_light",
                )
                .create(
                    {
                        "survey_id": survey.id,
                        "template_id": template.id,
                        "existing_mode": "new",
                        "author_id": self.company_id.partner_id.id,
                    }
                )
            )
            for answer in lang_answers:
                invite._send_mail(answer)
        self.message_post(
            body=self.env._("%(count)s invitation(s) sent.", count=len(answers)),
        )
        return answers
