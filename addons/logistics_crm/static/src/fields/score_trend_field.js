import { Component } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

/** The score trend as an arrow: up (green), down (red) or flat (grey). */
export class ScoreTrendField extends Component {
    static template = "logistics_crm.ScoreTrendField";
    static props = { ...standardFieldProps };

    get value() {
        return this.props.record.data[this.props.name];
    }
}

registry.category("fields").add("logistics_score_trend", {
    component: ScoreTrendField,
    displayName: "Score trend",
    supportedTypes: ["selection"],
});
