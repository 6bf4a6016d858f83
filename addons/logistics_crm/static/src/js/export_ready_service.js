import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";

/**
 * A scorecard export built in the background by the server announces itself
 * on the bus: show a sticky notification with a button that downloads it.
 */
export const exportReadyService = {
    dependencies: ["bus_service", "notification"],
    start(env, { bus_service, notification }) {
        bus_service.subscribe("logistics_crm_export_ready", ({ title, message, url }) => {
            const close = notification.add(message, {
                title,
                type: "success",
                sticky: true,
                buttons: [
                    {
                        name: _t("Download"),
                        icon: "fa-download",
                        primary: true,
                        onClick: () => {
                            close();
                            window.location.assign(url);
                        },
                    },
                ],
            });
        });
        bus_service.start();
    },
};

registry.category("services").add("logistics_crm_export_ready", exportReadyService);
