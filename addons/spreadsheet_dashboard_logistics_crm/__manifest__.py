{
    "name": "Logistics CRM Dashboard",
    "summary": "The Logistics CRM dashboard in the Dashboards app: tiers, service "
    "levels, complaints, SLA compliance, at-risk customers and retention",
    "version": "19.0.1.0.0",
    "category": "Productivity/Dashboard",
    "author": "logistics_crm developers",
    "website": "https://github.com/logistics-crm/logistics_crm",
    "license": "LGPL-3",
    "depends": ["logistics_crm", "spreadsheet_dashboard"],
    "data": [
        "data/dashboards.xml",
        "views/menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "spreadsheet_dashboard_logistics_crm/static/tests/tours/*.js",
        ],
    },
    "auto_install": True,
}
