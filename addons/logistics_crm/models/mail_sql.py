"""Chatter notes, activities and followers written in one statement each.

The grading engine opens retention cases and launches activity plans for
thousands of customers in one regrade (a month of lifecycle moves at 100,000
customers opens tens of thousands of cases). Through the ORM, each note,
activity and follower costs a few milliseconds of Python (reference inverses,
HTML sanitising, per-record computes), which made the events cost several
times the regrade itself. These helpers write the same rows as
``_message_log_batch``, ``mail.activity.create`` and ``message_subscribe``
would, for trusted, already sanitised content produced by the addon itself,
with one ``INSERT`` per kind of row, then invalidate the caches they touch.

Nothing here checks access rights: callers are the engine and the scheduled
actions, which run as superuser on records they selected themselves.
"""

from odoo import fields
from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id


def log_notes(records, bodies):
    """Log an internal note on each record of ``bodies`` (``{record id:
    Markup}``), as ``records._message_log_batch(bodies=bodies)`` does: author
    the current user, subtype "Note", no notification. One statement.

    :return: the ids of the new messages
    """
    if not bodies:
        return []
    env = records.env
    model = records._name
    author_id, email_from = records._message_compute_author(None, None)
    ids = list(bodies)
    env.cr.execute(
        SQL(
            """
INSERT INTO mail_message (
    model, res_id, body, message_id, message_type, subtype_id, author_id,
    email_from, is_internal, email_add_signature, date,
    create_uid, create_date, write_uid, write_date)
SELECT %(model)s, v.res_id, v.body, v.message_id, 'notification',
       %(subtype)s, %(author)s, %(email_from)s, TRUE, FALSE, %(date)s,
       %(uid)s, %(now)s, %(uid)s, %(now)s
  FROM unnest(%(ids)s::int[], %(bodies)s::text[], %(message_ids)s::text[])
       AS v(res_id, body, message_id)
RETURNING id""",
            model=model,
            subtype=env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
            author=author_id or None,
            email_from=email_from or None,
            # the message's date as Odoo sets it (a frozen clock included)
            date=fields.Datetime.now(),
            now=env.cr.now(),
            uid=env.uid,
            ids=ids,
            bodies=[str(bodies[res_id]) for res_id in ids],
            message_ids=[
                generate_tracking_message_id(f"{res_id}-{model}") for res_id in ids
            ],
        )
    )
    message_ids = [row[0] for row in env.cr.fetchall()]
    env[model].browse(ids).invalidate_recordset(["message_ids"])
    return message_ids


def subscribe(records, pairs):
    """Make each partner (of an internal user) of ``pairs``, ``(record id,
    partner id)``, follow its record with the model's default subtypes, as
    ``message_subscribe`` does; existing followers are left as they are."""
    pairs = sorted({(rid, pid) for rid, pid in pairs if rid and pid})
    if not pairs:
        return
    env = records.env
    model = records._name
    subtypes = env["mail.message.subtype"].sudo()._default_subtypes(model)[0]
    env["mail.followers"].flush_model()
    # Each subtype row's foreign key is checked by a query PostgreSQL plans
    # once per connection: planned while the followers table was small (a
    # new database), it scans the table for every check, and a regrade that
    # adds tens of thousands of followers turns quadratic (13 s for 2,400
    # followers at 100,000 customers). Custom plans, for this statement
    # only, keep the checks on the primary key.
    env.cr.execute(
        SQL(
            "SELECT current_setting('plan_cache_mode'),"
            " set_config('plan_cache_mode', 'force_custom_plan', true)"
        )
    )
    plan_cache_mode = env.cr.fetchone()[0]
    env.cr.execute(
        SQL(
            """
WITH new AS (
    INSERT INTO mail_followers (res_model, res_id, partner_id)
    SELECT %(model)s, v.res_id, v.partner_id
      FROM unnest(%(res_ids)s::int[], %(partner_ids)s::int[]) AS v(res_id, partner_id)
        ON CONFLICT (res_model, res_id, partner_id) DO NOTHING
    RETURNING id
)
INSERT INTO mail_followers_mail_message_subtype_rel
       (mail_followers_id, mail_message_subtype_id)
SELECT new.id, s.id FROM new CROSS JOIN unnest(%(subtypes)s::int[]) AS s(id)""",
            model=model,
            res_ids=[rid for rid, __ in pairs],
            partner_ids=[pid for __, pid in pairs],
            subtypes=list(subtypes),
        )
    )
    env.cr.execute(
        SQL("SELECT set_config('plan_cache_mode', %s, true)", plan_cache_mode)
    )
    env["mail.followers"].invalidate_model()
    env[model].browse([rid for rid, __ in pairs]).invalidate_recordset(
        ["message_follower_ids", "message_partner_ids"]
    )


def record_names(records):
    """``{id: display name}`` of ``records``. The names of customers, and of
    records named after their customer (``_rec_name`` a stored many2one to
    res.partner, like retention cases), are read in one query from the
    partner's stored ``complete_name``, which is its display name; other
    models go through ``display_name``."""
    if not records:
        return {}
    env = records.env
    field = records._fields.get(records._rec_name or "")
    if records._name == "res.partner":
        query = SQL(
            "SELECT id, complete_name FROM res_partner WHERE id = ANY(%s)",
            records.ids,
        )
    elif (
        field
        and field.type == "many2one"
        and field.store
        and (field.comodel_name == "res.partner")
    ):
        records.flush_recordset([field.name])
        query = SQL(
            """SELECT r.id, p.complete_name FROM %s r
  LEFT JOIN res_partner p ON p.id = r.%s WHERE r.id = ANY(%s)""",
            SQL.identifier(records._table),
            SQL.identifier(field.name),
            records.ids,
        )
    else:
        return {record.id: record.display_name for record in records.sudo()}
    env["res.partner"].flush_model(["complete_name"])
    env.cr.execute(query)
    return dict(env.cr.fetchall())


def create_activities(records, vals_list):
    """Create the activities of ``vals_list`` on ``records`` (each dict:
    ``res_id``, ``activity_type_id``, ``summary``, ``note`` (trusted HTML),
    ``user_id``, ``date_deadline``, ``activity_plan_id``), automated, as
    ``mail.activity.create`` does: the record's name, the assignee's time
    zone, the assignee following the record, and the assignees' activity
    counters refreshed. One statement for the activities, one for the
    followers.

    :return: the new activities
    """
    env = records.env
    Activity = env["mail.activity"]
    if not vals_list:
        return Activity
    model = records._name
    users = env["res.users"].browse({v["user_id"] for v in vals_list if v["user_id"]})
    tz = {user.id: user.tz or None for user in users.sudo()}
    names = record_names(records.browse({v["res_id"] for v in vals_list}))
    env.cr.execute(
        SQL(
            """
INSERT INTO mail_activity (
    res_model_id, res_model, res_id, res_name, activity_type_id, summary,
    note, user_id, user_tz, date_deadline, automated, active, activity_plan_id,
    create_uid, create_date, write_uid, write_date)
SELECT %(model_id)s, %(model)s, v.res_id, v.res_name, v.type_id, v.summary,
       v.note, v.user_id, v.user_tz, v.deadline, TRUE, TRUE, v.plan_id,
       %(uid)s, %(now)s, %(uid)s, %(now)s
  FROM unnest(%(res_ids)s::int[], %(res_names)s::varchar[], %(type_ids)s::int[],
              %(summaries)s::varchar[], %(notes)s::text[], %(user_ids)s::int[],
              %(user_tzs)s::varchar[], %(deadlines)s::date[], %(plan_ids)s::int[])
       AS v(res_id, res_name, type_id, summary, note, user_id, user_tz,
            deadline, plan_id)
RETURNING id""",
            model_id=env["ir.model"]._get_id(model),
            model=model,
            uid=env.uid,
            now=env.cr.now(),
            res_ids=[v["res_id"] for v in vals_list],
            res_names=[names.get(v["res_id"]) for v in vals_list],
            type_ids=[v["activity_type_id"] or None for v in vals_list],
            summaries=[v["summary"] or None for v in vals_list],
            notes=[str(v["note"]) if v["note"] else None for v in vals_list],
            user_ids=[v["user_id"] or None for v in vals_list],
            user_tzs=[tz.get(v["user_id"]) for v in vals_list],
            deadlines=[v["date_deadline"] for v in vals_list],
            plan_ids=[v.get("activity_plan_id") or None for v in vals_list],
        )
    )
    activities = Activity.browse([row[0] for row in env.cr.fetchall()])
    env[model].browse(list(names)).invalidate_recordset(["activity_ids"])
    partner_of = {user.id: user.partner_id.id for user in users.sudo()}
    subscribe(
        records,
        [(v["res_id"], partner_of[v["user_id"]]) for v in vals_list if v["user_id"]],
    )
    # the assignees' activity counters in the web client, as Odoo does
    today = fields.Date.today()
    due = {}
    for v in vals_list:
        if v["user_id"] and v["date_deadline"] <= today:
            due[v["user_id"]] = due.get(v["user_id"], 0) + 1
    for user in users.browse(list(due)):
        user._bus_send(
            "mail.activity/updated",
            {"activity_created": True, "count_diff": due[user.id]},
        )
    return activities


def account_owner(cid, key_account_manager, salesperson):
    """A ``LEFT JOIN LATERAL`` subquery ``h`` whose ``h.id`` is the account
    owner of a customer in company ``cid``: its key-account manager, else its
    salesperson (SQL expressions of their user ids), if an active internal
    user of that company; else NULL."""
    return SQL(
        """
LEFT JOIN LATERAL (
     SELECT u.id
       FROM res_users u
       JOIN res_company_users_rel rel ON rel.user_id = u.id AND rel.cid = %(cid)s
      WHERE u.active AND NOT u.share AND u.id IN (%(kam)s, %(user)s)
      ORDER BY u.id = %(kam)s DESC
      LIMIT 1
) h ON TRUE""",
        cid=cid,
        kam=key_account_manager,
        user=salesperson,
    )
