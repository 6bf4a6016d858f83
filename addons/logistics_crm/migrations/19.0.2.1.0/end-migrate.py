"""19.0.2.1.0: the transient dashboard (logistics.crm.dashboard) is gone.

The spreadsheet dashboard of spreadsheet_dashboard_logistics_crm replaces it.
Odoo removes the model's metadata at the end of the upgrade but leaves its
table, which an uninstall would then never drop: drop it here, once the
metadata is gone."""


def migrate(cr, version):
    if version:
        cr.execute("DROP TABLE IF EXISTS logistics_crm_dashboard CASCADE")
