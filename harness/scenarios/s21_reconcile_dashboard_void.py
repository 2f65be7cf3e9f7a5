from harness.scenario import Scenario, register
from harness.scenarios._reconcile import missed_then_reconciled


@register
class ReconcileDashboardVoid(Scenario):
    name = "reconcile-dashboard-void"
    number = 21
    title = "An invoice voided in the Stripe Dashboard is found and applied by sfpay reconcile"
    description = (
        "The invoice is voided directly in Stripe while the webhook endpoint is disabled: the Opportunity "
        "stays Open. `sfpay reconcile` reports it; `--apply` replays invoice.voided through the event flow, "
        "which sets the void status; a second reconcile finds nothing."
    )

    def steps(self, ctx) -> str:
        return missed_then_reconciled(ctx, "void")
