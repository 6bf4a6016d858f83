import math
from collections import defaultdict
from datetime import date, datetime, time

from babel.dates import format_skeleton
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import float_compare
from odoo.tools.misc import babel_locale_parse, get_lang

from odoo.addons.base.models.ir_actions_report import _wkhtml

# the module, not its names: customer_scorecard imports this one back (the
# partner panel's Met/Missed and labels)
from . import customer_scorecard

# rate -> (policy target field, True when the rate must reach the target,
# False when it must stay under it)
TARGETS = {
    "on_time_rate": ("on_time_target", True),
    "otif_rate": ("otif_target", True),
    "fill_rate": ("fill_rate_target", True),
    "damage_rate": ("damage_rate_max", False),
}
TARGET_FIELDS = tuple(target for target, __ in TARGETS.values())
# digits a KPI is compared with its target at (see kpi_met)
KPI_PRECISION = 2
TREND_FIELDS = (
    "order_count",
    "delivery_count",
    "on_time_rate",
    "otif_rate",
    "fill_rate",
    "complaint_count",
)
# The rates the trend chart draws, as on the Excel sheet's chart (0-100 %)
TREND_CHART_RATES = ("on_time_rate", "otif_rate")
# SVG user units of the trend chart; the axis labels at most one a month,
# fewer on a long period
CHART_WIDTH, CHART_HEIGHT = 720, 230
CHART_PLOT = {"left": 40, "right": 710, "top": 10, "bottom": 180}
CHART_MAX_LABELS = 12


# A scorecard covers at most three years, within the century its row ids
# number the months of (from January 2000, see the scorecard's _table_query).
PERIOD_MAX_MONTHS = 36
PERIOD_FIRST_DAY = date(2000, 1, 1)
PERIOD_LAST_DAY = date(2099, 12, 31)


def _to_date(env, value):
    try:
        return fields.Date.to_date(value)
    except (TypeError, ValueError):
        raise ValidationError(
            env._("The scorecard period has an invalid date: %(value)s.", value=value)
        ) from None


def scorecard_period(env, date_from=None, date_to=None):
    """Whole months from ``date_from``'s to ``date_to``'s, as a pair of dates.

    The scorecard is monthly, so a period always covers whole months. Without
    ``date_from`` it starts where the scorecard's trailing 12 months do
    (``logistics.customer.scorecard._trailing_start``), and without
    ``date_to`` it ends this month. A period that ends
    before it starts, lasts more than ``PERIOD_MAX_MONTHS`` months or leaves
    the years the scorecard covers is refused with a ValidationError."""
    today = fields.Date.context_today(env.user)
    date_to = _to_date(env, date_to) or today
    date_from = (
        _to_date(env, date_from)
        or env["logistics.customer.scorecard"]._trailing_start()
    )
    if date_to < date_from:
        raise ValidationError(
            env._(
                "The scorecard period ends (%(end)s) before it starts (%(start)s).",
                start=date_from,
                end=date_to,
            )
        )
    if date_from < PERIOD_FIRST_DAY or date_to > PERIOD_LAST_DAY:
        raise ValidationError(
            env._(
                "The scorecard period must lie between %(first)s and %(last)s.",
                first=PERIOD_FIRST_DAY,
                last=PERIOD_LAST_DAY,
            )
        )
    start, end = date_from + relativedelta(day=1), date_to + relativedelta(day=31)
    if (end.year - start.year) * 12 + end.month - start.month >= PERIOD_MAX_MONTHS:
        raise ValidationError(
            env._(
                "A scorecard covers at most %(max)s months: shorten the period "
                "from %(start)s to %(end)s.",
                max=PERIOD_MAX_MONTHS,
                start=start,
                end=end,
            )
        )
    return start, end


def period_months(date_from, date_to):
    """First day of every month of the period."""
    months, month = [], date_from + relativedelta(day=1)
    while month <= date_to:
        months.append(month)
        month += relativedelta(months=1)
    return months


def month_label(env, month, lang=None):
    """``month`` as the reader's language names a month of a year: "Dec
    2025", "2025年12月". The portal, the PDF and their trend charts all say
    it so. ``lang`` defaults to the environment's."""
    locale = babel_locale_parse(get_lang(env, lang).code)
    return format_skeleton("yMMM", month, locale=locale)


def trend_rows(env, months, monthly, lang=None):
    """One row per month of ``months``, named in ``lang`` (see
    ``month_label``): the month's counts and rates from ``monthly`` (a dict by
    month), an empty month included, with counts 0 and rates None."""
    empty = clean_kpis(TREND_FIELDS, [None] * len(TREND_FIELDS))
    return [
        {
            "month": month,
            "label": month_label(env, month, lang),
            **monthly.get(month, empty),
        }
        for month in months
    ]


def trend_chart(rows, labels):
    """The trend chart of ``rows`` (see ``trend_rows``), ready for the
    ``logistics_crm.scorecard_trend_chart`` template: an inline SVG that the
    portal and the PDF draw alike, without JavaScript.

    Every rate of ``TREND_CHART_RATES`` is a line on a 0-100 % scale, broken
    where a month has no value (no delivery), never drawn down to 0; its
    legend is its name in ``labels`` (see ``kpi_labels``)."""
    plot = CHART_PLOT
    step = (plot["right"] - plot["left"]) / max(len(rows), 1)
    height = plot["bottom"] - plot["top"]
    every = math.ceil(len(rows) / CHART_MAX_LABELS) or 1

    def x(index):
        return round(plot["left"] + step * (index + 0.5), 1)

    def y(rate):
        return round(plot["bottom"] - height * min(max(rate, 0.0), 100.0) / 100, 1)

    lines = {}
    for fname in TREND_CHART_RATES:
        segments, dots = [[]], []
        for index, row in enumerate(rows):
            if row[fname] is None:
                segments.append([])
                continue
            point = (x(index), y(row[fname]))
            segments[-1].append(point)
            dots.append(point)
        lines[fname] = {
            "polylines": [
                " ".join(f"{px},{py}" for px, py in segment)
                for segment in segments
                if len(segment) > 1
            ],
            "dots": dots,
        }
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "plot": plot,
        "grid": [{"y": y(rate), "rate": rate} for rate in (0, 25, 50, 75, 100)],
        "labels": [
            {"x": x(index), "label": row["label"]}
            for index, row in enumerate(rows)
            if index % every == 0
        ],
        "lines": lines,
        "legend": {fname: labels[fname] for fname in TREND_CHART_RATES},
    }


def clean_kpis(fnames, values):
    """Scorecard aggregates as a dict: a rate with an empty denominator is
    None, an absent count is 0."""
    kpis = dict(zip(fnames, values, strict=True))
    for fname, value in kpis.items():
        if value is False or value is None:
            kpis[fname] = None if fname in customer_scorecard.RATES else 0
    return kpis


def kpi_met(value, target, higher_is_better=True):
    """Whether the KPI ``value`` meets its ``target``: the one rule of Met and
    Missed, for the partner panel, the portal, the PDF and the Excel export
    (see ``kpi_met_formula``). A rate meets a target it must reach when it is
    at least the target, one it must stay under when it is at most the
    target, compared at ``KPI_PRECISION`` digits. None when the KPI has no
    value (an empty denominator) or no target."""
    if value is None or value is False or target is None or target is False:
        return None
    cmp = float_compare(value, target, precision_digits=KPI_PRECISION)
    return cmp >= 0 if higher_is_better else cmp <= 0


def kpi_met_formula(value_cell, target_cell, higher_is_better=True, met=True):
    """``kpi_met`` as a spreadsheet formula on two cells: true when the value
    meets its target (``met``) or misses it (not ``met``), false when either
    cell is empty."""
    difference = f"ROUND({value_cell}-{target_cell},{KPI_PRECISION})"
    op = (">=" if met else "<") if higher_is_better else ("<=" if met else ">")
    return f"=AND(ISNUMBER({value_cell}),ISNUMBER({target_cell}),{difference}{op}0)"


def kpi_status(rate_name, rate, target):
    """'met', 'missed', or None when the KPI has no target or no value."""
    if rate_name not in TARGETS:
        return None
    met = kpi_met(rate, target, TARGETS[rate_name][1])
    return None if met is None else ("met" if met else "missed")


def kpi_labels(env, fnames):
    """``{field: label}``: what the scorecard's KPIs ``fnames`` are called
    everywhere (PDF, portal, Excel), the string of the scorecard's field, or
    of the SLA policy's field for a target (see ``TARGETS``), in ``env``'s
    language."""
    Scorecard = env["logistics.customer.scorecard"]
    Policy = env["logistics.sla.policy"]
    return {
        fname: (Policy if fname in TARGET_FIELDS else Scorecard)
        ._fields[fname]
        ._description_string(env)
        for fname in fnames
    }


class ReportCustomerScorecard(models.AbstractModel):
    _name = "report.logistics_crm.report_customer_scorecard"
    _description = "Customer Scorecard Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        date_from, date_to = scorecard_period(
            self.env, data.get("date_from"), data.get("date_to")
        )
        company = self.env.company
        partners = (
            self.env["res.partner"]
            .browse(docids or self._data_partner_ids(data))
            .exists()
            .commercial_partner_id.with_company(company)
        )
        if not partners:
            raise UserError(
                self.env._("Choose the customers whose scorecard to print.")
            )
        self._check_scorecard_access(partners, company)
        totals, monthly = self._scorecard_kpis(partners, company, date_from, date_to)
        by_type, complaints = self._scorecard_complaints(
            partners, company, date_from, date_to
        )
        months = period_months(date_from, date_to)
        fnames = [*customer_scorecard.COUNTS, *customer_scorecard.RATES]
        empty = clean_kpis(fnames, [None] * len(fnames))
        scorecards = []
        for partner in partners:
            policy = partner.sla_policy_id
            kpis = self._readable_kpis(totals.get(partner, empty))
            targets = {
                rate: policy[target] if policy else None
                for rate, (target, __) in TARGETS.items()
            }
            # in the language the document is printed in (t-lang)
            rows = trend_rows(self.env, months, monthly[partner], partner.lang)
            labels = kpi_labels(
                self.with_context(lang=partner.lang or self.env.lang).env,
                fnames,
            )
            scorecards.append(
                {
                    "partner": partner,
                    "tier": partner.customer_tier_id,
                    "user": partner.user_id,
                    "policy": policy,
                    "kpis": kpis,
                    "targets": targets,
                    # whether a rate must reach its target or stay under it
                    "higher": {rate: higher for rate, (__, higher) in TARGETS.items()},
                    "status": {
                        rate: kpi_status(rate, kpis[rate], target)
                        for rate, target in targets.items()
                    },
                    "months": rows,
                    "labels": labels,
                    "chart": trend_chart(rows, labels),
                    "complaints_by_type": by_type[partner],
                    "complaints": complaints.get(
                        partner, self.env["logistics.complaint"]
                    ),
                }
            )
        return {
            "doc_ids": partners.ids,
            "doc_model": "res.partner",
            "docs": partners,
            "company": company,
            "date_from": date_from,
            "date_to": date_to,
            "scorecards": scorecards,
            # an unpatched wkhtmltopdf ignores the page header: the company
            # heads each scorecard in the page instead
            "header_in_body": data.get("report_type") == "pdf"
            and not _wkhtml().is_patched_qt,
        }

    @api.model
    def _data_partner_ids(self, data):
        """The customers of a scorecard printed from the export wizard: the web
        client asks for a report with data by its options, without record ids."""
        ids = data.get("partner_ids") or []
        if not isinstance(ids, list) or not all(
            isinstance(id_, int) and not isinstance(id_, bool) for id_ in ids
        ):
            raise ValidationError(
                self.env._(
                    "The customers to print are not a list of ids: %(ids)s.", ids=ids
                )
            )
        return ids

    @api.model
    def _readable_kpis(self, kpis):
        """The KPIs of ``kpis`` that the user may read. The PDF a customer
        downloads from the portal is rendered as superuser, but shows the
        customer's service KPIs only, never revenue or margin."""
        Scorecard = self.env["logistics.customer.scorecard"].sudo(False)
        return {
            fname: value
            for fname, value in kpis.items()
            if Scorecard._has_field_access(Scorecard._fields[fname], "read")
        }

    @api.model
    def _check_scorecard_access(self, partners, company):
        """Refuse the scorecards the user may not read: the report is the
        company's internal view (revenue included), and a salesperson limited
        to his own documents sees his customers' and unassigned ones only.

        The scorecard's record rules decide, tried on one virtual scorecard row
        per customer, so that a customer without activity is refused alike."""
        if self.env.su:
            return
        if not self.env.user.has_group("logistics_crm.logistics_crm_group_user"):
            raise AccessError(
                self.env._("Only Logistics CRM users can print customer scorecards.")
            )
        Scorecard = self.env["logistics.customer.scorecard"].with_company(company)
        rows = Scorecard.concat(
            *(
                Scorecard.new(
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "user_id": partner.user_id.id,
                        "tier_id": partner.customer_tier_id.id,
                    }
                )
                for partner in partners
            )
        )
        rules = self.env["ir.rule"]._compute_domain(Scorecard._name, "read")
        refused = (rows - rows.filtered_domain(rules)).partner_id
        if refused:
            raise AccessError(
                self.env._(
                    "You are not allowed to see the scorecard of %(customers)s.",
                    customers=", ".join(refused.mapped("display_name")),
                )
            )

    @api.model
    def _scorecard_kpis(self, partners, company, date_from, date_to):
        """Totals per customer and per customer and month: two grouped reads,
        whatever the number of customers."""
        fnames = [*customer_scorecard.COUNTS, *customer_scorecard.RATES]
        totals = {
            partner: clean_kpis(fnames, values)
            for partner, *values in self.env[
                "logistics.customer.scorecard"
            ]._read_group(
                self._scorecard_domain(partners, company, date_from, date_to),
                ["partner_id"],
                [f"{f}:sum" for f in fnames],
            )
        }
        monthly = self._scorecard_monthly(partners, company, date_from, date_to)
        return totals, monthly

    @api.model
    def _scorecard_monthly(self, partners, company, date_from, date_to):
        """The trend's counts and rates per customer and month, in one grouped
        read: ``{partner: {month: kpis}}``, a month without activity left out
        (see ``trend_rows``). The customer portal reads its own this way."""
        monthly = defaultdict(dict)
        for partner, month, *values in self.env[
            "logistics.customer.scorecard"
        ]._read_group(
            self._scorecard_domain(partners, company, date_from, date_to),
            ["partner_id", "date:month"],
            [f"{f}:sum" for f in TREND_FIELDS],
        ):
            monthly[partner][month] = clean_kpis(TREND_FIELDS, values)
        return monthly

    @api.model
    def _scorecard_domain(self, partners, company, date_from, date_to):
        return (
            Domain("company_id", "=", company.id)
            & Domain("partner_id", "in", partners.ids)
            & Domain("date", ">=", date_from)
            & Domain("date", "<=", date_to)
        )

    @api.model
    def _scorecard_complaints(self, partners, company, date_from, date_to):
        """Complaints of the period per customer, counted by type, and listed.
        Cancelled complaints are left out, as in the scorecard's complaint
        count. The scorecard goes to the customer: it shows the resolution,
        never the internal analysis (root cause, responsibility)."""
        Complaint = self.env["logistics.complaint"]
        domain = (
            Domain("company_id", "=", company.id)
            & Domain("commercial_partner_id", "in", partners.ids)
            & Domain("date_reported", ">=", datetime.combine(date_from, time.min))
            & Domain(
                "date_reported",
                "<",
                datetime.combine(date_to + relativedelta(days=1), time.min),
            )
            & Domain("stage_id", "not any", [("is_cancelled", "=", True)])
            & Domain("to_confirm", "=", False)
        )
        by_type = defaultdict(list)
        for partner, complaint_type, count in Complaint._read_group(
            domain,
            ["commercial_partner_id", "complaint_type_id"],
            ["__count"],
            order="commercial_partner_id, complaint_type_id",
        ):
            by_type[partner].append((complaint_type, count))
        complaints = Complaint.search(domain, order="date_reported, id").grouped(
            "commercial_partner_id"
        )
        return by_type, complaints
