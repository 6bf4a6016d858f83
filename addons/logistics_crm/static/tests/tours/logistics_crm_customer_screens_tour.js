import { registry } from "@web/core/registry";

// Customers by Tier as a Logistics CRM administrator: see
// tests/test_customer_screens.py for the customers and their grades.
function cardsOf(tier) {
    const group = [...document.querySelectorAll(".o_kanban_group")].find((column) =>
        column.querySelector(".o_column_title")?.textContent.includes(tier)
    );
    return group ? [...group.querySelectorAll(".o_kanban_record")] : [];
}

function assertEqual(actual, expected, message) {
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        throw new Error(
            `${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`
        );
    }
}

registry.category("web_tour.tours").add("logistics_crm_customer_screens_tour", {
    steps: () => [
        {
            content: "The Growth account column shows its three customers",
            trigger: ".o_kanban_group .o_kanban_record:contains('Alpha Cargo')",
        },
        {
            content: "Cards are sorted by score, best first",
            trigger: ".o_kanban_group .o_kanban_record:contains('Zeta Haulage')",
            run() {
                const names = cardsOf("Growth account").map((card) =>
                    ["Omega Freight", "Zeta Haulage", "Alpha Cargo"].find((name) =>
                        card.textContent.includes(name)
                    )
                );
                assertEqual(
                    names,
                    ["Omega Freight", "Zeta Haulage", "Alpha Cargo"],
                    "Growth account cards"
                );
            },
        },
        {
            content: "The score on a card is labelled",
            trigger: ".o_kanban_record:contains('Zeta Haulage'):contains('Score 75.00')",
        },
        {
            content: "A card names the key-account manager",
            trigger: ".o_kanban_record:contains('Zeta Haulage') div[name='key_account_manager']:contains('Kim Account')",
        },
        {
            content: "Switch to the customer list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "The list has a Score column",
            trigger: ".o_list_view th[data-name='customer_score']",
        },
        {
            content: "The list has a Lifecycle column",
            trigger: ".o_list_view th[data-name='customer_lifecycle']",
        },
        {
            content: "Unfold the Growth account group",
            trigger: ".o_list_view .o_group_name:contains('Growth account')",
            run: "click",
        },
        {
            content: "Open the locked customer",
            trigger: ".o_data_row td.o_data_cell:contains('Omega Freight')",
            run: "click",
        },
        {
            content: "Open the Customer Value tab",
            trigger: ".o_notebook .nav-link:contains('Customer Value')",
            run: "click",
        },
        {
            content: "The lock warning is one sentence on one line",
            trigger: ".o_notebook .alert-warning:contains('Key account')",
            run() {
                assertEqual(
                    this.anchor.innerText.trim(),
                    "The tier is locked on Growth account while the grading computes Key account.",
                    "Lock warning"
                );
            },
        },
        {
            content: "A locked customer shows its locked tier",
            trigger: ".o_notebook .o_form_label:contains('Locked Tier')",
        },
        {
            content: "Back to the list",
            trigger: ".o_breadcrumb a:contains('Customers by Tier')",
            run: "click",
        },
        {
            content: "Open a customer whose tier is not locked",
            trigger: ".o_data_row td.o_data_cell:contains('Zeta Haulage')",
            run: "click",
        },
        {
            content: "The unlocked customer is open",
            trigger: ".o_breadcrumb .active:contains('Zeta Haulage')",
        },
        {
            content: "Open the Customer Value tab",
            trigger: ".o_notebook .nav-link:contains('Customer Value')",
            run: "click",
        },
        {
            content: "An unlocked customer has no lock warning and no locked tier",
            trigger: ".o_notebook .o_form_label:contains('Tier Locked')",
            run() {
                const labels = [...document.querySelectorAll(".o_notebook .o_form_label")].map(
                    (label) => label.textContent.trim()
                );
                if (labels.includes("Locked Tier")) {
                    throw new Error("Locked Tier is shown on an unlocked customer");
                }
                if (document.querySelector(".o_notebook .alert-warning")) {
                    throw new Error("A lock warning is shown on an unlocked customer");
                }
            },
        },
    ],
});
