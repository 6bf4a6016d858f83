import { registry } from "@web/core/registry";

const CUSTOMER = "华东冷链物流有限公司";

registry.category("web_tour.tours").add("logistics_crm_zh_tour", {
    steps: () => [
        {
            content: "Customers are grouped by their Chinese tier names",
            trigger: ".o_kanban_group .o_column_title:contains('关键客户')",
        },
        {
            content: "Switch to the customer list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Unfold the key account group",
            trigger: ".o_list_view .o_group_name:contains('关键客户')",
            run: "click",
        },
        {
            content: "The list shows the customer with its tier badge",
            trigger: `.o_data_row:contains('${CUSTOMER}') .badge:contains('关键客户')`,
        },
        {
            content: "Open the customer",
            trigger: `.o_data_row td.o_data_cell:contains('${CUSTOMER}')`,
            run: "click",
        },
        {
            content: "The form shows the tier badge in Chinese",
            trigger: ".o_form_view div[name='customer_tier_badge'] .badge:contains('关键客户')",
        },
        {
            content: "Open the Customer Value tab",
            trigger: ".o_notebook .nav-link:contains('客户价值')",
            run: "click",
        },
        {
            content: "The lifecycle label is Chinese",
            trigger: ".o_notebook .o_form_label:contains('生命周期')",
        },
        {
            content: "The scorecard panel counts the trailing twelve months",
            trigger: ".o_logistics_crm_scorecard:contains('近 12 个月')",
        },
        {
            content: "The scorecard panel lists the logistics KPIs in Chinese",
            trigger: ".o_logistics_crm_scorecard_table td:contains('准时率')",
        },
        {
            content: "OTIF and fill rate are named as in Chinese logistics",
            trigger: ".o_logistics_crm_scorecard_table:contains('准时足额率 (OTIF)'):contains('订单满足率'):contains('货损率')",
        },
        {
            content: "The criteria table explains the score in Chinese",
            trigger: ".o_logistics_crm_criteria td:contains('下单频次')",
        },
        {
            content: "Open the scorecard analysis",
            trigger: "button:contains('打开计分卡分析')",
            run: "click",
        },
        {
            content: "The scorecard analysis has Chinese columns",
            trigger: ".o_list_view th:contains('准时率 (%)')",
        },
        {
            content: "The breadcrumb names the scorecard action in Chinese",
            trigger: ".o_breadcrumb .active:contains('客户计分卡')",
        },
        {
            content: "Back to the customer",
            trigger: `.o_breadcrumb a:contains('${CUSTOMER}')`,
            run: "click",
        },
        {
            content: "Open the customer's complaints",
            trigger: ".o_form_view button[name='action_view_complaints']:contains('投诉')",
            run: "click",
        },
        {
            content: "Complaints are grouped by Chinese stages",
            trigger: ".o_kanban_group .o_column_title:contains('处理中')",
        },
        {
            content: "Open the complaint",
            trigger: ".o_kanban_record:contains('两个托盘到货时被压坏')",
            run: "click",
        },
        {
            content: "The complaint type is a Chinese data record",
            trigger: ".o_form_view div[name='complaint_type_id'] input:value('货物破损')",
        },
        {
            content: "The stage bar is Chinese",
            trigger: ".o_statusbar_status button[aria-checked='true']:contains('处理中')",
        },
        {
            content: "The amount labels are Chinese",
            trigger: ".o_form_view .o_form_label:contains('索赔金额')",
        },
        {
            content: "Open the resolution tab",
            trigger: ".o_notebook .nav-link:contains('处理结果')",
            run: "click",
        },
        {
            content: "The root cause and responsibility are asked in Chinese",
            trigger: ".o_form_view .o_form_label:contains('根本原因')",
        },
        {
            content: "The responsibility label is Chinese",
            trigger: ".o_form_view .o_form_label:contains('责任方')",
        },
    ],
});
