import { registry } from "@web/core/registry";

// A Logistics CRM administrator without any right on contacts locks, then
// unlocks, a customer's tier from the customer form.
registry.category("web_tour.tours").add("logistics_crm_tier_lock_tour", {
    steps: () => [
        {
            content: "The customer is a key account",
            trigger: ".o_form_view div[name='customer_tier_badge'] .badge:contains('Key account')",
        },
        {
            content: "Open the Customer Value tab",
            trigger: ".o_notebook .nav-link:contains('Customer Value')",
            run: "click",
        },
        {
            content: "The lock fields cannot be edited on the form",
            trigger: ".o_field_widget[name='customer_tier_locked'] input:disabled",
        },
        {
            content: "Lock the tier",
            trigger: "div[name='tier_lock_buttons'] button:contains('Lock Tier')",
            run: "click",
        },
        {
            content: "Choose the tier",
            trigger: ".modal .o_field_widget[name='tier_id'] input",
            run: "edit Growth",
        },
        {
            content: "Pick Growth account",
            trigger: ".o-autocomplete--dropdown-item:contains('Growth account')",
            run: "click",
        },
        {
            content: "Give the reason",
            trigger: ".modal .o_field_widget[name='reason'] input",
            run: "edit Framework contract under review",
        },
        {
            content: "Confirm the lock",
            trigger: ".modal-footer button:contains('Lock Tier')",
            run: "click",
        },
        {
            content: "The form shows the lock and its reason",
            trigger: ".o_field_widget[name='customer_tier_lock_reason']:contains('Framework contract under review')",
        },
        {
            content: "The badge shows the locked tier",
            trigger: ".o_form_view div[name='customer_tier_badge'] .badge:contains('Growth account')",
        },
        {
            content: "Unlock the tier",
            trigger: "div[name='tier_lock_buttons'] button:contains('Unlock Tier')",
            run: "click",
        },
        {
            content: "Confirm the unlock",
            trigger: ".modal-footer button:contains('Unlock Tier')",
            run: "click",
        },
        {
            content: "The tier follows the grading again",
            trigger: ".o_form_view div[name='customer_tier_badge'] .badge:contains('Key account')",
        },
        {
            content: "The lock buttons offer to lock again",
            trigger: "div[name='tier_lock_buttons'] button:contains('Lock Tier')",
        },
    ],
});
