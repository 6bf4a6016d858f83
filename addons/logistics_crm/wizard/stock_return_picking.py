from odoo import models


class StockReturnPicking(models.TransientModel):
    _inherit = "stock.return.picking"

    def _create_return(self):
        new_picking = super()._create_return()
        complaint_id = self.env.context.get("logistics_complaint_id")
        if complaint_id:
            complaint = self.env["logistics.complaint"].browse(complaint_id)
            complaint.return_picking_id = new_picking
            complaint.message_post(
                body=self.env._(
                    "Return %(picking)s created.", picking=new_picking.name
                ),
                subtype_xmlid="mail.mt_note",
            )
        return new_picking
