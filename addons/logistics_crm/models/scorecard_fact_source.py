from odoo import api, models

FACTS = "logistics.customer.scorecard.fact"


class LogisticsScorecardFactSource(models.AbstractModel):
    """A document the scorecard facts are computed from (orders, order lines,
    complaints, SLA statuses): its changes queue the (company, customer,
    month) keys it counts in for a refresh, before commit or at the next
    scorecard read (see logistics.customer.scorecard.fact)."""

    _name = "logistics.scorecard.fact.source"
    _description = "Scorecard Fact Source"

    # fields whose change moves the document to other keys: the keys it
    # counted in before the write are refreshed too
    _scorecard_key_fields = frozenset()
    # fields whose change changes its figures (stored computes included)
    _scorecard_fields = frozenset()

    def _scorecard_fact_keys(self):
        """The (company id, commercial customer id, month) keys the records
        count in."""
        return set()

    def _scorecard_fact_keys_on_unlink(self):
        """The keys to refresh when the records are deleted."""
        return self._scorecard_fact_keys()

    def write(self, vals):
        if self._scorecard_key_fields.intersection(vals):
            self.env[FACTS]._mark_keys(self.sudo()._scorecard_fact_keys())
        return super().write(vals)

    def _write_multi(self, vals_list):
        # here, not in write(): stored computed and related fields change
        # with their sources without going through write()
        changed = [
            record.id
            for record, vals in zip(self, vals_list, strict=True)
            if self._scorecard_fields.intersection(vals)
        ]
        if changed:
            self.env[FACTS]._mark_records(self.browse(changed))
        return super()._write_multi(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_scorecard_facts(self):
        self.env[FACTS]._mark_keys(self.sudo()._scorecard_fact_keys_on_unlink())
