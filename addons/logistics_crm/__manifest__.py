{
    "name": "Logistics CRM",
    "summary": "Customer value grading, tiers and service levels for logistics "
    "companies, next to sales, stock and invoicing",
    "version": "19.0.1.0.0",
    "category": "Sales/CRM",
    "author": "logistics_crm developers",
    "website": "https://github.com/logistics-crm/logistics_crm",
    "license": "LGPL-3",
    "application": True,
    "depends": ["sale_stock", "sale_margin", "account"],
    "data": [
        "security/logistics_crm_security.xml",
        "security/ir.model.access.csv",
        "data/customer_tier_data.xml",
        "data/ir_cron_data.xml",
        "views/customer_tier_views.xml",
        "views/grading_policy_views.xml",
        "views/grade_history_views.xml",
        "views/res_partner_views.xml",
        "views/sale_order_views.xml",
        "views/stock_picking_views.xml",
        "views/account_move_views.xml",
        "views/menus.xml",
    ],
    "demo": ["demo/logistics_crm_demo.xml"],
    "assets": {
        "web.assets_tests": [
            "logistics_crm/static/tests/tours/**/*",
        ],
    },
}
