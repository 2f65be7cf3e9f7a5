from harness.scenario import Scenario, register
from harness.scenarios._steps import invoiced_opportunity


@register
class InvoiceOnCreate(Scenario):
    name = "invoice-on-create"
    number = 1
    title = "Invoice on create"
    description = (
        "An eligible Opportunity gets its Stripe invoice id and hosted URL; Stripe holds exactly one "
        "invoice for it with the right amount, currency and customer."
    )

    def steps(self, ctx) -> str:
        spec = ctx.spec
        amount = spec.amount(150)  # off the minimum, so it differs from the other scenarios' amounts
        inv = invoiced_opportunity(ctx, amount)
        url = inv.opportunity.get(spec.invoice_url_field) or ""
        ctx.check(
            url.startswith(("https://", "http://")),
            f"{spec.invoice_url_field} is {url!r}, expected the hosted invoice URL",
        )
        ctx.check(
            inv.customer_id is not None, f"Account {inv.account_id} has no {spec.customer_id_field} after invoicing"
        )
        ctx.note("stripe", "Customer", inv.customer_id)
        invoices = ctx.stripe_side.invoices_for_customer(inv.customer_id)
        ctx.check(
            len(invoices) == 1,
            f"Stripe has {len(invoices)} invoices for customer {inv.customer_id}, expected exactly 1: "
            + ", ".join(i.id for i in invoices),
        )
        invoice = invoices[0]
        expected_minor = spec.amount_in_minor_units(amount)
        ctx.check(
            invoice.id == inv.invoice_id,
            f"Opportunity points at {inv.invoice_id} but the customer's invoice is {invoice.id}",
        )
        ctx.check(
            invoice.amount_due == expected_minor,
            f"invoice {invoice.id} amount_due is {invoice.amount_due}, expected {expected_minor} ({spec.money(amount)})",
        )
        ctx.check(
            invoice.currency == spec.currency,
            f"invoice {invoice.id} currency is {invoice.currency}, expected {spec.currency}",
        )
        ctx.check(invoice.status == "open", f"invoice {invoice.id} is {invoice.status}, expected open (finalized)")
        ctx.check(
            invoice.hosted_invoice_url == url,
            f"Opportunity URL {url} differs from Stripe's hosted_invoice_url {invoice.hosted_invoice_url}",
        )
        status = inv.opportunity.get(spec.status_field)
        ctx.check(status == spec.status_open, f"{spec.status_field} is {status!r}, expected {spec.status_open!r}")
        ctx.note(
            "stripe",
            "Invoice amount",
            f"{spec.money_minor(invoice.amount_due)} "
            f"(amount_due {invoice.amount_due} {invoice.currency}, smallest unit; open)",
        )
        return f"one open invoice {invoice.id} for {spec.money(amount)} billed to {inv.customer_id}; id and URL on the Opportunity"
