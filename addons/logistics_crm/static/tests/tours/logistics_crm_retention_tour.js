import { registry } from "@web/core/registry";

// The key-account manager's side of a customer that turned at risk: the
// retention case waits in the Open column with the plan's activities; the
// manager cannot close it as lost without a reason, and closes it as retained.
registry.category("web_tour.tours").add("logistics_crm_retention_tour", {
    steps: () => [
        {
            content: "The case of the customer at risk is in the Open column",
            trigger:
                ".o_kanban_group:contains('Open') .o_kanban_record:contains('Tour Steel Ltd')",
            run: "click",
        },
        {
            content: "It was opened by the at-risk rule",
            trigger: ".o_field_widget[name='trigger']:contains('Customer turns at risk')",
        },
        {
            content: "The plan's call is planned for the key-account manager",
            trigger:
                ".o-mail-Activity:contains('Call the customer'):contains('Kim Account')",
        },
        {
            content: "So is the proposal",
            trigger: ".o-mail-Activity:contains('Propose a service or price plan')",
        },
        {
            content: "Try to close it as lost without a reason",
            trigger: ".o_form_statusbar button[name='action_mark_lost']",
            run: "click",
        },
        {
            content: "The reason is required",
            trigger: ".modal:contains('Choose a churn reason') .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The customer ordered again: close it as retained",
            trigger: ".o_form_statusbar button[name='action_mark_retained']",
            run: "click",
        },
        {
            content: "The case shows as retained",
            trigger: ".o_form_view .ribbon:contains('Retained')",
        },
        {
            content: "It is closed",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Retained')",
        },
    ],
});
