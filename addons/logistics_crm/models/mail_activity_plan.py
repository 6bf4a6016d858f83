from markupsafe import Markup

from odoo import fields, models
from odoo.tools.misc import format_date


class MailActivityPlan(models.Model):
    _inherit = "mail.activity.plan"

    def _logistics_launch(
        self, records, responsible_by_id, date_deadline=None, notify=False
    ):
        """Launch the plan on ``records`` at once, as the "Launch plan" wizard
        does on one record: the activities of the plan's templates, and a note
        in each record's chatter listing them.

        :param records: records of the plan's model
        :param dict responsible_by_id: ``{record id: res.users}``, who gets the
            activities of the templates assigned at launch ("Ask at launch");
            the others go to the template's default user
        :param date_deadline: the plan date the templates' delays count from,
            today by default
        :param bool notify: also send the assignees Odoo's "activity assigned"
            e-mail (off by default: the activities and the notes are the alert,
            and a mail per activity is too much for a scheduled launch)
        :return: the created activities
        """
        self.ensure_one()
        Activity = self.env["mail.activity"]
        if not records or not self.template_ids:
            return Activity
        plan_date = date_deadline or fields.Date.context_today(self)
        model_id = self.env["ir.model"]._get_id(records._name)
        nobody = self.env["res.users"]
        templates = self.template_ids
        deadlines = {t: t._get_date_deadline(plan_date) for t in templates}
        vals_list = []
        bodies = {}
        for record in records:
            on_demand = responsible_by_id.get(record.id) or nobody
            lines = []
            for template in templates:
                if template.responsible_type == "on_demand":
                    responsible = on_demand
                else:
                    responsible = template._determine_responsible(on_demand, record)[
                        "responsible"
                    ]
                vals_list.append(
                    {
                        "res_model_id": model_id,
                        "res_id": record.id,
                        "activity_plan_id": self.id,
                        "activity_type_id": template.activity_type_id.id,
                        "automated": True,
                        "summary": template.summary,
                        "note": template.note,
                        "user_id": responsible.id,
                        "date_deadline": deadlines[template],
                    }
                )
                lines.append(
                    self.env._(
                        "%(activity)s, assigned to %(name)s, due on the %(deadline)s",
                        activity=template.summary or template.activity_type_id.name,
                        name=responsible.name or self.env._("nobody"),
                        deadline=format_date(self.env, deadlines[template]),
                    )
                )
            bodies[record.id] = Markup("%s<ul>%s</ul>") % (
                self.env._(
                    'The plan "%(plan_name)s" has been started', plan_name=self.name
                ),
                Markup().join(Markup("<li>%s</li>") % line for line in lines),
            )
        activities = Activity.with_context(
            mail_activity_quick_update=not notify
        ).create(vals_list)
        # the activities' record names in one read: mail.activity computes
        # each one's res_name on a record of its own (in its own environment),
        # so it must find them in that environment's cache
        activities.sudo().env[records._name].browse(records.ids).mapped("display_name")
        activities.mapped("res_name")
        records._message_log_batch(bodies=bodies)
        return activities
