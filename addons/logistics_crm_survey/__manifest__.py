{
    "name": "Logistics CRM Surveys",
    "summary": "NPS survey campaigns to customers and consignees, the Net "
    "Promoter Score in the customer scorecard, detractors followed up",
    "version": "19.0.1.0.0",
    "category": "Sales/CRM",
    "author": "logistics_crm developers",
    "website": "https://github.com/logistics-crm/logistics_crm",
    "license": "LGPL-3",
    "depends": ["logistics_crm", "survey"],
    "data": [
        "security/logistics_crm_survey_security.xml",
        "security/ir.model.access.csv",
        "data/survey_data.xml",
        "data/ir_cron_data.xml",
        "views/survey_campaign_views.xml",
        "views/res_partner_views.xml",
        "views/menus.xml",
    ],
    "demo": ["demo/logistics_crm_survey_demo.xml"],
    "auto_install": True,
}
