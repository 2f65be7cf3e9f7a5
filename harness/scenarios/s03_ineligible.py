import datetime as dt
from decimal import Decimal

from harness.scenario import Scenario, register
from harness.scenarios._steps import ineligible_stage


@register
class Ineligible(Scenario):
    name = "ineligible-no-invoice"
    number = 3
    title = "Ineligible stage or zero amount: nothing happens"
    description = (
        "An Opportunity in a stage outside the gate, with a zero amount, or just under the spec's minimum "
        "amount gets no invoice, no customer and no error log."
    )

    def steps(self, ctx) -> str:
        spec = ctx.spec
        stage = ineligible_stage(ctx)
        since = ctx.org.server_now - dt.timedelta(seconds=5)
        cases = {
            f"stage {stage}": (spec.amount(), stage),
            "amount 0": (Decimal("0"), ctx.org.eligible_stage()),
        }
        if spec.below_minimum() > 0:
            cases[
                f"amount {spec.money(spec.below_minimum())} (under the minimum {spec.money(spec.minimum_amount)})"
            ] = (spec.below_minimum(), ctx.org.eligible_stage())
        created = {}
        for label, (amount, stage) in cases.items():
            account_id = ctx.org.create_account()
            created[label] = (account_id, ctx.org.create_opportunity(account_id, amount, stage=stage))

        def anything_happened():
            for label, (account_id, opp_id) in created.items():
                opp = ctx.org.opportunity(opp_id)
                if opp.get(spec.invoice_id_field):
                    return f"{label}: Opportunity {opp_id} got invoice {opp[spec.invoice_id_field]}"
                if ctx.org.account_customer_id(account_id):
                    return f"{label}: Account {account_id} got a Stripe customer"
                logs = ctx.org.sync_logs_mentioning(opp_id, since)
                if logs:
                    return f"{label}: Sync Log {logs[0]['Id']} written for Opportunity {opp_id}"
            return None

        ctx.hold(anything_happened, what="the gate let an ineligible Opportunity through")
        return f"no invoice, no customer, no Sync Log for {', '.join(created)} while watched (see timings)"
