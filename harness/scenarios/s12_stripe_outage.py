import datetime as dt

from harness.scenario import Scenario, register
from harness.targets.base import Capability

# An admin's retry: out of the invoicing gate and back in. The update flow enters on a stage
# change into eligibility while no invoice id is stored, and reuses the same idempotency keys
# (same Opportunity, same revision), so Stripe replays the draft it already created.
PARK_STAGE = "Prospecting"


@register
class StripeOutage(Scenario):
    name = "stripe-outage-recovery"
    number = 12
    title = "Stripe failing mid-invoicing: Sync Log, then one invoice"
    description = ("Stripe answers 500 when the flow finalizes the invoice: a Sync Log entry names the Opportunity "
                   "and no invoice id is written. After Stripe recovers and the Opportunity is re-saved into an "
                   "eligible stage, it gets exactly one invoice (idempotency keys replay the first draft).")
    requires = frozenset({Capability.STRIPE_FAULTS})

    def steps(self, ctx) -> str:
        spec = ctx.spec
        since = ctx.org.server_now - dt.timedelta(seconds=5)
        account_id = ctx.org.create_account()
        ctx.target.inject_stripe_fault(method="POST", path="/v1/invoices/*/finalize", status=500, times=1)
        try:
            opp_id = ctx.org.create_opportunity(account_id, 640)
            logs = ctx.wait_for(lambda: ctx.org.sync_logs_mentioning(opp_id, since), timeout=ctx.budgets.invoice_seconds,
                                what=f"a Sync Log entry for Opportunity {opp_id} after Stripe failed")
        finally:
            ctx.target.clear_stripe_faults()
        log = logs[0]
        ctx.note("salesforce", "Sync Log", f"{log['Id']}: {log.get(f'{spec.namespace}__Message__c')}")
        opp = ctx.org.opportunity(opp_id)
        ctx.check(not opp.get(spec.invoice_id_field), f"after the failure the Opportunity holds invoice {opp.get(spec.invoice_id_field)}")
        customer_id = ctx.org.account_customer_id(account_id)

        stage = opp["StageName"]
        ctx.org.update_opportunity(opp_id, {"StageName": PARK_STAGE})
        ctx.org.update_opportunity(opp_id, {"StageName": stage})
        ctx.note("salesforce", "Retry", f"StageName {stage} -> {PARK_STAGE} -> {stage}")
        opp = ctx.org.wait_for_invoice(opp_id, timing="retry -> invoice id written back")
        customer_id = customer_id or ctx.org.account_customer_id(account_id)
        invoices = ctx.stripe_side.invoices_for_customer(customer_id)
        listing = ", ".join(f"{i.id}:{i.status}" for i in invoices)
        ctx.check(len(invoices) == 1, f"customer {customer_id} has {len(invoices)} invoices after recovery ({listing}), expected exactly 1")
        ctx.check(invoices[0].id == opp[spec.invoice_id_field] and invoices[0].status == "open",
                  f"Opportunity holds {opp[spec.invoice_id_field]}, Stripe has {listing}")
        ctx.note("stripe", "Invoice after recovery", invoices[0].id)
        return f"finalize failed -> Sync Log {log['Id']}; after recovery exactly one open invoice {invoices[0].id}"
