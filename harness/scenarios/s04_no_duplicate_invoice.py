from harness.scenario import Scenario, register
from harness.scenarios._steps import invoiced_opportunity


@register
class NoDuplicateInvoice(Scenario):
    name = "no-duplicate-invoice"
    number = 4
    title = "Unrelated edits and the flows' own writeback: still one invoice"
    description = (
        "The update flow must ignore the invoice-id writeback and edits that do not matter "
        "(description, next step, close date): Stripe still holds exactly one invoice."
    )

    def steps(self, ctx) -> str:
        spec = ctx.spec
        inv = invoiced_opportunity(ctx)
        edits = [
            {"Description": "edited by sfpay verify"},
            {"NextStep": "call the treasurer"},
            {"Description": "edited again", "NextStep": "wait for payment"},
        ]
        for values in edits:
            ctx.org.update_opportunity(inv.opportunity_id, values)
        ctx.note("salesforce", "Unrelated edits", ", ".join(sorted({k for e in edits for k in e})))

        def duplicate():
            opp = ctx.org.opportunity(inv.opportunity_id)
            if opp.get(spec.invoice_id_field) != inv.invoice_id:
                return f"Opportunity now points at {opp.get(spec.invoice_id_field)}"
            invoices = ctx.stripe_side.invoices_for_customer(inv.customer_id)
            if len(invoices) != 1:
                return f"{len(invoices)} invoices for {inv.customer_id}: {', '.join(i.id for i in invoices)}"
            return None

        ctx.hold(duplicate, what="an edit produced another invoice")
        return f"one invoice {inv.invoice_id} after the writeback and {len(edits)} unrelated edits"
