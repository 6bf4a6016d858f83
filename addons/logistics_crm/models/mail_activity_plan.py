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
        # the templates' values, read once (records may be tens of thousands)
        specs = [
            (
                template,
                template.responsible_type == "on_demand",
                template.activity_type_id.id,
                template.summary,
                template.note,
                template._get_date_deadline(plan_date),
                template.summary or template.activity_type_id.name,
            )
            for template in templates
        ]
        header = self.env._(
            'The plan "%(plan_name)s" has been started', plan_name=self.name
        )
        # the same few notes for every record: one per set of assignees
        body_cache = {}
        vals_list = []
        bodies = {}
        for record in records:
            on_demand = responsible_by_id.get(record.id) or nobody
            assignees = tuple(
                on_demand
                if by_launch
                else template._determine_responsible(on_demand, record)["responsible"]
                for template, by_launch, *__ in specs
            )
            for (__, __, type_id, summary, note, deadline, __), user in zip(
                specs, assignees, strict=True
            ):
                vals_list.append(
                    {
                        "res_id": record.id,
                        "activity_plan_id": self.id,
                        "activity_type_id": type_id,
                        "summary": summary,
                        "note": note,
                        "user_id": user.id,
                        "date_deadline": deadline,
                    }
                )
            if assignees not in body_cache:
                body_cache[assignees] = Markup("%s<ul>%s</ul>") % (
                    header,
                    Markup().join(
                        Markup("<li>%s</li>")
                        % self.env._(
                            "%(activity)s, assigned to %(name)s, due on the "
                            "%(deadline)s",
                            activity=spec[6],
                            name=user.name or self.env._("nobody"),
                            deadline=format_date(self.env, spec[5]),
                        )
                        for spec, user in zip(specs, assignees, strict=True)
                    ),
                )
            bodies[record.id] = body_cache[assignees]
        activities = mail_sql.create_activities(records, vals_list)
        if notify:
            activities.action_notify()
        if intros:
            bodies = {
                rid: intros.get(rid, Markup()) + body for rid, body in bodies.items()
            }
        mail_sql.log_notes(records, bodies)
        return activities
