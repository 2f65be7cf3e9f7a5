from harness.scenario import Scenario, register
from harness.scenarios._steps import invoiced_opportunity


@register
class AmountChange(Scenario):
    name = "amount-change-reissue"
    number = 5
    title = "Amount change while open: void and reissue"
    description = "Changing the amount of an Opportunity whose invoice is open voids that invoice and issues a new one; the Opportunity points at the new one."

    def steps(self, ctx) -> str:
        spec = ctx.spec
        inv = invoiced_opportunity(ctx, spec.amount())
        new_amount = spec.amount(50)
        failure = ctx.org.invoicing_failure(inv.opportunity_id)
        ctx.org.update_opportunity(inv.opportunity_id, {"Amount": float(new_amount)})

        def reissued():
            opp = ctx.org.opportunity(inv.opportunity_id)
            current = opp.get(spec.invoice_id_field)
            return opp if current and current != inv.invoice_id else None

        opp = ctx.wait_for(
            reissued,
            timeout=ctx.budgets.invoice_seconds,
            what=f"Opportunity {inv.opportunity_id} pointing at a new invoice after the amount change",
            timing="amount changed -> new invoice id written back",
            failure=failure,
        )
        new_id = opp[spec.invoice_id_field]
        ctx.transition(inv.opportunity_id, spec.invoice_id_field, inv.invoice_id, new_id)
        ctx.note("stripe", "Replacement invoice", new_id)
        old = ctx.stripe_side.invoice(inv.invoice_id)
        new = ctx.stripe_side.invoice(new_id)
        ctx.check(old.status == "void", f"old invoice {old.id} is {old.status}, expected void")
        ctx.check(new.status == "open", f"new invoice {new.id} is {new.status}, expected open")
        expected = spec.amount_in_minor_units(new_amount)
        ctx.check(
            new.amount_due == expected,
            f"new invoice {new.id} amount_due {new.amount_due} ({spec.money_minor(new.amount_due)}), "
            f"expected {expected} ({spec.money(new_amount)})",
        )
        ctx.check(
            opp.get(spec.invoice_url_field) == new.hosted_invoice_url,
            f"{spec.invoice_url_field} still points at {opp.get(spec.invoice_url_field)}, not the new invoice's page",
        )
        invoices = ctx.stripe_side.invoices_for_customer(inv.customer_id)
        statuses = sorted(f"{i.id}:{i.status}" for i in invoices)
        ctx.check(
            len(invoices) == 2,
            f"customer {inv.customer_id} has {len(invoices)} invoices ({', '.join(statuses)}), expected the void one and its replacement",
        )
        return f"{old.id} voided, {new.id} issued for {spec.money(new_amount)}; Opportunity points at {new.id}"
