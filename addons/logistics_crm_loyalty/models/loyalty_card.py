from odoo import api, models


class LoyaltyCard(models.Model):
    _inherit = "loyalty.card"

    @api.model
    def _logistics_enrol(self, partner_ids_by_program):
        """Give each partner of ``partner_ids_by_program`` (program id -> set
        of partner ids) a card of the program, unless it holds one already
        (archived included: a customer never gets a second card); programs
        archived enrol nobody. Sends the programs' "at creation" e-mails, one
        batch per template. A fixed number of queries per program; returns
        the new cards.

        As superuser: enrolment follows a tier benefit change that a Logistics
        CRM administrator applied (or the regrade applied at once), and the
        administrator need not be a Sales manager, who alone creates cards."""
        Card = self.sudo().with_context(active_test=False)
        programs = (
            self.env["loyalty.program"].sudo().browse(list(partner_ids_by_program))
        ).filtered("active")
        partner_ids = set().union(
            *(partner_ids_by_program[program.id] for program in programs)
        )
        if not partner_ids:
            return Card.browse()
        held = {
            (program.id, partner.id)
            for program, partner in Card._read_group(
                [
                    ("program_id", "in", programs.ids),
                    ("partner_id", "in", list(partner_ids)),
                ],
                ["program_id", "partner_id"],
            )
        }
        cards = Card.with_context(
            loyalty_no_mail=True, tracking_disable=True, mail_create_nolog=True
        ).create(
            [
                {"program_id": program.id, "partner_id": partner_id, "points": 0}
                for program in programs
                for partner_id in sorted(partner_ids_by_program[program.id])
                if (program.id, partner_id) not in held
            ]
        )
        cards.with_context(active_test=True)._logistics_send_welcome()
        return cards

    def _logistics_send_welcome(self):
        """The "at creation" communications of the cards' programs, one
        batch per program and template (Odoo sends them card by card)."""
        for program, cards in self.grouped("program_id").items():
            communications = program.communication_plan_ids.filtered(
                lambda communication: communication.trigger == "create"
            )
            for template in communications.mail_template_id:
                email_values = {}
                if not template.email_from:
                    author = cards[0]._get_mail_author()
                    email_values = {
                        "author_id": author.id,
                        "email_from": author.email_formatted,
                    }
                template.send_mail_batch(
                    cards.ids,
                    email_values=email_values,
                    email_layout_xmlid="mail.mail_notification_light",
                )
