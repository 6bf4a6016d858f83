import { registry } from "@web/core/registry";

function openExportDialog() {
    return [
        {
            content: "Open the Analysis menu",
            trigger: "button[data-menu-xmlid='logistics_crm.logistics_crm_menu_reporting']",
            run: "click",
        },
        {
            content: "Open Export Scorecards",
            trigger: "a[data-menu-xmlid='logistics_crm.logistics_scorecard_export_menu']",
            run: "click",
        },
        {
            content: "The export dialog is open",
            trigger: ".modal .o_form_view .o_field_widget[name='date_from']",
        },
    ];
}

// A salesperson exports the scorecards to Excel, then prints them: after each
// download the dialog is gone, without an error.
registry.category("web_tour.tours").add("logistics_crm_export_tour", {
    steps: () => [
        ...openExportDialog(),
        {
            content: "Export to Excel",
            trigger: ".modal-footer button[name='action_export_xlsx']",
            run: "click",
        },
        {
            content: "The dialog closes after the download, without an error",
            trigger: "body:not(:has(.modal)):not(:has(.o_error_dialog))",
        },
        ...openExportDialog(),
        {
            content: "Print the PDF",
            trigger: ".modal-footer button[name='action_print_pdf']",
            run: "click",
        },
        {
            content: "The dialog closes after the download, without an error",
            trigger: "body:not(:has(.modal)):not(:has(.o_error_dialog))",
        },
        {
            content: "No report error notification either",
            trigger: "body:not(:has(.o_notification.border-danger))",
        },
    ],
});
