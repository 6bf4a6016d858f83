from odoo import api, fields, models


class LogisticsComplaintDocumentMixin(models.AbstractModel):
    """Complaint count and buttons on the documents a complaint can concern."""

    _name = "logistics.complaint.document.mixin"
    _description = "Document with complaints"

    complaint_count = fields.Integer(
        string="Complaints",
        compute="_compute_complaint_count",
        groups="logistics_crm.logistics_crm_group_user",
    )

    @api.depends_context("allowed_company_ids")
    def _compute_complaint_count(self):
        counts = self.env["logistics.complaint"]._count_for(self)
        for record in self:
            # a record being created (NewId) has no complaint yet
            record.complaint_count = counts.get(record.id, 0)

    def _complaint_defaults(self):
        raise NotImplementedError

    @api.readonly
    def action_view_complaints(self):
        self.ensure_one()
        return self.env["logistics.complaint"]._action_for(
            self, self._complaint_defaults()
        )
