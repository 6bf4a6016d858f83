{
    "name": "Logistics CRM Loyalty",
    "summary": "A loyalty programme per customer tier: customers are enrolled "
    "when their tier benefits are applied, and earn points while in the tier",
    "version": "19.0.1.0.0",
    "category": "Sales/CRM",
    "author": "logistics_crm developers",
    "website": "https://github.com/logistics-crm/logistics_crm",
    "license": "LGPL-3",
    "depends": ["logistics_crm", "sale_loyalty"],
    "data": [
        "views/customer_tier_views.xml",
        "views/tier_benefit_change_views.xml",
    ],
    "demo": ["demo/logistics_crm_loyalty_demo.xml"],
    "auto_install": True,
}
