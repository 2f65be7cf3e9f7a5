from harness.scenario import Scenario, register
from harness.scenarios._steps import invoiced_opportunity


@register
class CustomerReuse(Scenario):
    name = "customer-reuse"
    number = 2
    title = "Stripe customer reused or created"
    description = (
        "An Account that already has a Stripe customer id is billed to that customer; an Account "
        "without one gets a new customer whose id is stored on the Account."
    )

    def steps(self, ctx) -> str:
        spec = ctx.spec
        existing = ctx.stripe_side.create_customer()
        reused = invoiced_opportunity(ctx, customer_id=existing)
        invoice = ctx.stripe_side.invoice(reused.invoice_id)
        ctx.check(
            invoice.customer == existing,
            f"Account {reused.account_id} has customer {existing}, but invoice {invoice.id} bills {invoice.customer}",
        )
        ctx.check(
            reused.customer_id == existing,
            f"{spec.customer_id_field} on Account {reused.account_id} changed from {existing} to {reused.customer_id}",
        )

        fresh = invoiced_opportunity(ctx)
        ctx.check(
            bool(fresh.customer_id),
            f"Account {fresh.account_id} has no {spec.customer_id_field} after its first invoice",
        )
        ctx.check(fresh.customer_id != existing, "a new Account was billed to another Account's customer")
        customer = ctx.stripe.v1.customers.retrieve(fresh.customer_id)
        ctx.note("stripe", "Customer (created by the flow)", customer.id)
        invoice = ctx.stripe_side.invoice(fresh.invoice_id)
        ctx.check(
            invoice.customer == customer.id,
            f"invoice {invoice.id} bills {invoice.customer}, the Account stores {customer.id}",
        )
        return f"existing customer {existing} reused; new customer {customer.id} created and stored on Account {fresh.account_id}"
