"""Open an Odoo environment from a plain Python script.

The bench scripts run as ``python bench/<script>.py --db NAME [odoo options]``
with Odoo's source tree on ``PYTHONPATH``; the Odoo options (``--db_host``,
``--addons-path``...) are those scripts/bench.sh passes to odoo-bin.
"""

import contextlib
import sys

import odoo.init  # noqa: F401  (core setup, first, as odoo-bin does)
from odoo import api
from odoo.modules.registry import Registry
from odoo.tools import config

SUPERUSER_ID = api.SUPERUSER_ID


def split_args(argv=None):
    """Split ``argv`` at ``--``: (bench options, Odoo options)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--" in argv:
        i = argv.index("--")
        return argv[:i], argv[i + 1 :]
    return argv, []


def load_registry(db, odoo_args, log_level="warn"):
    config.parse_config(
        [*odoo_args, "-d", db, f"--log-level={log_level}", "--workers=0"],
        setup_logging=True,
    )
    return Registry(db)


@contextlib.contextmanager
def environment(registry, uid=SUPERUSER_ID, commit=False):
    """An environment on a new cursor; committed at the end when ``commit``,
    else rolled back (measurements leave the database as they found it)."""
    with registry.cursor() as cr:
        env = api.Environment(cr, uid, {})
        env = env(context=env["res.users"].browse(uid).context_get())
        try:
            yield env
            if commit:
                cr.commit()
            else:
                cr.rollback()
        except BaseException:
            cr.rollback()
            raise
