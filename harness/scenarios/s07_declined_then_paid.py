from harness.scenario import Scenario, register
from harness.scenarios._steps import invoiced_opportunity, pay_and_wait


@register
class DeclinedThenPaid(Scenario):
    name = "declined-then-paid"
    number = 7
    title = "Declined card: Failed; paid later: Paid"
    description = (
        "pm_card_chargeDeclined sets Failed (the invoice stays open); a later payment with pm_card_visa sets Paid."
    )

    def steps(self, ctx) -> str:
        spec = ctx.spec
        if not spec.status_failed:
            ctx.skip(
                "the spec maps no status to invoice.payment_failed (events:), so a declined card changes nothing to check"
            )
        inv = invoiced_opportunity(ctx)
        pay_and_wait(
            ctx, inv, "pm_card_chargeDeclined", spec.status_failed, "declined payment -> Failed", card_succeeds=False
        )
        invoice = ctx.stripe_side.invoice(inv.invoice_id)
        ctx.check(
            invoice.status == "open",
            f"after the declined card, invoice {invoice.id} is {invoice.status}, expected still open",
        )
        opp, _ = pay_and_wait(ctx, inv, "pm_card_visa", spec.status_paid, "second payment -> Paid")
        ctx.check(
            opp["StageName"] == spec.won_stage, f"Paid but stage {opp['StageName']!r}, expected {spec.won_stage!r}"
        )
        return f"{inv.invoice_id}: {spec.status_open} -> {spec.status_failed} (card_declined) -> {spec.status_paid}"
