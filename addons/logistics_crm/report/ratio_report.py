from odoo import api, models
from odoo.tools import SQL


class LogisticsRatioReport(models.AbstractModel):
    """A reporting model whose rates are ratios of sums: a rate of a group is
    ``factor x sum(numerator) / sum(denominator)`` over its rows, never an
    average of the rows' rates, so it stays right in any grouping."""

    _name = "logistics.ratio.report"
    _description = "Report with Ratio-of-Sums Rates"

    # rate field -> (numerator field, denominator field, factor); the
    # numerator may be a pair (a, b) of fields, for the rate
    # factor x (sum(a) - sum(b)) / sum(denominator), such as a net score
    _ratio_rates = {}

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), *args, **kwargs):
        # JIT compilation costs more than it saves on these grouped reads
        self.env.cr.execute(SQL("SET LOCAL jit = off"))
        return super()._read_group(domain, groupby, aggregates, *args, **kwargs)

    def _read_group_select(self, aggregate_spec, query):
        fname, __, func = aggregate_spec.partition(":")
        if fname in self._ratio_rates and func != "count":
            num, den, factor = self._ratio_rates[fname]
            if isinstance(num, tuple):
                plus, minus = num
                numerator = SQL(
                    "(SUM(%s) - SUM(%s))",
                    self._field_to_sql(self._table, plus, query),
                    self._field_to_sql(self._table, minus, query),
                )
            else:
                numerator = SQL("SUM(%s)", self._field_to_sql(self._table, num, query))
            return SQL(
                "%s * %s / NULLIF(SUM(%s), 0)",
                factor,
                numerator,
                self._field_to_sql(self._table, den, query),
            )
        return super()._read_group_select(aggregate_spec, query)
