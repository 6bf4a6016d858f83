"""Customer portal: /my/scorecard, the logged-in customer's own scorecard."""

from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..report.scorecard_report import (
    TREND_FIELDS,
    kpi_labels,
    period_months,
    scorecard_period,
    trend_chart,
    trend_rows,
)


class LogisticsScorecardPortal(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "scorecard_count" in counters:
            Scorecard = request.env["logistics.customer.scorecard"]
            values["scorecard_count"] = (
                Scorecard.search_count([]) if Scorecard.has_access("read") else 0
            )
        return values

    def _scorecard_period(self):
        """The trailing 12 months, this one included, as the PDF counts them."""
        return scorecard_period(request.env)

    # the page and its PDF only read: Odoo serves them from the read replica
    # when there is one (--db_replica_host)
    @http.route("/my/scorecard", type="http", auth="user", website=True, readonly=True)
    def portal_my_scorecard(self, **kw):
        Scorecard = request.env["logistics.customer.scorecard"]
        if not Scorecard.has_access("read"):
            return request.redirect("/my")
        # the customer is the session's, never one taken from the request
        partner = request.env.user.commercial_partner_id
        company = request.env.company
        start, end = self._scorecard_period()
        # every month of the period has its row, an empty month included
        monthly = request.env[
            "report.logistics_crm.report_customer_scorecard"
        ]._scorecard_monthly(partner, company, start, end)
        months = trend_rows(request.env, period_months(start, end), monthly[partner])
        labels = kpi_labels(request.env, TREND_FIELDS)
        kpis, lines = Scorecard.sudo()._panel_lines(partner.sudo(), company)
        # revenue and margin are the company's internal figures: the page gets
        # the figures the customer may read, never more
        kpis = {
            fname: value
            for fname, value in kpis.items()
            if Scorecard._has_field_access(Scorecard._fields[fname], "read")
        }
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "scorecard",
                "partner": partner,
                "kpis": kpis,
                "lines": lines,
                "months": months,
                "labels": labels,
                "chart": trend_chart(months, labels),
                "start": start,
            }
        )
        return request.render("logistics_crm.portal_my_scorecard", values)

    @http.route(
        "/my/scorecard/pdf", type="http", auth="user", website=True, readonly=True
    )
    def portal_my_scorecard_pdf(self, **kw):
        if not request.env["logistics.customer.scorecard"].has_access("read"):
            return request.redirect("/my")
        partner = request.env.user.commercial_partner_id
        start, end = self._scorecard_period()
        pdf, _type = (
            request.env["ir.actions.report"]
            .sudo()
            ._render_qweb_pdf(
                "logistics_crm.action_report_customer_scorecard",
                res_ids=partner.ids,
                data={"date_from": str(start), "date_to": str(end)},
            )
        )
        filename = f"Scorecard - {partner.name}.pdf"
        return request.make_response(
            pdf,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Length", len(pdf)),
                ("Content-Disposition", http.content_disposition(filename)),
            ],
        )
