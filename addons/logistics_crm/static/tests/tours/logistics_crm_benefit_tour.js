import { registry } from "@web/core/registry";

// The Logistics CRM administrator's side of a regrade that moved customers:
// the Benefit Changes list shows the proposals; one is applied from its row,
// the other rejected from its form.
registry.category("web_tour.tours").add("logistics_crm_benefit_tour", {
    steps: () => [
        {
            content: "The big customer moved up: the key-account pricelist is proposed",
            trigger: ".o_data_row:contains('Big Freight'):contains('Key account')",
        },
        {
            content: "Apply it from its row",
            trigger: ".o_data_row:contains('Big Freight') button[name='action_apply']",
            run: "click",
        },
        {
            content: "It is no longer waiting for a decision",
            trigger:
                ".o_list_view:not(:has(.o_data_row:contains('Big Freight') button[name='action_apply']))",
        },
        {
            content: "Open the small customer's proposal",
            trigger: ".o_data_row:contains('Small Parcel') td.o_data_cell",
            run: "click",
        },
        {
            content: "Reject it from the form",
            trigger: ".o_form_statusbar button[name='action_reject']",
            run: "click",
        },
        {
            content: "The change shows as rejected",
            trigger: ".o_form_view .ribbon:contains('Rejected')",
        },
    ],
});
