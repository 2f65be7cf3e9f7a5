import datetime as dt

from harness.scenario import Scenario, register
from harness.targets.base import Capability

# The documented retry: the failure is recorded on the Opportunity (error field) and an admin
# checks Retry Invoicing. The attempt counter in the idempotency keys moved on (Stripe replays a
# stored failure for a reused key), so the retry issues a fresh invoice; the failed attempt's
# draft stays a draft (never finalized, never sent, not payable).


@register
class StripeOutage(Scenario):
    name = "stripe-outage-recovery"
    number = 12
    title = "Stripe failing mid-invoicing: Sync Log, then one invoice"
    description = (
        "Stripe answers 500 when the flow finalizes the invoice: a Sync Log entry names the Opportunity, "
        "no invoice id is written and the error is recorded on it. After Stripe recovers and an admin "
        "checks Retry Invoicing, it gets exactly one open invoice."
    )
    requires = frozenset({Capability.STRIPE_FAULTS})

    def steps(self, ctx) -> str:
        spec = ctx.spec
        since = ctx.org.server_now - dt.timedelta(seconds=5)
        account_id = ctx.org.create_account()
        ctx.target.inject_stripe_fault(method="POST", path="/v1/invoices/*/finalize", status=500, times=1)
        try:
            opp_id = ctx.org.create_opportunity(account_id, spec.amount(40))
            logs = ctx.wait_for(
                lambda: ctx.org.sync_logs_mentioning(opp_id, since),
                timeout=ctx.budgets.invoice_seconds,
                what=f"a Sync Log entry for Opportunity {opp_id} after Stripe failed",
            )
        finally:
            ctx.target.clear_stripe_faults()
        log = logs[0]
        ctx.note("salesforce", "Sync Log", f"{log['Id']}: {log.get(f'{spec.namespace}__Message__c')}")
        opp = ctx.org.opportunity(opp_id)
        ctx.check(
            not opp.get(spec.invoice_id_field),
            f"after the failure the Opportunity holds invoice {opp.get(spec.invoice_id_field)}",
        )
        customer_id = ctx.org.account_customer_id(account_id)

        ctx.check(
            bool(opp.get(spec.invoicing_error_field)),
            f"after the failure {spec.invoicing_error_field} on {opp_id} is empty; it should say what stopped the invoicing",
        )
        ctx.org.retry_invoicing(opp_id)
        opp = ctx.org.wait_for_invoice(opp_id, timing="retry -> invoice id written back")
        customer_id = customer_id or ctx.org.account_customer_id(account_id)
        invoices = ctx.stripe_side.invoices_for_customer(customer_id)
        listing = ", ".join(f"{i.id}:{i.status}" for i in invoices)
        live = [i for i in invoices if i.status != "draft"]
        ctx.check(
            len(live) == 1,
            f"customer {customer_id} has {len(live)} finalized invoices after recovery ({listing}), expected exactly 1",
        )
        ctx.check(
            live[0].id == opp[spec.invoice_id_field] and live[0].status == "open",
            f"Opportunity holds {opp[spec.invoice_id_field]}, Stripe has {listing}",
        )
        ctx.check(
            not opp.get(spec.invoicing_error_field) and not opp.get(spec.retry_field),
            f"after the retry {opp_id} still shows error {opp.get(spec.invoicing_error_field)!r} / retry {opp.get(spec.retry_field)}",
        )
        ctx.note("stripe", "Invoice after recovery", live[0].id)
        return f"finalize failed -> Sync Log {log['Id']}; after Retry Invoicing exactly one open invoice {live[0].id}"
