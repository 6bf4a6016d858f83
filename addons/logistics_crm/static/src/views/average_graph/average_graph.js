import { registry } from "@web/core/registry";
import { GraphModel } from "@web/views/graph/graph_model";
import { graphView } from "@web/views/graph/graph_view";

/**
 * A graph of averages (the SLA compliance rate) where a group without value,
 * such as a month in which no status closed, has no point: the web client's
 * graph draws it as 0 %, a dip that did not happen.
 */
export class AverageGraphModel extends GraphModel {
    _getData(dataPoints, forceUseAllDataPoints) {
        const data = super._getData(dataPoints, forceUseAllDataPoints);
        const { fields, measure } = this.metaData;
        if (fields[measure]?.aggregator !== "avg") {
            return data; // a count or a sum of nothing is 0
        }
        const known = {};
        for (const dataPoint of dataPoints) {
            if (dataPoint.labelIndex !== undefined && typeof dataPoint.value === "number") {
                const label = this._getDatasetLabel(dataPoint);
                (known[label] ||= new Set()).add(dataPoint.labelIndex);
            }
        }
        for (const dataset of data.datasets) {
            const indexes = known[dataset.label] || new Set();
            dataset.data = dataset.data.map((value, index) => (indexes.has(index) ? value : null));
        }
        return data;
    }
}

registry.category("views").add("logistics_crm_average_graph", {
    ...graphView,
    Model: AverageGraphModel,
});
