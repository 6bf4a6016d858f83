import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("logistics_crm_delivery_page_tour", {
    steps: () => [
        {
            content: "The receiver's page shows the delivered items",
            trigger: ".o_logistics_delivery_items:contains('Vaccine cold box')",
        },
        {
            content: "Give four stars",
            trigger: ".o_logistics_delivery_rating_form input[name='rating'][value='4']",
            run: "click",
        },
        {
            content: "Say why",
            trigger: ".o_logistics_delivery_rating_form textarea[name='comment']",
            run: "edit Friendly driver, boxes still cold.",
        },
        {
            content: "Send the rating",
            trigger: ".o_logistics_delivery_rating_form button.o_logistics_delivery_rate",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The page thanks for the rating",
            trigger: ".o_logistics_delivery_rated",
        },
        {
            content: "Describe a problem",
            trigger: ".o_logistics_delivery_problem_form textarea[name='description']",
            run: "edit One carton was crushed at the corner.",
        },
        {
            content: "Report it",
            trigger: ".o_logistics_delivery_problem_form button.o_logistics_delivery_report",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The report was filed with a reference",
            trigger: ".o_logistics_delivery_reported:contains('CMP')",
        },
    ],
});
