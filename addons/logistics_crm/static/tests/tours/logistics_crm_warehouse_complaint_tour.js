import { registry } from "@web/core/registry";

// An inventory user, who is not a Logistics CRM user, sees damage on a done
// delivery: he reports the complaint from the delivery, then adds a note to
// the complaint he filed.
registry.category("web_tour.tours").add("logistics_crm_warehouse_complaint_tour", {
    steps: () => [
        {
            content: "Report a complaint from the delivery",
            trigger: ".o_form_view button[name='action_report_complaint']",
            run: "click",
        },
        {
            content: "The complaint is the delivery's customer's",
            trigger: ".modal .o_field_widget[name='partner_id']:contains('Alpha Shipper')",
        },
        {
            content: "and concerns the delivery",
            trigger: ".modal .o_field_widget[name='picking_id']:contains('/OUT/')",
        },
        {
            content: "Damage is preselected",
            trigger: ".modal .o_field_widget[name='complaint_type_id'] input:value(Damaged goods)",
        },
        {
            content: "Say what was seen",
            trigger: ".modal .o_field_widget[name='name'] input",
            run: "edit Two cartons crushed at loading",
        },
        {
            content: "Count the damaged units",
            trigger: ".modal .o_field_widget[name='damaged_qty'] input",
            run: "edit 2",
        },
        {
            content: "Report it",
            trigger: ".modal-footer button[name='action_open_reported']",
            run: "click",
        },
        {
            content: "The complaint filed opens, with its reference",
            trigger:
                "body:not(:has(.modal)) .o_form_view .o_field_widget[name='reference']:contains('CMP/')",
        },
        {
            content: "with the delivery",
            trigger: ".o_form_view .o_field_widget[name='picking_id']:contains('/OUT/')",
        },
        {
            content: "Log a note on it",
            trigger: ".o-mail-Chatter-logNote:enabled",
            run: "click",
        },
        {
            content: "Write the note",
            trigger: ".o-mail-Composer-input",
            run: "edit Photos of the two cartons taken at the dock.",
        },
        {
            content: "Send the note",
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The note is in the chatter",
            trigger: ".o-mail-Message:contains('Photos of the two cartons taken at the dock.')",
        },
    ],
});
