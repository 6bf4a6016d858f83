from markupsafe import Markup

from odoo import fields, models
from odoo.tools.misc import format_date

from . import mail_sql


class MailActivityPlan(models.Model):
    _inherit = "mail.activity.plan"

    def _logistics_launch(
        self, records, responsible_by_id, date_deadline=None, notify=False, intros=None
    ):
        """Launch the plan on ``records`` at once, as the "Launch plan" wizard
        does on one record: the activities of the plan's templates, and a note
        in each record's chatter listing them. The activities, notes and
        followers are written in one statement each (see ``mail_sql``).

        :param records: records of the plan's model
        :param dict responsible_by_id: ``{record id: res.users}``, who gets the
            activities of the templates assigned at launch ("Ask at launch");
            the others go to the template's default user
        :param date_deadline: the plan date the templates' delays count from,
            today by default
        :param bool notify: also send the assignees Odoo's "activity assigned"
            e-mail (off by default: the activities and the notes are the alert,
            and a mail per activity is too much for a scheduled launch)
        :param dict intros: ``{record id: Markup}``, a paragraph put before
            the plan's note (one note per record instead of two)
        :return: the created activities
        """
        self.ensure_one()
        Activity = self.env["mail.activity"]
        if not records or not self.template_ids:
            return Activity
        plan_date = date_deadline or fields.Date.context_today(self)
        nobody = self.env["res.users"]
        templates = self.template_ids
        deadlines = {t: t._get_date_deadline(plan_date) for t in templates}
        vals_list = []
        bodies = {}
        summaries = {t: t.summary or t.activity_type_id.name for t in templates}
        header = self.env._(
            'The plan "%(plan_name)s" has been started', plan_name=self.name
        )
        line_cache = {}
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
                        "res_id": record.id,
                        "activity_plan_id": self.id,
                        "activity_type_id": template.activity_type_id.id,
                        "summary": template.summary,
                        "note": template.note,
                        "user_id": responsible.id,
                        "date_deadline": deadlines[template],
                    }
                )
                # the same few lines for every record: translated once each
                if (template, responsible) not in line_cache:
                    line_cache[template, responsible] = Markup("<li>%s</li>") % (
                        self.env._(
                            "%(activity)s, assigned to %(name)s, due on the "
                            "%(deadline)s",
                            activity=summaries[template],
                            name=responsible.name or self.env._("nobody"),
                            deadline=format_date(self.env, deadlines[template]),
                        )
                    )
                lines.append(line_cache[template, responsible])
            bodies[record.id] = Markup("%s<ul>%s</ul>") % (header, Markup().join(lines))
        activities = mail_sql.create_activities(records, vals_list)
        if notify:
            activities.action_notify()
        if intros:
            bodies = {
                rid: intros.get(rid, Markup()) + body for rid, body in bodies.items()
            }
        mail_sql.log_notes(records, bodies)
        return activities
