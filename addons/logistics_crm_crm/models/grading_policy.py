from odoo import api, fields, models
from odoo.exceptions import ValidationError


class LogisticsGradingPolicy(models.Model):
    _inherit = "logistics.grading.policy"

    cross_sell_min_peer_share = fields.Float(
        string="Cross-sell: minimum peer share (%)",
        default=30.0,
        help="A product category is suggested to a customer who did not buy "
        "it in the grading window when at least this percentage of the "
        "customers of its tier bought it.",
    )

    @api.constrains("cross_sell_min_peer_share")
    def _check_cross_sell_min_peer_share(self):
        for policy in self:
            if not 0 < policy.cross_sell_min_peer_share <= 100:
                raise ValidationError(
                    self.env._(
                        "The cross-sell minimum peer share is a percentage of "
                        "the tier's customers: more than 0 and at most 100 "
                        "(%(value)s given).",
                        value=policy.cross_sell_min_peer_share,
                    )
                )
