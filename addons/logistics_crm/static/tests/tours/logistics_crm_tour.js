import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("logistics_crm_customer_tier_tour", {
    steps: () => [
        {
            content: "Customers are grouped by tier",
            trigger: ".o_kanban_group .o_column_title:contains('Key account')",
        },
        {
            content: "Open the key account customer",
            trigger: ".o_kanban_record:contains('Tour Freight Ltd')",
            run: "click",
        },
        {
            content: "The form shows the tier badge",
            trigger: ".o_form_view div[name='customer_tier_badge'] .badge:contains('Key account')",
        },
        {
            content: "Open the Customer Value tab",
            trigger: ".o_notebook .nav-link:contains('Customer Value')",
            run: "click",
        },
        {
            content: "The score and its criteria are explained",
            trigger: ".o_logistics_crm_criteria td:contains('Revenue')",
        },
    ],
});
