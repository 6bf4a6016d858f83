from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html

# what a receiver may write on the delivery page
DELIVERY_COMMENT_MAX = 2000
DELIVERY_PROBLEM_MAX = 5000


class StockPicking(models.Model):
    _name = "stock.picking"
    _inherit = [
        "stock.picking",
        "logistics.complaint.document.mixin",
        "portal.mixin",
    ]

    customer_tier_id = fields.Many2one(
        related="partner_id.commercial_partner_id.customer_tier_id",
        string="Customer Tier",
    )
    customer_tier_color = fields.Integer(
        related="customer_tier_id.color", string="Tier Color"
    )
    shipper_id = fields.Many2one(
        related="sale_id.partner_id.commercial_partner_id",
        string="Shipper",
        help="Who pays for the delivery: the customer of its sales order. The "
        "delivery address may be another party, the consignee.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        pickings = super().create(vals_list)
        pickings._star_priority_deliveries()
        return pickings

    def _star_priority_deliveries(self):
        """Star outgoing deliveries of customers whose tier asks for priority."""
        to_star = self.browse()
        for company, pickings in (
            self.filtered(
                lambda p: (
                    p.picking_type_code == "outgoing"
                    and p.priority == "0"
                    and p.partner_id
                )
            )
            .grouped("company_id")
            .items()
        ):
            to_star |= (
                pickings.with_company(company)
                .sudo()
                .filtered(
                    lambda p: (
                        p.partner_id.commercial_partner_id.customer_tier_id.priority_delivery
                    )
                )
            )
        if to_star:
            to_star.with_env(self.env).priority = "1"

    sla_deadline = fields.Datetime(
        related="sale_id.sla_deadline",
        string="Promised by SLA",
        store=True,
        help="When the delivery is promised to the customer by its service-level "
        "agreement: the order's commitment date, else the order confirmation "
        "plus the delivery lead time of the customer's SLA policy, counted in "
        "working time. The delivery is on time when it is done by then. "
        "Odoo's Deadline is another date: the one planned from the order for "
        "the goods to leave the warehouse.",
    )
    sla_state = fields.Selection(
        related="sale_id.sla_state",
        string="SLA State",
        help="The delivery against its SLA promise: ongoing, warning (the "
        "promise is close), reached on time, or failed (late).",
    )

    def _action_done(self):
        result = super()._action_done()
        self._sla_date_done_as_of()
        self._sla_check_orders()
        return result

    def _sla_date_done_as_of(self):
        """Date deliveries recorded after the fact back to when they were made,
        before their orders' SLA outcome is measured: the context key
        ``logistics_crm_as_of`` holds that time, for all of ``self``, or a
        dict of times by picking id. Without it a delivery is done now.

        Honoured for the superuser only (demo data, imports run as such): a
        user who validates a delivery cannot backdate it to turn a late
        delivery on time."""
        as_of = self.env.context.get("logistics_crm_as_of")
        if not as_of or not self.env.su:
            return
        for picking in self:
            when = as_of.get(picking.id) if isinstance(as_of, dict) else as_of
            if when:
                picking.date_done = when

    def action_cancel(self):
        result = super().action_cancel()
        self._sla_check_orders()
        return result

    def _sla_check_orders(self):
        outgoing = self.filtered(lambda p: p.picking_type_code == "outgoing")
        if outgoing.sale_id:
            outgoing.sale_id.sudo()._sla_check_delivered()

    def _complaint_defaults(self):
        return {
            "partner_id": self.partner_id.id,
            "picking_id": self.id,
            "sale_order_id": self.sale_id.id,
            "company_id": self.company_id.id,
        }

    def action_report_complaint(self):
        """Report a complaint about this delivery, for its customer, damage
        preselected (inventory users, who see damage first): a dialog for the
        facts, whose Report button files the complaint and opens it."""
        self.ensure_one()
        Complaint = self.env["logistics.complaint"]
        Complaint.check_access("create")
        if self.picking_type_code != "outgoing":
            raise UserError(
                self.env._(
                    "Complaints are reported from deliveries to customers; "
                    "%(picking)s is not one.",
                    picking=self.name,
                )
            )
        if self.state not in ("assigned", "done"):
            raise UserError(
                self.env._(
                    "Report a complaint from a delivery that is ready or done; "
                    "%(picking)s is not.",
                    picking=self.name,
                )
            )
        context = {
            f"default_{key}": value
            for key, value in self._complaint_defaults().items()
            if value
        }
        customer = (self.sale_id.partner_id or self.partner_id).commercial_partner_id
        if not customer:
            raise UserError(
                self.env._(
                    "%(picking)s has no customer to file the complaint for.",
                    picking=self.name,
                )
            )
        context["default_partner_id"] = customer.id
        damage = self.env.ref(
            "logistics_crm.complaint_type_damaged", raise_if_not_found=False
        )
        # the shared type or this company's (no company is a subset of any)
        if damage and damage.active and damage.company_id <= self.company_id:
            context["default_complaint_type_id"] = damage.id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Report a complaint"),
            "res_model": Complaint._name,
            "view_mode": "form",
            "views": [
                (
                    self.env.ref(
                        "logistics_crm.logistics_complaint_view_form_report"
                    ).id,
                    "form",
                )
            ],
            "target": "new",
            "context": context,
        }

    # ------------------------------------------------------------------
    # The consignee's delivery page (/my/deliveries/<id>)
    # ------------------------------------------------------------------

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for picking in self.filtered(lambda p: p.picking_type_code == "outgoing"):
            picking.access_url = f"/my/deliveries/{picking.id}"
        return result

    def _notify_get_recipients_groups(self, message, model_description, msg_vals=False):
        # portal.mixin gives the delivery address a link to the delivery page
        # in the mails of the delivery (stock's confirmation among them):
        # receipts and internal transfers have no such page
        groups = super()._notify_get_recipients_groups(
            message, model_description, msg_vals=msg_vals
        )
        if not self or self[:1].picking_type_code == "outgoing":
            return groups
        for name, _check, options in groups:
            if name == "portal":
                options.update(active=False, has_button_access=False)
        return [group for group in groups if group[0] != "portal_customer"]

    def _rating_get_parent_field_name(self):
        # a delivery rating rolls up to the shipper (rating.parent_res_id)
        return "shipper_id"

    def _delivery_rating(self):
        """The receiver's rating of the delivery, at most one."""
        self.ensure_one()
        return (
            self.env["rating.rating"]
            .sudo()
            .search(
                [("res_model", "=", self._name), ("res_id", "=", self.id)],
                order="id",
                limit=1,
            )
        )

    def _delivery_rate(self, value, comment=""):
        """Record the receiver's 1-5 rating of the delivery with a comment; a
        second rating replaces the first. Called by the delivery page (as
        superuser, once the page checked the token and the values)."""
        self.ensure_one()
        # one rating per delivery, also when two submissions cross (a unique
        # index on rating.rating backs this up)
        self.lock_for_update(allow_referencing=True)
        values = {
            "rating": value,
            "feedback": comment or False,
            "consumed": True,
            "partner_id": self.partner_id.id,
        }
        rating = self._delivery_rating()
        if rating:
            rating.write(values)
        else:
            rating = rating.create(
                dict(
                    values,
                    res_model_id=self.env["ir.model"]._get_id(self._name),
                    res_id=self.id,
                    rated_partner_id=self.user_id.partner_id.id,
                )
            )
        body = Markup("%s") % self.env._(
            "Delivery rated %(rating)s/5 by %(receiver)s.",
            rating=value,
            receiver=self.partner_id.display_name,
        )
        if comment:
            body += plaintext2html(comment)
        self._message_log(body=body)
        return rating

    def _delivery_report_problem(self, description):
        """File the receiver's problem with the delivery as a complaint of the
        shipper (the order's customer), the receiver as consignee: the
        complaint gets the shipper's tier, priority and SLA."""
        self.ensure_one()
        Complaint = self.env["logistics.complaint"]
        return Complaint.create(
            {
                "name": self.env._(
                    "Problem with delivery %(delivery)s", delivery=self.name
                ),
                "partner_id": self.sale_id.partner_id.id,
                "consignee_id": self.partner_id.id,
                "picking_id": self.id,
                "sale_order_id": self.sale_id.id,
                "company_id": self.company_id.id,
                "description": plaintext2html(description),
                "user_id": False,
            }
        )
