import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("logistics_crm_portal_complaint_tour", {
    url: "/my/complaints",
    steps: () => [
        {
            content: "The list shows the customer's complaint",
            trigger: ".o_logistics_complaint_row:contains('Alpha cartons crushed')",
        },
        {
            content: "File a new complaint",
            trigger: "a.o_logistics_complaint_new",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Give a subject",
            trigger: ".o_logistics_complaint_form input[name='name']",
            run: "edit Forklift damage on arrival",
        },
        {
            content: "Choose the type",
            trigger: ".o_logistics_complaint_form select[name='complaint_type_id']",
            run: "selectByLabel Damaged goods",
        },
        {
            content: "Choose the order, the customer's only one",
            trigger: ".o_logistics_complaint_form select[name='sale_order_id']",
            run: "selectByIndex 1",
        },
        {
            content: "Describe what happened",
            trigger: ".o_logistics_complaint_form textarea[name='description']",
            run: "edit The forks went through two cartons.",
        },
        {
            content: "Submit the complaint",
            trigger: ".o_logistics_complaint_form button.o_logistics_complaint_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The new complaint's page shows its reference",
            trigger: ".o_logistics_complaint_reference:contains('CMP/')",
        },
        {
            content: "and its subject",
            trigger: "#complaint_header:contains('Forklift damage on arrival')",
        },
        {
            content: "The customer adds a message in the chatter",
            trigger: "#chatterRoot:shadow .o-mail-Composer-input",
            run: "edit Photos of the cartons follow by e-mail.",
        },
        {
            content: "Send it",
            trigger: "#chatterRoot:shadow .o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The message shows in the conversation",
            trigger:
                "#chatterRoot:shadow .o-mail-Message-body:contains('Photos of the cartons follow')",
        },
    ],
});
