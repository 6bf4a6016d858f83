# Checks of scripts/lifecycle.sh, run inside `odoo-bin shell -d DB` (which
# provides `env`). Not an addon file: it is fed to the shell on stdin.
#
#   LIFECYCLE_PHASE  pre | previous | migrated | installed | upgraded | uninstall |
#                    uninstalled | reinstalled
#                    (previous: the addon's former version is installed; migrated:
#                    it was upgraded to this one, which migrates its data)
#   LIFECYCLE_STATE  JSON file carried from phase to phase (schema snapshot,
#                    the module's models, fields, records and customers)
#
# It prints one line per check with its counts, then
# "LIFECYCLE <phase>: OK" or "LIFECYCLE <phase>: FAILED (n)" and exits 1 on
# failure.
import json
import os
import re
import sys
import time
import traceback

from odoo.tools import SQL

MODULE = "logistics_crm"
PHASE = os.environ["LIFECYCLE_PHASE"]
STATE_FILE = os.environ["LIFECYCLE_STATE"]
env = globals()["env"]  # noqa: F821 -- set by odoo-bin shell
cr = env.cr
failures = []


def check(ok, what, detail=""):
    print(f"  [{'ok' if ok else 'FAIL'}] {what}" + (f": {detail}" if detail else ""))
    if not ok:
        failures.append(what)
    return ok


def check_none_left(left, what, count):
    """Check that nothing is left; COUNT says how many were looked for."""
    left = [r[0] if isinstance(r, tuple) else r for r in left]
    return check(not left, what, count + (f"; left: {show(left)}" if left else ""))


def show(items, limit=15):
    items = sorted(map(str, items))
    more = f" ... (+{len(items) - limit})" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


def query(sql, *args):
    cr.execute(SQL(sql, *args))
    return cr.fetchall()


def load_state():
    if os.path.exists(STATE_FILE):
        with open(STATE_FILE) as f:
            return json.load(f)
    return {}


def save_state(state):
    with open(STATE_FILE, "w") as f:
        json.dump(state, f, indent=1, sort_keys=True)


# --- whole-database facts --------------------------------------------------
def schema_snapshot():
    """Relations, columns, indexes and constraints of the public schema."""
    rels = query("""
        SELECT c.relkind::text || ' ' || c.relname FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm', 'S', 'i')""")
    cols = query("""
        SELECT table_name || '.' || column_name FROM information_schema.columns
         WHERE table_schema = 'public'""")
    cons = query("""
        SELECT conrelid::regclass::text || ' ' || conname FROM pg_constraint c
          JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public'""")
    return {
        "relations": sorted(r for (r,) in rels),
        "columns": sorted(c for (c,) in cols),
        "constraints": sorted(c for (c,) in cons),
    }


def orphan_metadata():
    """ir.model / ir.model.fields rows the registry does not know."""
    orphans = set()
    for (model,) in query("SELECT model FROM ir_model"):
        if model not in env.registry:
            orphans.add(f"ir.model {model}")
    for model, name in query("SELECT model, name FROM ir_model_fields"):
        if model not in env.registry or name not in env.registry[model]._fields:
            orphans.add(f"ir.model.fields {model}.{name}")
    return orphans


def customers():
    """[company id, commercial partner id] of every customer with a confirmed order."""
    groups = (
        env["sale.order"]
        .sudo()
        ._read_group([("state", "=", "sale")], ["company_id", "partner_id"])
    )
    return sorted(
        {(c.id, p.commercial_partner_id.id) for c, p in groups}, key=lambda x: x
    )


def validate_views(views):
    """_check_xml() each view (its combined arch and the primary views it
    extends); return the broken ones with their error."""
    broken = {}
    for view in views:
        try:
            with cr.savepoint():
                view._check_xml()
        except Exception as e:  # noqa: BLE001 -- report every broken view
            broken[f"{view.xml_id or view.id} ({view.model or view.type})"] = (
                str(e).splitlines()[0] if str(e) else type(e).__name__
            )
    return broken


def cron_problems(crons):
    """Crons whose model or method is gone."""
    bad = []
    for cron in crons:
        model = cron.model_id.model
        if model not in env.registry:
            bad.append(f"{cron.name}: model {model} is gone")
            continue
        for method in re.findall(r"\bmodel\.(\w+)\(", cron.code or ""):
            if not hasattr(env[model], method):
                bad.append(f"{cron.name}: {model}.{method}() is gone")
    return bad


def structural(model):
    """Models whose records are the module's configuration, never to be kept."""
    return model.startswith("ir.") or model in (
        "res.groups",
        "res.groups.privilege",
        "mail.template",
        "mail.alias",
        "report.paperformat",
    )


# --- phases ----------------------------------------------------------------
def phase_pre():
    """Make sure the database has confirmed orders with done deliveries and
    posted invoices, then snapshot it before the addon is installed."""
    orders = env["sale.order"].search([("state", "=", "sale")])
    validated = invoiced = 0
    pickings = orders.picking_ids.filtered(
        lambda p: (
            p.picking_type_code == "outgoing" and p.state not in ("done", "cancel")
        )
    )
    for picking in pickings[:4]:
        try:
            with cr.savepoint():
                for move in picking.move_ids:
                    move.quantity = move.product_uom_qty
                    move.picked = True
                picking.with_context(skip_backorder=True, skip_sms=True)._action_done()
                validated += 1
        except Exception:  # noqa: BLE001
            print(
                f"  (could not deliver {picking.name}: {traceback.format_exc(limit=1)})"
            )
    to_invoice = orders.filtered(lambda o: o.invoice_status == "to invoice")
    for order in to_invoice[:4]:
        try:
            with cr.savepoint():
                order._create_invoices().action_post()
                invoiced += 1
        except Exception:  # noqa: BLE001
            print(
                f"  (could not invoice {order.name}: {traceback.format_exc(limit=1)})"
            )
    env.flush_all()
    cr.commit()
    print(f"  prepared: {validated} deliveries validated, {invoiced} orders invoiced")

    done = orders.picking_ids.filtered(
        lambda p: p.picking_type_code == "outgoing" and p.state == "done"
    )
    posted = orders.invoice_ids.filtered(lambda m: m.state == "posted")
    custs = customers()
    check(len(orders) > 0, "existing confirmed sales orders", str(len(orders)))
    check(len(custs) > 0, "existing customers with confirmed orders", str(len(custs)))
    check(len(done) > 0, "existing done deliveries of those orders", str(len(done)))
    check(len(posted) > 0, "existing posted invoices of those orders", str(len(posted)))
    state = {
        "schema": schema_snapshot(),
        "orphans": sorted(orphan_metadata()),
        "customers": custs,
    }
    print(
        f"  snapshot: {len(state['schema']['relations'])} relations, "
        f"{len(state['schema']['columns'])} columns, "
        f"{len(state['schema']['constraints'])} constraints; "
        f"{len(state['orphans'])} orphan metadata rows before the addon"
    )
    save_state(state)


def module_records():
    """{model: [ids]} of the records only the module owns: XML ids of the
    module, and none of another module (a model or field the module extends
    has XML ids in every module that defines it)."""
    recs = {}
    for model, res_id in query(
        """SELECT d.model, d.res_id FROM ir_model_data d
            WHERE d.module = %s AND NOT EXISTS (
                  SELECT 1 FROM ir_model_data o
                   WHERE o.model = d.model AND o.res_id = d.res_id
                     AND o.module != d.module)""",
        MODULE,
    ):
        recs.setdefault(model, []).append(res_id)
    return recs


def check_schema(models, fields):
    """Registry, metadata and database schema agree; return the columns of
    the module's stored fields as [table, column, model, company_dependent]."""
    missing_cols, missing_meta, columns = [], [], []
    for model_name in {f.model for f in fields} | set(models.mapped("model")):
        if model_name not in env.registry:
            missing_meta.append(f"model {model_name} not in the registry")
            continue
        model = env[model_name]
        own = set(fields.filtered(lambda f, m=model_name: f.model == m).mapped("name"))
        for name, field in model._fields.items():
            if field._module != MODULE and name not in own:
                continue
            if not env["ir.model.fields"]._get(model_name, name):
                missing_meta.append(f"{model_name}.{name} has no ir.model.fields row")
            if name not in own:
                continue  # a field of another module that the module redefines
            if field.store and field.column_type and model._auto:
                columns.append(
                    [model._table, name, model_name, bool(field.company_dependent)]
                )
                if not query(
                    "SELECT 1 FROM information_schema.columns"
                    " WHERE table_name = %s AND column_name = %s",
                    model._table,
                    name,
                ):
                    missing_cols.append(f"{model._table}.{name}")
    check(
        not missing_meta,
        "every field of the module has its metadata",
        show(missing_meta),
    )
    check(
        not missing_cols,
        "every stored field of the module has its column",
        f"{len(columns)} columns"
        + (f"; missing {show(missing_cols)}" if missing_cols else ""),
    )
    return columns


def check_models_read(models):
    unreadable = []
    for model_name in models.mapped("model"):
        model = env[model_name]
        if model._abstract:
            continue
        try:
            with cr.savepoint():
                model.search([], limit=1).read()
        except Exception as e:  # noqa: BLE001
            unreadable.append(f"{model_name}: {e}")
    check(not unreadable, "every model of the module reads", show(unreadable, 5))


def check_views(recs):
    views = env["ir.ui.view"].browse(recs.get("ir.ui.view", [])).exists()
    broken = validate_views(views)
    check(
        not broken,
        "views of the module validate",
        f"{len(views)} views" + (f"; broken: {broken}" if broken else ""),
    )
    actions = (
        env["ir.actions.act_window"]
        .browse(recs.get("ir.actions.act_window", []))
        .exists()
    )
    bad_actions, n_loaded = [], 0
    for action in actions:
        if action.res_model not in env.registry:
            bad_actions.append(f"{action.xml_id}: no model {action.res_model}")
            continue
        modes = [m for m in (action.view_mode or "list,form").split(",") if m]
        try:
            with cr.savepoint():
                env[action.res_model].get_views(
                    [(False, m) for m in modes] + [(False, "search")]
                )
                n_loaded += len(modes) + 1
        except Exception as e:  # noqa: BLE001
            bad_actions.append(f"{action.xml_id}: {e}")
    check(
        not bad_actions,
        "window actions of the module load their views",
        f"{len(actions)} actions, {n_loaded} views"
        + (f"; {bad_actions}" if bad_actions else ""),
    )


def check_crons(recs):
    """Run the module's crons as the scheduler would (own transaction,
    progress commits)."""
    crons = env["ir.cron"].browse(recs.get("ir.cron", [])).exists()
    failed = []
    for cron in crons:
        t0 = time.time()
        try:
            res = cron.method_direct_trigger()
        except Exception as e:  # noqa: BLE001
            res = {"params": {"data": {"message": str(e)}}}
        if res is not True:
            failed.append(f"{cron.name}: {res.get('params', {}).get('data', res)}")
        outcome = "ok" if res is True else "FAILED"
        print(f"    cron {cron.name!r}: {outcome} in {time.time() - t0:.1f} s")
    cron_bad = cron_problems(crons)
    crons.invalidate_recordset()
    failing = crons.filtered(lambda c: c.failure_count)
    check(
        not failed and not cron_bad and not failing,
        "crons of the module run without error",
        f"{len(crons)} crons"
        + (f"; {failed + cron_bad}" if failed or cron_bad else ""),
    )


def check_grades(state):
    """Every customer that had a confirmed order before the install is graded."""
    env.invalidate_all()
    ungraded = []
    for company_id, partner_id in state["customers"]:
        partner = env["res.partner"].with_company(company_id).browse(partner_id)
        if not partner.customer_graded_on or not partner.customer_tier_id:
            ungraded.append(f"{partner.display_name} (company {company_id})")
    check(
        not ungraded,
        "existing customers are graded",
        f"{len(state['customers']) - len(ungraded)}/{len(state['customers'])}"
        + (f"; not graded: {show(ungraded)}" if ungraded else ""),
    )


def phase_installed(state):
    mod = env["ir.module.module"].search([("name", "=", MODULE)])
    check(mod.state == "installed", f"{MODULE} is installed", mod.state)
    recs = module_records()
    models = env["ir.model"].browse(recs.get("ir.model", []))
    fields = env["ir.model.fields"].browse(recs.get("ir.model.fields", []))
    check(
        len(models) > 0 and len(fields) > 0,
        "module models and fields",
        f"{len(models)} models, {len(fields)} fields",
    )
    columns = check_schema(models, fields)
    orphans = orphan_metadata() - set(state["orphans"])
    check(not orphans, "no orphan ir.model / ir.model.fields rows", show(orphans))
    check_models_read(models)
    check_views(recs)
    check_crons(recs)
    check_grades(state)
    if PHASE in ("installed", "migrated"):
        state["module"] = {
            "records": recs,
            "models": sorted(models.mapped("model")),
            "tables": sorted(
                {env[m]._table for m in models.mapped("model") if m in env.registry}
            ),
            "fields": sorted([f.model, f.name] for f in fields),
            "columns": sorted(columns),
        }
        save_state(state)
    elif "module" in state:
        # a reinstall (or upgrade) gives back the same models and fields
        again = {f"{f.model}.{f.name}" for f in fields}
        before = {f"{m}.{n}" for m, n in state["module"]["fields"]}
        check(
            again == before,
            "same fields as the first install",
            f"{len(again)} fields"
            + (f"; differ: {show(again ^ before)}" if again != before else ""),
        )


# figures that the former version kept on res_partner (company-dependent
# columns) and this one keeps on logistics.customer.grade
MOVED_FIGURES = {
    "customer_revenue": "revenue",
    "customer_order_count": "frequency",
    "customer_revenue_score": "revenue_score",
    "customer_payment_score": "payment_score",
    "customer_complaint_score": "complaint_score",
    "customer_rfm": "rfm",
}


def phase_previous(state):
    """The former version graded the customers: keep their figures."""
    figures = {}
    for company_id, partner_id in state["customers"]:
        [row] = query(
            SQL(
                "SELECT %s FROM res_partner WHERE id = %s",
                SQL(", ").join(
                    SQL("%s ->> %s", SQL.identifier(column), str(company_id))
                    for column in MOVED_FIGURES
                ),
                partner_id,
            )
        )
        if row[0] is not None:
            figures[f"{company_id},{partner_id}"] = list(row)
    check(
        len(figures) == len(state["customers"]),
        "the former version graded the existing customers",
        f"{len(figures)}/{len(state['customers'])}",
    )
    state["previous_figures"] = figures
    save_state(state)


def same_figure(old, new):
    if old is None or new is None:
        return old == new
    try:
        return abs(float(old) - float(new)) < 1e-6
    except ValueError:
        return old == new


def phase_migrated(state):
    """The upgrade moved the former figures to the grade table, dropped the
    former columns, and built the scorecard facts."""
    moved = []
    differ = []
    for key, old in state.get("previous_figures", {}).items():
        company_id, partner_id = (int(x) for x in key.split(","))
        rows = query(
            SQL(
                "SELECT %s FROM logistics_customer_grade "
                "WHERE company_id = %s AND partner_id = %s",
                SQL(", ").join(SQL.identifier(f) for f in MOVED_FIGURES.values()),
                company_id,
                partner_id,
            )
        )
        if not rows:
            continue
        moved.append(key)
        if not all(map(same_figure, old, rows[0])):
            differ.append(f"{key}: {old} -> {list(rows[0])}")
    expected = len(state.get("previous_figures", {}))
    check(
        expected and len(moved) == expected and not differ,
        "the former grade figures moved to logistics.customer.grade",
        f"{len(moved)}/{expected}" + (f"; differ: {show(differ)}" if differ else ""),
    )
    left = query(
        SQL(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'res_partner' AND (column_name = ANY(%s) "
            "OR column_name LIKE 'lcrm_v1_%%')",
            list(MOVED_FIGURES),
        )
    )
    check(not left, "the former partner columns are dropped", show([r[0] for r in left]))
    model = "logistics.customer.scorecard.fact"
    if model in env:
        table = env[model]._table
        columns = [
            r[0]
            for r in query(
                SQL(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_name = %s AND column_name NOT IN "
                    "('id', 'create_uid', 'create_date', 'write_uid', 'write_date') "
                    "ORDER BY column_name",
                    table,
                )
            )
        ]
        select = SQL(
            "SELECT %s FROM %s ORDER BY 1, 2, 3, 4",
            SQL(", ").join(SQL.identifier(c) for c in columns),
            SQL.identifier(table),
        )
        built = query(select)
        env[model]._rebuild()
        rebuilt = query(select)
        check(
            built and built == rebuilt,
            "the upgrade built the scorecard facts, as a rebuild does",
            f"{len(built)} rows, {len(rebuilt)} after a rebuild",
        )
    tier_a = env.ref("logistics_crm.customer_tier_a", raise_if_not_found=False)
    check(
        tier_a and tier_a.care_plan_id == env.ref("logistics_crm.care_plan_key_account")
        and tier_a.care_interval_days == 30,
        "the upgrade gave the shipped key-account tier its care plan",
        tier_a and tier_a.care_plan_id.name,
    )
    check(
        env["logistics.retention.rule"].search_count([]) >= 2,
        "the upgrade created the default retention rules",
    )
    phase_installed(state)


def phase_uninstall():
    mod = env["ir.module.module"].search([("name", "=", MODULE)])
    t0 = time.time()
    mod.button_immediate_uninstall()
    print(f"  button_immediate_uninstall() took {time.time() - t0:.1f} s")


def phase_uninstalled(state):
    info = state["module"]
    mod = env["ir.module.module"].search([("name", "=", MODULE)])
    check(mod.state == "uninstalled", f"{MODULE} is uninstalled", mod.state)
    xmlids = query(
        "SELECT model, count(*) FROM ir_model_data WHERE module = %s GROUP BY model",
        MODULE,
    )
    bad = {m: n for m, n in xmlids if structural(m)}
    check(
        not bad,
        "no ir_model_data row of the module's configuration left",
        f"{sum(n for _m, n in xmlids)} left in all" + (f": {bad}" if bad else ""),
    )

    models, tables = tuple(info["models"]), tuple(info["tables"])
    check_none_left(
        query("SELECT model FROM ir_model WHERE model IN %s", models),
        "no ir_model row of the module's models left",
        f"{len(models)} models",
    )
    pairs = tuple(f"{m}.{n}" for m, n in info["fields"])
    check_none_left(
        query(
            "SELECT model || '.' || name FROM ir_model_fields"
            " WHERE model || '.' || name IN %s OR model IN %s",
            pairs,
            models,
        ),
        "no ir_model_fields row of the module left",
        f"{len(pairs)} fields",
    )

    left = {}
    n_recs = 0
    for model, ids in info["records"].items():
        n_recs += len(ids)
        if model not in env.registry:
            continue
        table = env[model]._table
        rows = query(
            "SELECT id FROM %s WHERE id IN %s", SQL.identifier(table), tuple(ids)
        )
        if rows:
            left[model] = [r for (r,) in rows]
    for model in ("ir.ui.view", "ir.cron", "ir.model.access", "ir.rule"):
        n = len(info["records"].get(model, []))
        print(f"    {model}: {n - len(left.get(model, []))} of {n} removed")
    meta = {m: ids for m, ids in left.items() if structural(m)}
    check(
        not meta,
        "no configuration record of the module left (views, crons, menus, rules...)",
        f"{n_recs} records" + (f"; left: {meta}" if meta else ""),
    )
    data = {m: ids for m, ids in left.items() if not structural(m)}
    if data:
        # Odoo keeps a record of the module that other data still uses (a demo
        # product on a kept invoice line), with its XML id
        print(f"  [warn] business records kept because other records use them: {data}")

    check_none_left(
        query("SELECT relname FROM pg_class WHERE relname IN %s", tables),
        "tables and SQL views of the module's models dropped",
        f"{len(tables)} relations",
    )
    now_cols = set(schema_snapshot()["columns"])
    cols = [f"{t}.{c}" for t, c, _m, _cd in info["columns"] if t not in tables]
    check_none_left(
        [c for c in cols if c in now_cols],
        "columns the module added to other apps' tables dropped",
        f"{len(cols)} columns",
    )
    cd_cols = [f"{t}.{c}" for t, c, _m, cd in info["columns"] if cd]
    cd_tables = ", ".join(sorted({c.split(".")[0] for c in cd_cols}))
    check_none_left(
        [c for c in cd_cols if c in now_cols],
        "company-dependent columns dropped",
        f"{len(cd_cols)} columns on {cd_tables}",
    )

    # the schema is back to what it was before the install
    before, now = state["schema"], schema_snapshot()
    for kind in ("relations", "columns", "constraints"):
        extra = set(now[kind]) - set(before[kind])
        gone = set(before[kind]) - set(now[kind])
        check(
            not extra and not gone,
            f"database {kind} as before the install",
            f"{len(now[kind])}"
            + (f"; left over: {show(extra)}" if extra else "")
            + (f"; dropped: {show(gone)}" if gone else ""),
        )

    orphans = orphan_metadata() - set(state["orphans"])
    check(not orphans, "no orphan ir.model / ir.model.fields rows", show(orphans))

    views = env["ir.ui.view"].with_context(active_test=True).search([])
    t0 = time.time()
    broken = validate_views(views)
    check(
        not broken,
        "every remaining view of the other apps validates",
        f"{len(views)} views in {time.time() - t0:.0f} s"
        + (f"; broken: {broken}" if broken else ""),
    )
    actions = env["ir.actions.act_window"].search([])
    bad = [a.xml_id or a.id for a in actions if a.res_model not in env.registry]
    check(
        not bad,
        "every window action has its model",
        f"{len(actions)} actions" + (f"; {show(bad)}" if bad else ""),
    )
    crons = env["ir.cron"].with_context(active_test=False).search([])
    cron_bad = cron_problems(crons)
    check(
        not cron_bad,
        "every cron has its model and method",
        f"{len(crons)} crons" + (f"; {cron_bad}" if cron_bad else ""),
    )


def main():
    print(f"LIFECYCLE {PHASE}: checking database {cr.dbname}")
    state = load_state()
    if PHASE == "pre":
        phase_pre()
    elif PHASE in ("installed", "upgraded", "reinstalled"):
        phase_installed(state)
    elif PHASE == "previous":
        phase_previous(state)
    elif PHASE == "migrated":
        phase_migrated(state)
    elif PHASE == "uninstall":
        phase_uninstall()
    elif PHASE == "uninstalled":
        phase_uninstalled(state)
    else:
        raise SystemExit(f"unknown LIFECYCLE_PHASE {PHASE}")
    cr.rollback()
    if failures:
        print(f"LIFECYCLE {PHASE}: FAILED ({len(failures)}): {'; '.join(failures)}")
        sys.stdout.flush()
        sys.exit(1)
    print(f"LIFECYCLE {PHASE}: OK")


try:
    main()
except SystemExit:
    raise
except Exception:
    traceback.print_exc()
    print(f"LIFECYCLE {PHASE}: FAILED (exception)")
    sys.stdout.flush()
    sys.exit(1)
