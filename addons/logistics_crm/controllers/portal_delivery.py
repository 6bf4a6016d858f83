"""The consignee's delivery page: /my/deliveries/<id>?access_token=..., the
link of the delivery's e-mails. The receiver of a delivery is often not a
customer and has no account: the token is the only key, and the page shows
this delivery and nothing else (no prices, no notes, no other delivery)."""

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request
from odoo.tools import consteq

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..models.stock_picking import DELIVERY_COMMENT_MAX, DELIVERY_PROBLEM_MAX

RATINGS = ("1", "2", "3", "4", "5")


class LogisticsDeliveryPortal(CustomerPortal):
    def _delivery_check_access(self, picking_id, access_token):
        """The outgoing delivery ``picking_id`` as superuser, when
        ``access_token`` is its token. Unlike other portal documents, being
        able to read the delivery is not enough: the page acts for its
        receiver, whom only the token names."""
        if not access_token:
            raise AccessError(request.env._("This delivery page needs its link."))
        picking_sudo = self._document_check_access(
            "stock.picking", picking_id, access_token
        )
        if (
            picking_sudo.picking_type_code != "outgoing"
            or not picking_sudo.access_token
            or not consteq(picking_sudo.access_token, access_token)
        ):
            raise AccessError(request.env._("This delivery page needs its link."))
        return picking_sudo

    def _delivery_items(self, picking):
        done = picking.state == "done"
        return [
            {
                "product": move.product_id.display_name,
                "quantity": move.quantity if done else move.product_uom_qty,
                "uom": move.product_uom.name,
            }
            for move in picking.move_ids.filtered(lambda m: m.state != "cancel")
        ]

    def _delivery_sla(self, picking):
        """The SLA promise of the delivery for its receiver: the deadline and
        whether it was kept, in the receiver's words."""
        labels = {
            "reached": request.env._("Met"),
            "failed": request.env._("Missed"),
            "warning": request.env._("At risk"),
        }
        state = picking.sla_state
        return {
            "deadline": picking.sla_deadline,
            "state": state,
            "label": labels.get(state, request.env._("On track")),
        }

    def _delivery_values(self, picking, form=None, errors=None, **kw):
        rating = picking._delivery_rating()
        complaint = request.env["logistics.complaint"]
        if kw.get("reported"):
            complaint = complaint.sudo().search(
                [
                    ("picking_id", "=", picking.id),
                    ("consignee_id", "=", picking.partner_id.id),
                ],
                order="id desc",
                limit=1,
            )
        states = dict(picking._fields["state"]._description_selection(request.env))
        return {
            "page_name": "delivery",
            "no_breadcrumbs": True,
            "delivery": picking,
            "access_token": picking.access_token,
            "delivery_state": states.get(picking.state),
            "items": self._delivery_items(picking),
            "sla": self._delivery_sla(picking) if picking.sale_id else None,
            "tracking_ref": (
                picking.carrier_tracking_ref
                if "carrier_tracking_ref" in picking._fields
                else False
            ),
            "can_rate": picking.state == "done" and bool(picking.shipper_id),
            "can_report": picking.state != "cancel" and bool(picking.shipper_id),
            "rating": rating,
            "rated": bool(kw.get("rated")),
            "reported": complaint,
            "form": form or {},
            "errors": errors or {},
            "comment_max": DELIVERY_COMMENT_MAX,
            "problem_max": DELIVERY_PROBLEM_MAX,
        }

    def _delivery_render(self, picking, **values):
        return request.render(
            "logistics_crm.portal_delivery_page",
            self._delivery_values(picking, **values),
        )

    @http.route(
        "/my/deliveries/<int:picking_id>", type="http", auth="public", website=True
    )
    def portal_delivery_page(self, picking_id, access_token=None, **kw):
        try:
            picking_sudo = self._delivery_check_access(picking_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        return self._delivery_render(picking_sudo, **kw)

    # ------------------------------------------------------------------
    # Rating and Report a problem: validated here, written as superuser
    # (receivers may not create or write ratings, complaints or deliveries)
    # ------------------------------------------------------------------

    def _delivery_rating_validate(self, form):
        env = request.env
        errors = {}
        value = (form.get("rating") or "").strip()
        if value not in RATINGS:
            errors["rating"] = env._("Choose a rating from 1 to 5 stars.")
        comment = (form.get("comment") or "").strip()
        if len(comment) > DELIVERY_COMMENT_MAX:
            errors["comment"] = env._(
                "Keep your comment under %(count)s characters.",
                count=DELIVERY_COMMENT_MAX,
            )
        return (int(value) if not errors else 0), comment, errors

    @http.route(
        "/my/deliveries/<int:picking_id>/rate",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_delivery_rate(self, picking_id, access_token=None, **form):
        try:
            picking_sudo = self._delivery_check_access(picking_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        value, comment, errors = self._delivery_rating_validate(form)
        if not errors and not (
            picking_sudo.state == "done" and picking_sudo.shipper_id
        ):
            errors["rating"] = request.env._(
                "You can rate a delivery once it has been delivered."
            )
        if not errors:
            try:
                with request.env.cr.savepoint():
                    picking_sudo._delivery_rate(value, comment)
                return request.redirect(
                    picking_sudo.get_portal_url(query_string="&rated=1")
                )
            except UserError:
                errors["rating"] = request.env._(
                    "Your rating could not be saved just now; please send it again."
                )
        return self._delivery_render(picking_sudo, form=form, errors=errors)

    @http.route(
        "/my/deliveries/<int:picking_id>/problem",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_delivery_problem(self, picking_id, access_token=None, **form):
        try:
            picking_sudo = self._delivery_check_access(picking_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        env = request.env
        errors = {}
        description = (form.get("description") or "").strip()
        if not description:
            errors["description"] = env._(
                "Describe the problem: what happened, and to which items."
            )
        elif len(description) > DELIVERY_PROBLEM_MAX:
            errors["description"] = env._(
                "Keep your description under %(count)s characters.",
                count=DELIVERY_PROBLEM_MAX,
            )
        elif not (picking_sudo.state != "cancel" and picking_sudo.shipper_id):
            errors["description"] = env._(
                "Problems are reported on deliveries of an order."
            )
        if not errors:
            try:
                with env.cr.savepoint():
                    picking_sudo._delivery_report_problem(description)
                return request.redirect(
                    picking_sudo.get_portal_url(query_string="&reported=1")
                )
            except UserError as error:
                errors["description"] = error.args[0]
        return self._delivery_render(picking_sudo, form=form, errors=errors)
