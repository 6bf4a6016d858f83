import io
import logging

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

from ..report.scorecard_report import (
    TARGET_FIELDS,
    TARGETS,
    clean_kpis,
    kpi_labels,
    kpi_met_formula,
    period_months,
    scorecard_period,
)

_logger = logging.getLogger(__name__)

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Exports of more customers than this are built in the background by a cron
# (ir.config_parameter overrides the default).
SYNC_LIMIT_PARAM = "logistics_crm.export_sync_limit"
SYNC_LIMIT_DEFAULT = 300


class LogisticsScorecardExport(models.TransientModel):
    _name = "logistics.scorecard.export"
    _description = "Customer Scorecard Export"
    # an export built in the background stays downloadable for a day
    _transient_max_hours = 24.0

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda s: s.env.company
    )
    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda s: s._default_period()[0],
        help="The scorecard is monthly: the export starts on the first day of "
        "this month.",
    )
    date_to = fields.Date(
        string="To",
        required=True,
        default=lambda s: s._default_period()[1],
        help="The scorecard is monthly: the export ends on the last day of this month.",
    )
    partner_ids = fields.Many2many(
        "res.partner",
        string="Customers",
        default=lambda s: s._default_partners(),
        domain="[('parent_id', '=', False)]",
        help="Leave empty for every customer with activity in the period.",
    )
    tier_ids = fields.Many2many(
        "logistics.customer.tier",
        string="Tiers",
        help="Only customers currently in these tiers.",
    )
    state = fields.Selection(
        [
            ("draft", "New"),
            ("queued", "Preparing"),
            ("done", "Ready"),
            ("failed", "Failed"),
        ],
        default="draft",
        readonly=True,
    )
    error_message = fields.Text(
        readonly=True, help="Why the export built in the background failed."
    )
    attachment_id = fields.Many2one("ir.attachment", string="File", readonly=True)

    def _default_period(self):
        today = fields.Date.context_today(self)
        return self.env["logistics.customer.scorecard"]._trailing_start(), today

    def _default_partners(self):
        if self.env.context.get("active_model") == "res.partner":
            return self.env["res.partner"].browse(
                self.env.context.get("active_ids", [])
            )
        return self.env["res.partner"]

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            scorecard_period(self.env, wizard.date_from, wizard.date_to)

    # ------------------------------------------------------------------
    # Selection
    # ------------------------------------------------------------------

    def _period(self):
        return scorecard_period(self.env, self.date_from, self.date_to)

    def _scorecard_domain(self):
        date_from, date_to = self._period()
        domain = (
            Domain("company_id", "=", self.company_id.id)
            & Domain("date", ">=", date_from)
            & Domain("date", "<=", date_to)
        )
        if self.partner_ids:
            domain &= Domain(
                "partner_id", "in", self.partner_ids.commercial_partner_id.ids
            )
        if self.tier_ids:
            domain &= Domain("tier_id", "in", self.tier_ids.ids)
        return domain

    def _nothing_to_export(self):
        return UserError(
            self.env._(
                "Nothing to export: the selected customers have no orders, "
                "deliveries or complaints between %(start)s and %(end)s.",
                start=self.date_from,
                end=self.date_to,
            )
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _check_selection(self):
        """The customers chosen by hand must be ones whose scorecard the user
        may see; without a choice, the record rules filter the customers."""
        report = self.env["report.logistics_crm.report_customer_scorecard"]
        partners = self.partner_ids.commercial_partner_id
        report._check_scorecard_access(
            partners.with_company(self.company_id), self.company_id
        )

    def action_print_pdf(self):
        """The PDF scorecard of the selected customers, or of every customer
        with activity in the period when none is selected or tiers filter
        them."""
        self.ensure_one()
        self._check_selection()
        partners = self.partner_ids.commercial_partner_id
        if self.tier_ids or not partners:
            groups = self.env["logistics.customer.scorecard"]._read_group(
                self._scorecard_domain(), ["partner_id"]
            )
            partners = self.env["res.partner"].browse([p.id for (p,) in groups])
        if not partners:
            raise self._nothing_to_export()
        # the web client prints a report with data from its data alone, without
        # record ids: the customers travel in it
        action = (
            self.env.ref("logistics_crm.action_report_customer_scorecard")
            .with_company(self.company_id)
            .report_action(
                partners,
                data={
                    "date_from": fields.Date.to_string(self.date_from),
                    "date_to": fields.Date.to_string(self.date_to),
                    "partner_ids": partners.ids,
                },
            )
        )
        if action["type"] == "ir.actions.report":
            action["close_on_report_download"] = True
        return action

    def action_export_xlsx(self):
        """Build the Excel workbook (Summary, Monthly, Trend) and download it.

        An export of many customers is built in the background instead: the
        user gets a notification with a download button when it is ready."""
        self.ensure_one()
        self._check_selection()
        count = self._customer_count()
        if not count:
            raise self._nothing_to_export()
        limit = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(SYNC_LIMIT_PARAM, SYNC_LIMIT_DEFAULT)
        )
        if count <= limit:
            return self._download_action(self._store_xlsx())
        self.write({"state": "queued", "error_message": False})
        self.env.ref("logistics_crm.ir_cron_scorecard_exports").sudo()._trigger()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "title": self.env._("Export started"),
                "message": self.env._(
                    "The scorecards of %(count)s customers are being exported in "
                    "the background. You will be notified with a download button "
                    "when the file is ready.",
                    count=count,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _customer_count(self):
        """Number of customers the export would list (one grouped read)."""
        [(count,)] = self.env["logistics.customer.scorecard"]._read_group(
            self._scorecard_domain(), [], ["partner_id:count_distinct"]
        )
        return count

    def _store_xlsx(self):
        date_from, date_to = self._period()
        content = self._build_xlsx()
        attachment = self.env["ir.attachment"].create(
            {
                "name": self.env._(
                    "Customer Scorecards %(start)s %(end)s.xlsx",
                    start=date_from.strftime("%Y-%m"),
                    end=date_to.strftime("%Y-%m"),
                ),
                "raw": content,
                "mimetype": XLSX_MIMETYPE,
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        self.write({"state": "done", "attachment_id": attachment.id})
        return attachment

    @staticmethod
    def _download_url(attachment):
        return f"/web/content/{attachment.id}?download=true"

    def _download_action(self, attachment):
        # the web client closes the dialog after opening the URL only for the
        # default target ("new"), not for "download"
        return {
            "type": "ir.actions.act_url",
            "url": self._download_url(attachment),
            "close": True,
        }

    @api.model
    def _cron_build_queued_exports(self):
        """Build the exports queued from the screen, oldest first, and commit
        each one. An export that fails is marked failed and its user told why;
        the next ones are built all the same."""
        queued = self.sudo().search([("state", "=", "queued")], order="id")
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        if in_cron:
            self.env["ir.cron"]._commit_progress(remaining=len(queued))
        for wizard in queued:
            wizard._build_in_background()
            if in_cron and not self.env["ir.cron"]._commit_progress(1):
                break

    def _build_in_background(self):
        """Build the export as the user who asked for it (same access rights,
        language and company) and notify that user, whether it succeeds or
        fails."""
        self.ensure_one()
        user = self.create_uid
        if not user:
            # the requester was deleted: there are no rights to build it with
            self.write(
                {
                    "state": "failed",
                    "error_message": self.env._(
                        "The user who asked for this export no longer exists."
                    ),
                }
            )
            return
        export = self.with_user(user).with_context(
            lang=user.lang, allowed_company_ids=self.company_id.ids
        )
        try:
            with self.env.cr.savepoint():
                attachment = export._store_xlsx()
        # one export's failure, whatever it is, must not stop the queue
        except Exception as error:  # noqa: BLE001
            if isinstance(error, UserError):
                _logger.info("Scorecard export %s refused: %s", self.id, error)
                message = str(error)
            else:
                _logger.exception("Scorecard export %s failed", self.id)
                message = export.env._(
                    "The export could not be built because of an unexpected "
                    "error. Your administrator will find it in the server log."
                )
            self.write({"state": "failed", "error_message": message})
            user._bus_send(
                "simple_notification",
                {
                    "type": "danger",
                    "sticky": True,
                    "title": export.env._("Scorecard export failed"),
                    "message": message,
                },
            )
        else:
            user._bus_send(
                "logistics_crm_export_ready",
                {
                    "title": export.env._("Scorecard export ready"),
                    "message": attachment.name,
                    "url": self._download_url(attachment),
                },
            )

    # ------------------------------------------------------------------
    # Workbook
    # ------------------------------------------------------------------

    def _metric_columns(self):
        """(field, header, kind) of the KPI columns of Summary and Monthly,
        headed by the scorecard's field strings (see ``kpi_labels``)."""
        return self._columns(
            [
                ("order_count", "int"),
                ("revenue", "money"),
                ("delivery_count", "int"),
                ("on_time_rate", "rate"),
                ("on_time_target", "rate"),
                ("otif_rate", "rate"),
                ("otif_target", "rate"),
                ("fill_rate", "rate"),
                ("fill_rate_target", "rate"),
                ("damage_rate", "rate"),
                ("damage_rate_max", "rate"),
                ("complaint_count", "int"),
                ("complaint_rate", "rate"),
                ("sla_compliance", "rate"),
                ("satisfaction", "rate"),
                ("avg_cycle_days", "rate"),
                ("avg_resolution_hours", "rate"),
            ]
        )

    def _columns(self, kinds):
        labels = kpi_labels(self.env, [fname for fname, __ in kinds])
        return [(fname, labels[fname], kind) for fname, kind in kinds]

    def _build_xlsx(self):
        """The workbook as bytes. Each sheet comes from one grouped read of the
        scorecard, and is written row after row in constant-memory mode."""
        self._check_selection()
        Scorecard = self.env["logistics.customer.scorecard"]
        domain = self._scorecard_domain()
        columns = self._metric_columns()
        fnames = [fname for fname, __, __ in columns]
        aggregates = [f"{f}:max" if f in TARGET_FIELDS else f"{f}:sum" for f in fnames]
        summary = Scorecard._read_group(
            domain, ["partner_id", "tier_id", "user_id"], aggregates
        )
        if not summary:
            raise self._nothing_to_export()

        buffer = io.BytesIO()
        # customer names are data: never let one become a formula or a link
        workbook = xlsxwriter.Workbook(
            buffer,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        styles = self._xlsx_styles(workbook)
        self._write_sheet(
            workbook.add_worksheet(self.env._("Summary")),
            styles,
            [
                (self.env._("Customer"), 32, "text"),
                (self.env._("Tier"), 14, "text"),
                (self.env._("Salesperson"), 20, "text"),
            ],
            columns,
            (
                (
                    [partner.display_name, tier.display_name, user.display_name],
                    clean_kpis(fnames, values),
                )
                for partner, tier, user, *values in summary
            ),
        )
        monthly = Scorecard._read_group(
            domain,
            ["partner_id", "date:month"],
            aggregates,
            order="partner_id, date:month",
        )
        self._write_sheet(
            workbook.add_worksheet(self.env._("Monthly")),
            styles,
            [(self.env._("Customer"), 32, "text"), (self.env._("Month"), 12, "month")],
            columns,
            (
                ([partner.display_name, month], clean_kpis(fnames, values))
                for partner, month, *values in monthly
            ),
        )
        self._write_trend(workbook, styles, domain)
        workbook.close()
        return buffer.getvalue()

    def _xlsx_styles(self, workbook):
        return {
            "header": workbook.add_format(
                {"bold": True, "text_wrap": True, "valign": "top", "bottom": 1}
            ),
            "text": None,
            "int": workbook.add_format({"num_format": "0"}),
            "money": workbook.add_format({"num_format": "#,##0.00"}),
            "rate": workbook.add_format({"num_format": "0.0"}),
            "month": workbook.add_format({"num_format": "mmm yyyy"}),
            "met": workbook.add_format(
                {"bg_color": "#C6EFCE", "font_color": "#006100"}
            ),
            "missed": workbook.add_format(
                {"bg_color": "#FFC7CE", "font_color": "#9C0006"}
            ),
        }

    def _write_row(self, sheet, styles, row, cells):
        for col, (value, kind) in enumerate(cells):
            if value is None or value is False:
                sheet.write_blank(row, col, None, styles[kind])
            elif kind == "month":
                sheet.write_datetime(row, col, value, styles[kind])
            elif kind == "text":
                sheet.write_string(row, col, str(value), styles[kind])
            else:
                sheet.write_number(row, col, value, styles[kind])

    def _write_sheet(self, sheet, styles, keys, columns, rows):
        """Header, then one row per ``(key values, kpis)`` of ``rows``; rates
        are green when they meet their target, red when they miss it."""
        headers = [(header, width, kind) for header, width, kind in keys] + [
            (header, 11 if kind != "money" else 14, kind)
            for __, header, kind in columns
        ]
        for col, (__, width, __) in enumerate(headers):
            sheet.set_column(col, col, width)
        sheet.set_row(0, 45)
        for col, (header, __, __) in enumerate(headers):
            sheet.write_string(0, col, header, styles["header"])
        kinds = [kind for __, __, kind in keys]
        row = 0
        for key_values, kpis in rows:
            row += 1
            self._write_row(
                sheet,
                styles,
                row,
                list(zip(key_values, kinds, strict=True))
                + [(kpis[fname], kind) for fname, __, kind in columns],
            )
        sheet.freeze_panes(1, len(keys))
        sheet.autofilter(0, 0, row, len(headers) - 1)
        position = {fname: len(keys) + i for i, (fname, __, __) in enumerate(columns)}
        for rate, (target, at_least) in TARGETS.items():
            if rate not in position or target not in position:
                continue
            self._colour_vs_target(
                sheet, styles, row, position[rate], position[target], at_least
            )

    def _colour_vs_target(self, sheet, styles, last_row, col, target_col, at_least):
        if not last_row:
            return
        value = xl_rowcol_to_cell(1, col)
        target = xl_rowcol_to_cell(1, target_col)
        for met, style in ((True, "met"), (False, "missed")):
            sheet.conditional_format(
                1,
                col,
                last_row,
                col,
                {
                    "type": "formula",
                    "criteria": kpi_met_formula(value, target, at_least, met),
                    "format": styles[style],
                },
            )

    def _write_trend(self, workbook, styles, domain):
        """One row per month of the period, with the on-time rate charted."""
        fields_ = self._columns(
            [
                ("order_count", "int"),
                ("delivery_count", "int"),
                ("on_time_count", "int"),
                ("on_time_rate", "rate"),
                ("otif_rate", "rate"),
                ("fill_rate", "rate"),
                ("complaint_count", "int"),
            ]
        )
        fnames = [fname for fname, __, __ in fields_]
        by_month = {
            month: clean_kpis(fnames, values)
            for month, *values in self.env["logistics.customer.scorecard"]._read_group(
                domain, ["date:month"], [f"{f}:sum" for f in fnames]
            )
        }
        empty = clean_kpis(fnames, [None] * len(fnames))
        sheet = workbook.add_worksheet(self.env._("Trend"))
        months = period_months(*self._period())
        self._write_sheet(
            sheet,
            styles,
            [(self.env._("Month"), 12, "month")],
            fields_,
            (([month], by_month.get(month, empty)) for month in months),
        )
        rate_col = 1 + fnames.index("on_time_rate")
        chart = workbook.add_chart({"type": "line"})
        chart.add_series(
            {
                "name": [sheet.name, 0, rate_col],
                "categories": [sheet.name, 1, 0, len(months), 0],
                "values": [sheet.name, 1, rate_col, len(months), rate_col],
                "marker": {"type": "circle"},
            }
        )
        chart.set_title({"name": self.env._("On-time delivery by month")})
        chart.set_y_axis({"name": fields_[rate_col - 1][1], "min": 0, "max": 100})
        chart.set_legend({"none": True})
        chart.show_blanks_as("gap")
        sheet.insert_chart(f"{xl_col_to_name(len(fields_) + 2)}2", chart)
