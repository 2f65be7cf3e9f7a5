from harness.scenario import Scenario, register
from harness.scenarios._steps import invoiced_opportunity
from harness.targets.base import Capability

# The replacement's steps, in the order the update flow runs them; the void of the old invoice
# comes last (its failure is checked separately below).
STEPS = [
    ("create invoice", "POST", "/v1/invoices"),
    ("add item", "POST", "/v1/invoiceitems"),
    ("finalize", "POST", "/v1/invoices/*/finalize"),
    ("send", "POST", "/v1/invoices/*/send"),
]


@register
class ReissueFailsMidway(Scenario):
    name = "reissue-fails-midway"
    number = 17
    title = "Amount change with Stripe failing at each step"
    description = (
        "An amount change replaces the invoice: create, item, finalize and send the new one, void the old "
        "one last. Stripe fails once at each step in turn: the payer's old invoice stays open, the "
        "Opportunity keeps pointing at it, a Sync Log and the error field say what failed, and Retry "
        "Invoicing then completes the replacement with exactly one open invoice. A failed void leaves the "
        "new invoice on the Opportunity and names the old one to void."
    )
    requires = frozenset({Capability.STRIPE_FAULTS})

    def steps(self, ctx) -> str:
        spec = ctx.spec
        first, changed = spec.amount(), spec.amount(150)
        done = []
        for label, method, path in STEPS:
            inv = invoiced_opportunity(ctx, first)
            since = ctx.org.server_now
            ctx.target.inject_stripe_error(method=method, path=path, message=f"sfpay scenario: {label} fails")
            try:
                ctx.org.update_opportunity(inv.opportunity_id, {"Amount": float(changed)})
                opp = ctx.wait_for(
                    lambda: (o := ctx.org.opportunity(inv.opportunity_id)).get(spec.invoicing_error_field) and o,
                    timeout=ctx.budgets.invoice_seconds,
                    what=f"{label}: the error recorded on {inv.opportunity_id}",
                )
            finally:
                ctx.target.clear_stripe_faults()
            ctx.check(
                opp[spec.invoice_id_field] == inv.invoice_id,
                f"{label} failed, yet the Opportunity moved from {inv.invoice_id} to {opp[spec.invoice_id_field]}",
            )
            ctx.check(
                ctx.stripe_side.invoice(inv.invoice_id).status == "open",
                f"{label} failed and the old invoice {inv.invoice_id} is no longer open",
            )
            ctx.check(
                bool(ctx.org.sync_logs_mentioning(inv.opportunity_id, since)), f"{label} failed without a Sync Log"
            )
            failure = ctx.org.invoicing_failure(inv.opportunity_id)
            ctx.org.retry_invoicing(inv.opportunity_id)
            opp = ctx.wait_for(
                lambda: (o := ctx.org.opportunity(inv.opportunity_id))[spec.invoice_id_field] != inv.invoice_id and o,
                timeout=ctx.budgets.invoice_seconds,
                what=f"{label}: the replacement after the retry",
                failure=failure,
            )
            live = [i for i in ctx.stripe_side.invoices_for_customer(inv.customer_id) if i.status == "open"]
            ctx.check(
                [(i.id, i.amount_due) for i in live]
                == [(opp[spec.invoice_id_field], spec.amount_in_minor_units(changed))],
                f"after the retry ({label}) the open invoices are {[(i.id, i.amount_due) for i in live]}",
            )
            ctx.check(
                ctx.stripe_side.invoice(inv.invoice_id).status == "void",
                f"old invoice {inv.invoice_id} not void after the retry",
            )
            done.append(label)
            ctx.note(
                "stripe", f"{label} failed, then retried", f"{inv.invoice_id} void -> {opp[spec.invoice_id_field]}"
            )

        inv = invoiced_opportunity(ctx, first)
        ctx.target.inject_stripe_error(method="POST", path="/v1/invoices/*/void", message="sfpay scenario: void fails")
        try:
            ctx.org.update_opportunity(inv.opportunity_id, {"Amount": float(changed)})
            opp = ctx.wait_for(
                lambda: (o := ctx.org.opportunity(inv.opportunity_id)).get(spec.invoicing_error_field) and o,
                timeout=ctx.budgets.invoice_seconds,
                what="void: the error recorded",
            )
        finally:
            ctx.target.clear_stripe_faults()
        new = opp[spec.invoice_id_field]
        ctx.check(
            new != inv.invoice_id and ctx.stripe_side.invoice(new).status == "open",
            f"after a failed void the Opportunity holds {new}, expected the open replacement",
        )
        ctx.check(
            inv.invoice_id in opp[spec.invoicing_error_field],
            f"the error {opp[spec.invoicing_error_field]!r} does not name the old invoice {inv.invoice_id}",
        )
        return f"failures at {', '.join(done)} kept the old invoice and retried cleanly; a failed void named {inv.invoice_id}"
