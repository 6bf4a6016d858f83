"""Customer portal: /my/complaints, the customer's complaints and a form to
file one."""

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.fields import Domain
from odoo.http import request
from odoo.tools import plaintext2html

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager


class LogisticsCrmPortal(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "complaint_count" in counters:
            Complaint = request.env["logistics.complaint"]
            values["complaint_count"] = (
                Complaint.search_count(self._prepare_complaints_domain())
                if Complaint.has_access("read")
                else 0
            )
        return values

    # ------------------------------------------------------------------
    # Domains: always the session's customer, never one from the request
    # ------------------------------------------------------------------

    def _complaint_customer(self):
        return request.env.user.commercial_partner_id

    def _prepare_complaints_domain(self):
        # record rules already restrict portal users; the explicit domain keeps
        # an employee's own /my page to their own company's complaints too.
        # Complaints received by e-mail show once an employee confirms them.
        return Domain(
            "commercial_partner_id", "=", self._complaint_customer().id
        ) & Domain("to_confirm", "=", False)

    def _complaint_order_domain(self):
        return Domain(
            "partner_id", "child_of", self._complaint_customer().ids
        ) & Domain("state", "=", "sale")

    def _complaint_delivery_domain(self):
        customer = self._complaint_customer()
        return (
            (
                Domain("partner_id", "child_of", customer.ids)
                | Domain("sale_id.partner_id", "child_of", customer.ids)
            )
            & Domain("picking_type_code", "=", "outgoing")
            & Domain("state", "in", ["assigned", "done"])
            & Domain("company_id", "in", request.env.companies.ids)
        )

    def _complaint_orders(self, extra=None):
        SaleOrder = request.env["sale.order"]
        if not SaleOrder.has_access("read"):
            return SaleOrder
        return SaleOrder.search(
            self._complaint_order_domain() & Domain(extra or Domain.TRUE),
            order="date_order desc, id desc",
            limit=self._items_per_page,
        )

    def _complaint_deliveries(self, extra=None):
        # portal users read only the pickings addressed to their own contact
        # (sale_stock's rule), not those of their company: search as superuser,
        # but only within the customer's own outgoing deliveries
        return (
            request.env["stock.picking"]
            .sudo()
            .search(
                self._complaint_delivery_domain() & Domain(extra or Domain.TRUE),
                order="id desc",
                limit=self._items_per_page,
            )
        )

    def _complaint_types(self):
        return request.env["logistics.complaint.type"].search([])

    # ------------------------------------------------------------------
    # List
    # ------------------------------------------------------------------

    def _complaint_searchbar_sortings(self):
        return {
            "date": {
                "label": request.env._("Newest"),
                "order": "date_reported desc, id desc",
            },
            "reference": {
                "label": request.env._("Reference"),
                "order": "reference desc",
            },
            "stage": {
                "label": request.env._("Stage"),
                "order": "stage_id, date_reported desc, id desc",
            },
        }

    def _complaint_searchbar_filters(self):
        return {
            "all": {"label": request.env._("All"), "domain": Domain.TRUE},
            "open": {
                "label": request.env._("Open"),
                "domain": Domain("is_closed", "=", False),
            },
            "closed": {
                "label": request.env._("Closed"),
                "domain": Domain("is_closed", "=", True),
            },
        }

    @http.route(
        ["/my/complaints", "/my/complaints/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_complaints(self, page=1, sortby=None, filterby=None, **kw):
        Complaint = request.env["logistics.complaint"]
        if not Complaint.has_access("read"):
            return request.redirect("/my")
        searchbar_sortings = self._complaint_searchbar_sortings()
        searchbar_filters = self._complaint_searchbar_filters()
        if sortby not in searchbar_sortings:
            sortby = "date"
        if filterby not in searchbar_filters:
            filterby = "all"
        domain = (
            self._prepare_complaints_domain() & searchbar_filters[filterby]["domain"]
        )
        pager = portal_pager(
            url="/my/complaints",
            url_args={"sortby": sortby, "filterby": filterby},
            total=Complaint.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        complaints = Complaint.search(
            domain,
            order=searchbar_sortings[sortby]["order"],
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        request.session["my_complaints_history"] = complaints.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                # searched with the user's rights; read with sudo to show the
                # names of linked deliveries the user's own rules may hide
                "complaints": complaints.sudo(),
                "page_name": "complaint",
                "default_url": "/my/complaints",
                "pager": pager,
                "searchbar_sortings": searchbar_sortings,
                "sortby": sortby,
                "searchbar_filters": searchbar_filters,
                "filterby": filterby,
            }
        )
        return request.render("logistics_crm.portal_my_complaints", values)

    # ------------------------------------------------------------------
    # Detail
    # ------------------------------------------------------------------

    @http.route(
        "/my/complaints/<int:complaint_id>", type="http", auth="public", website=True
    )
    def portal_my_complaint(self, complaint_id, access_token=None, **kw):
        try:
            complaint_sudo = self._document_check_access(
                "logistics.complaint", complaint_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        if complaint_sudo.to_confirm:
            # not even with a token: the sender may not be the customer
            return request.redirect("/my")
        values = {
            "page_name": "complaint",
            "complaint": complaint_sudo,
            "preview_object": complaint_sudo,
            # the chatter posts with the token: portal users may read
            # complaints, not write them
            "chatter_token": complaint_sudo._portal_ensure_token(),
        }
        values = self._get_page_view_values(
            complaint_sudo, access_token, values, "my_complaints_history", False, **kw
        )
        return request.render("logistics_crm.portal_my_complaint", values)

    # ------------------------------------------------------------------
    # New complaint
    # ------------------------------------------------------------------

    def _complaint_form_values(self, form=None, error=None):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "complaint_new",
                "complaint_types": self._complaint_types(),
                "orders": self._complaint_orders(),
                "deliveries": self._complaint_deliveries(),
                "form": form or {},
                "error": error or {},
            }
        )
        return values

    @staticmethod
    def _to_id(value):
        """The id in a form value, -1 when it is not one: only plain ASCII
        digits within PostgreSQL's integer range (``str.isdigit`` also accepts
        '²' or Arabic-Indic digits, which ``int`` refuses or reads)."""
        value = (value or "").strip()
        if not value:
            return False
        if not (value.isascii() and value.isdigit()) or len(value) > 10:
            return -1
        number = int(value)
        return number if number <= 2**31 - 1 else -1

    def _complaint_validate(self, form):
        """Return ``(vals, errors)``: the values to create the complaint with,
        and the messages of the fields refused, by field name."""
        env = request.env
        errors = {}
        subject = (form.get("name") or "").strip()
        if not subject:
            errors["name"] = env._("Give your complaint a subject.")
        type_id = self._to_id(form.get("complaint_type_id"))
        complaint_type = env["logistics.complaint.type"]
        if type_id:
            complaint_type = self._complaint_types().filtered(lambda t: t.id == type_id)
            if not complaint_type:
                errors["complaint_type_id"] = env._(
                    "Choose the type of your complaint from the list."
                )
        order_id = self._to_id(form.get("sale_order_id"))
        order = env["sale.order"]
        if order_id:
            order = self._complaint_orders(Domain("id", "=", order_id))
            if not order:
                errors["sale_order_id"] = env._(
                    "The order you chose is not one of your confirmed orders."
                )
        picking_id = self._to_id(form.get("picking_id"))
        picking = env["stock.picking"]
        if picking_id:
            picking = self._complaint_deliveries(Domain("id", "=", picking_id))
            if not picking:
                errors["picking_id"] = env._(
                    "The delivery you chose is not one of your deliveries."
                )
        if errors:
            return {}, errors
        if picking and not order:
            order = self._complaint_orders(Domain("id", "=", picking.sale_id.id))
        description = (form.get("description") or "").strip()
        company = (order.company_id or picking.company_id)[:1] or env.company
        return {
            "name": subject,
            "partner_id": env.user.partner_id.id,
            "company_id": company.id,
            "complaint_type_id": complaint_type.id,
            "sale_order_id": order.id,
            "picking_id": picking.id,
            "description": plaintext2html(description) if description else False,
            # filed by the customer: the team assigns a responsible, as for
            # complaints received by e-mail
            "user_id": False,
        }, {}

    @http.route(
        "/my/complaints/new",
        type="http",
        auth="user",
        methods=["GET", "POST"],
        website=True,
    )
    def portal_complaint_new(self, **form):
        Complaint = request.env["logistics.complaint"]
        # customers read their complaints but may not create or write them
        # through the ORM: the form creates one with only the fields a
        # customer chooses, validated by _complaint_validate
        if not Complaint.has_access("read"):
            return request.redirect("/my")
        if request.httprequest.method != "POST":
            return request.render(
                "logistics_crm.portal_complaint_new", self._complaint_form_values()
            )
        vals, errors = self._complaint_validate(form)
        if not errors:
            try:
                with request.env.cr.savepoint():
                    complaint = Complaint.sudo().create(vals)
                return request.redirect(complaint.access_url)
            except UserError as error:
                errors = {"form": error.args[0]}
        return request.render(
            "logistics_crm.portal_complaint_new",
            self._complaint_form_values(form, errors),
        )
