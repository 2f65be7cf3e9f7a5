from harness.scenario import Scenario, register
from harness.scenarios._steps import invoiced_opportunity, pay_and_wait


@register
class PaidVisa(Scenario):
    name = "paid-card-visa"
    number = 6
    title = "Paid with pm_card_visa: Paid and won"
    description = "Paying the invoice with Stripe's succeeding test card turns the status to Paid within the time budget, and the Opportunity to the won stage."

    def steps(self, ctx) -> str:
        spec = ctx.spec
        inv = invoiced_opportunity(ctx)
        opp, latency = pay_and_wait(ctx, inv, "pm_card_visa", spec.status_paid, "payment -> Paid on the Opportunity")
        ctx.check(
            opp["StageName"] == spec.won_stage,
            f"status is Paid but the stage is {opp['StageName']!r}, expected {spec.won_stage!r}",
        )
        ctx.transition(inv.opportunity_id, "StageName", inv.opportunity["StageName"], opp["StageName"])
        return f"{inv.invoice_id} paid; Opportunity Paid after {latency:.2f} s (budget {ctx.budgets.paid_seconds:g} s) and {spec.won_stage}"
