from harness.scenario import Scenario, register
from harness.scenarios._reconcile import missed_then_reconciled


@register
class ReconcileMissedWebhook(Scenario):
    name = "reconcile-missed-webhook"
    number = 20
    title = "A payment whose webhook never arrived is found and applied by sfpay reconcile"
    description = (
        "With the org's webhook endpoint disabled (as Stripe disables it when its retries run out), the "
        "invoice is paid: the Opportunity stays Open. `sfpay reconcile` reports the stale status read-only; "
        "`--apply` records the missed Stripe event, the event flow re-reads the invoice and sets Paid and the "
        "won stage, a Sync Log records the fix, and a second reconcile finds nothing."
    )

    def steps(self, ctx) -> str:
        return missed_then_reconciled(ctx, "pay")
