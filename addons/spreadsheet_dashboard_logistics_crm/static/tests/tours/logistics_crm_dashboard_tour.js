import { registry } from "@web/core/registry";

const MENU = "spreadsheet_dashboard_logistics_crm.menu_dashboard";
// a cell showing a pivot figure as it is: =PIVOT(...) or =PIVOT.VALUE(...)
const PIVOT_FORMULA = /^=\s*PIVOT(\.VALUE)?\(/i;

function env() {
    return odoo.__WOWL_DEBUG__.root.env;
}

async function dashboardModel() {
    const dashboard = env().services.spreadsheet_dashboard_loader.getActiveDashboard();
    const { waitForDataLoaded } = odoo.loader.modules.get("@spreadsheet/helpers/model");
    await waitForDataLoaded(dashboard.model);
    return dashboard.model;
}

function sameFigure(shown, read) {
    const a = typeof shown === "number" ? shown : 0;
    const b = typeof read === "number" ? read : 0;
    return Math.abs(a - b) < 0.005;
}

async function aggregate(model, domain, spec) {
    const [group] = await env().services.orm.formattedReadGroup(model, domain, [], [spec]);
    return group ? group[spec] : 0;
}

/**
 * Every pivot value on the sheet and every point of the Odoo charts equals
 * the grouped read of its model over the records it drills down to (the
 * domain "See records" and a chart click open), with the global filters on.
 */
async function checkEveryFigure() {
    const model = await dashboardModel();
    const { SEE_RECORDS_PIVOT_VISIBLE } = odoo.loader.modules.get(
        "@spreadsheet/pivot/pivot_actions"
    );
    const g = model.getters;
    const sheetId = g.getActiveSheetId();
    const problems = [];
    const pivotsSeen = new Set();
    let checked = 0;
    for (let row = 0; row < g.getNumberRows(sheetId); row++) {
        for (let col = 0; col < g.getNumberCols(sheetId); col++) {
            const position = { sheetId, col, row };
            const formula = g.getCorrespondingFormulaCell(position);
            if (!formula || !PIVOT_FORMULA.test(formula.content)) {
                continue; // not a pivot figure (a title, a share computed from them)
            }
            const pivotId = g.getPivotIdFromPosition(position);
            const pivotCell = g.getPivotCellFromPosition(position);
            if (pivotCell.type !== "VALUE") {
                continue;
            }
            const shown = g.getEvaluatedCell(position).value;
            if (shown !== "" && !SEE_RECORDS_PIVOT_VISIBLE(position, g)) {
                problems.push(`row ${row + 1} col ${col + 1}: no "See records"`);
            }
            const definition = g.getPivotCoreDefinition(pivotId);
            const measure = definition.measures.find((m) => m.id === pivotCell.measure);
            const spec =
                measure.fieldName === "__count"
                    ? "__count"
                    : `${measure.fieldName}:${measure.aggregator}`;
            const domain = g.getPivot(pivotId).getPivotCellDomain(pivotCell.domain);
            const read = await aggregate(definition.model, domain, spec);
            checked++;
            pivotsSeen.add(pivotId);
            if (!sameFigure(shown, read)) {
                problems.push(`${definition.name} row ${row + 1} ${spec}: ${shown} != ${read}`);
            }
        }
    }
    for (const chartId of g.getOdooChartIds()) {
        const { metaData } = g.getChartDefinition(chartId);
        const fields = await env().services.orm.call(metaData.resModel, "fields_get", [
            [metaData.measure],
            ["aggregator"],
        ]);
        const spec =
            metaData.measure === "__count"
                ? "__count"
                : `${metaData.measure}:${fields[metaData.measure].aggregator}`;
        const { datasets, labels } = g.getChartDataSource(chartId).getData();
        for (const dataset of datasets) {
            for (let i = 0; i < dataset.data.length; i++) {
                const read = await aggregate(metaData.resModel, dataset.domains[i], spec);
                checked++;
                if (!sameFigure(dataset.data[i], read)) {
                    problems.push(`chart ${metaData.resModel} ${labels[i]}: ${dataset.data[i]} != ${read}`);
                }
            }
        }
    }
    for (const pivotId of g.getPivotIds()) {
        if (!pivotsSeen.has(pivotId) && ["1", "2", "5", "6"].includes(g.getPivotFormulaId(pivotId))) {
            problems.push(`no figure of pivot ${g.getPivotName(pivotId)} checked`);
        }
    }
    if (!checked || problems.length) {
        throw new Error(`${checked} figures checked; differences: ${problems.join("; ")}`);
    }
    console.info(`logistics_crm_dashboard_tour: ${checked} figures equal their grouped reads`);
}

async function cellText(xc) {
    const model = await dashboardModel();
    const sheetId = model.getters.getActiveSheetId();
    return model.getters.getEvaluatedCell({ sheetId, ...xcToPosition(xc) }).formattedValue;
}

function xcToPosition(xc) {
    const [, letters, digits] = xc.match(/^([A-Z]+)(\d+)$/);
    return { col: letters.charCodeAt(0) - 65, row: Number(digits) - 1 };
}

// the "Customers per tier" chart (res.partner by tier, an Odoo chart)
const CUSTOMERS_FIGURE = "6b1f0a52-0002-4d3e-8f00-000000000002";

function chartCanvas(figureId) {
    const canvas = document.querySelector(`.o-figure[data-id='${figureId}'] canvas`);
    return { canvas, chart: canvas && window.Chart?.getChart(canvas) };
}

registry.category("web_tour.tours").add("logistics_crm_dashboard_tour", {
    steps: () => [
        {
            content: "Open Analysis",
            trigger: ".o_menu_sections [data-menu-xmlid='logistics_crm.logistics_crm_menu_reporting']",
            run: "click",
        },
        {
            content: "Open the dashboard",
            trigger: `.o-dropdown--menu [data-menu-xmlid='${MENU}']`,
            run: "click",
        },
        {
            content: "The dashboard is loaded, with its filters",
            trigger: ".o_spreadsheet_dashboard_action .o-spreadsheet .o-figure canvas",
            run: checkEveryFigure,
        },
        {
            content: "Every tier is listed",
            trigger: ".o_spreadsheet_dashboard_action",
            async run() {
                const tiers = [await cellText("A18"), await cellText("A19"), await cellText("A20")];
                if (!tiers.includes("Key account") || !tiers.includes("General")) {
                    throw new Error(`tiers shown: ${tiers}`);
                }
            },
        },
        {
            content: "Search a tier",
            trigger: ".o_sp_dashboard_search .o_searchview_input",
            run: "edit Key account",
        },
        {
            content: "Expand the tier filter's values",
            trigger: ".o_searchview_autocomplete .o-dropdown-item:contains('Tier') a.o_expand",
            run: "click",
        },
        {
            content: "Filter on the key accounts",
            trigger: ".o_searchview_autocomplete .o-dropdown-item.o_indent:contains('Key account')",
            run: "click",
        },
        {
            content: "The tier filter is on",
            trigger: ".o_sp_dashboard_search .o_searchview_facet:contains('Key account')",
            async run() {
                await checkEveryFigure();
                const [first, second] = [await cellText("A18"), await cellText("A19")];
                if (first !== "Key account" || second !== "") {
                    throw new Error(`tiers shown with the filter: ${first}, ${second}`);
                }
            },
        },
        {
            content: "Click the bar of the customers per tier chart",
            trigger: `.o_spreadsheet_dashboard_action .o-figure[data-id='${CUSTOMERS_FIGURE}'] canvas`,
            async run() {
                await dashboardModel();
                const { canvas, chart } = chartCanvas(CUSTOMERS_FIGURE);
                if (!chart) {
                    throw new Error("chart 'Customers per tier' not found");
                }
                const bars = chart.getDatasetMeta(0).data;
                if (bars.length !== 1) {
                    throw new Error(`${bars.length} bars with the tier filter`);
                }
                const { x, y } = bars[0].tooltipPosition();
                const rect = canvas.getBoundingClientRect();
                const options = {
                    bubbles: true,
                    clientX: rect.left + x,
                    clientY: rect.top + (y + chart.chartArea.bottom) / 2,
                };
                canvas.dispatchEvent(new MouseEvent("mousemove", options));
                canvas.dispatchEvent(new MouseEvent("click", options));
            },
        },
        {
            content: "The key account customers open",
            trigger: ".o_list_view .o_data_row:contains('Alpha Freight')",
        },
        {
            content: "and only them",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Beta Parcels')))",
        },
    ],
});
