{
    "name": "Logistics CRM Cross-sell",
    "summary": "Cross-sell suggestions from the services a customer's tier "
    "peers buy, turned into CRM opportunities and followed to the won revenue",
    "version": "19.0.1.0.0",
    "category": "Sales/CRM",
    "author": "logistics_crm developers",
    "website": "https://github.com/logistics-crm/logistics_crm",
    "license": "LGPL-3",
    "depends": ["logistics_crm", "crm"],
    "data": [
        "security/logistics_crm_crm_security.xml",
        "security/ir.model.access.csv",
        "data/crm_tag_data.xml",
        "views/cross_sell_suggestion_views.xml",
        "views/grading_policy_views.xml",
        "views/res_partner_views.xml",
        "views/crm_lead_views.xml",
        "report/cross_sell_report_views.xml",
        "views/menus.xml",
    ],
    "demo": ["demo/logistics_crm_crm_demo.xml"],
    "auto_install": True,
}
