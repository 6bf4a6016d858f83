import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");

/**
 * What sticks out of a list cell: an element cut by its own overflow, or
 * drawn past the cell's edges.
 */
function cutContent(cell) {
    const box = cell.getBoundingClientRect();
    for (const el of [cell, ...cell.querySelectorAll("*")]) {
        const style = getComputedStyle(el);
        const clips = style.overflowX !== "visible" || style.textOverflow === "ellipsis";
        if (clips && el.scrollWidth > el.clientWidth + 1) {
            return `${el.tagName.toLowerCase()} shows ${el.clientWidth} of ${el.scrollWidth} px`;
        }
        const rect = el.getBoundingClientRect();
        if (rect.width && (rect.left < box.left - 1 || rect.right > box.right + 1)) {
            return `${el.tagName.toLowerCase()} drawn past the cell`;
        }
    }
    return "";
}

// A closed complaint the customer rated: the form shows the rating, and no
// field widget of the form warns that it does not fit its field.
tours.add("logistics_crm_complaint_rating_tour", {
    steps: () => [
        {
            content: "A widget that does not fit its field fails the tour",
            trigger: ".o_list_renderer .o_data_row",
            run() {
                const warn = console.warn;
                console.warn = (...args) => {
                    if (/widget/i.test(String(args[0]))) {
                        console.error("Field widget warning:", ...args);
                    }
                    warn(...args);
                };
            },
        },
        {
            content: "Show the closed complaints too",
            trigger: ".o_searchview_facet:contains('Open') .o_facet_remove",
            run: "click",
        },
        {
            content: "Open the rated complaint",
            trigger: ".o_data_row td[name='name']:contains('Crushed cartons')",
            run: "click",
        },
        {
            content: "Open the Resolution tab",
            trigger: ".o_notebook .nav-link:contains('Resolution')",
            run: "click",
        },
        {
            content: "The customer's rating shows",
            trigger: ".o_field_widget[name='rating_last_text'] .badge:contains('Happy')",
        },
        {
            content: "with the customer's words",
            trigger: ".o_field_widget[name='rating_last_feedback']:contains('Very fast and professional')",
        },
    ],
});

// The complaints list at 1366 px: reference, subject, customer and stage read
// in full on every row.
tours.add("logistics_crm_complaint_list_tour", {
    steps: () => [
        {
            content: "The open complaints are listed",
            trigger: ".o_list_renderer .o_data_row:contains('Credit of the returned pallet')",
        },
        {
            content: "Reference, subject, customer and stage read in full",
            trigger: ".o_list_renderer .o_data_row",
            run() {
                const problems = [];
                const rows = document.querySelectorAll(".o_list_renderer .o_data_row");
                for (const row of rows) {
                    const cells = {
                        reference: row.querySelector("td[name='reference']"),
                        subject: row.querySelector("td[name='name']"),
                        customer:
                            row.querySelector("td[name='commercial_partner_id']") ||
                            row.querySelector("td[name='partner_id']"),
                        stage: row.querySelector("td[name='stage_id']"),
                    };
                    for (const [name, cell] of Object.entries(cells)) {
                        if (!cell) {
                            problems.push(`no ${name} column`);
                            continue;
                        }
                        const cut = cutContent(cell);
                        if (cut) {
                            problems.push(`${name} "${cell.innerText.trim()}": ${cut}`);
                        }
                    }
                    if (!row.querySelector("td[name='stage_id'] .badge")) {
                        problems.push("the stage is not a badge");
                    }
                }
                if (problems.length) {
                    const widths = [...document.querySelectorAll(".o_list_renderer thead th")]
                        .map((th) => `${th.dataset.name || th.className}=${Math.round(th.getBoundingClientRect().width)}`)
                        .join(" ");
                    throw new Error(
                        `${problems.join("\n")}\nwindow ${window.innerWidth} px, columns: ${widths}`
                    );
                }
            },
        },
    ],
});

// Complaint Analysis counts complaints: most have no compensation, so a sum
// of compensation amounts says little.
tours.add("logistics_crm_complaint_analysis_tour", {
    steps: () => [
        {
            content: "The analysis measures the number of complaints",
            trigger: ".o_pivot th.o_pivot_measure_row:contains('Count')",
            run() {
                const measures = [...document.querySelectorAll(".o_pivot th.o_pivot_measure_row")]
                    .map((th) => th.innerText.trim());
                if (measures.some((measure) => measure !== "Count")) {
                    throw new Error(`The analysis measures ${measures.join(", ")}`);
                }
            },
        },
    ],
});

// A credit note drafted from a complaint counts and opens that complaint.
tours.add("logistics_crm_credit_note_complaints_tour", {
    steps: () => [
        {
            content: "The credit note counts its complaint",
            trigger: ".oe_stat_button[name='action_view_complaints'] .o_stat_value:contains('1')",
        },
        {
            content: "Open it",
            trigger: ".oe_stat_button[name='action_view_complaints']",
            run: "click",
        },
        {
            content: "The complaint compensated by the credit note is listed",
            trigger: ".o_kanban_record:contains('Forklift damage to one pallet of displays')",
        },
    ],
});

// SLA Compliance: the last 12 months, no invented 0 % where no status closed,
// and the open and failed clocks on top of the list.
tours.add("logistics_crm_sla_compliance_tour", {
    steps: () => [
        {
            content: "The analysis opens on the last 12 months",
            trigger: ".o_searchview_facet:contains('Last 12 Months')",
        },
        {
            content: "Show the graph",
            trigger: ".o_switch_view.o_graph",
            run: "click",
        },
        {
            content: "A month without a closed status has no point",
            trigger: ".o_graph_renderer .o_graph_canvas_container canvas",
            run() {
                const canvas = document.querySelector(".o_graph_canvas_container canvas");
                const chart = window.Chart.getChart(canvas);
                const data = JSON.stringify(chart.data.datasets.map((dataset) => dataset.data));
                // 4 months ago 1 of 2 on time, 3 months ago a paused clock,
                // 2 months ago nothing, last month 1 of 1, this month open clocks
                const expected = JSON.stringify([[50, null, null, 100, null]]);
                if (data !== expected) {
                    throw new Error(
                        `Compliance per month ${data} (${chart.data.labels.join(", ")}), expected ${expected}`
                    );
                }
            },
        },
        {
            content: "Show the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Failed and open clocks come first, the reached ones last",
            trigger: ".o_list_renderer .o_data_row td[name='state']",
            run() {
                const states = [
                    ...document.querySelectorAll(".o_list_renderer .o_data_row td[name='state']"),
                ].map((td) => td.innerText.trim());
                const expected = ["Failed", "Warning", "Ongoing", "Paused", "Reached", "Reached"];
                if (JSON.stringify(states) !== JSON.stringify(expected)) {
                    throw new Error(`States in the order ${states.join(", ")}`);
                }
            },
        },
    ],
});
