"""Customer portal: /my/complaints."""

from odoo.addons.portal.controllers.portal import CustomerPortal


class LogisticsCrmPortal(CustomerPortal):
    pass
