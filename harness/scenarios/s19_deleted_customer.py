from harness.scenario import Scenario, register


@register
class DeletedCustomer(Scenario):
    name = "deleted-customer"
    number = 19
    title = "The Account's Stripe customer was deleted"
    description = (
        "The Account stores the id of a customer deleted in Stripe. The flow retrieves it before invoicing: "
        "with `unusable_customer: recreate` (default) a new customer with the payer's email is created and "
        "stored on the Account, and the invoice is billed to it; with `log`, a Sync Log and no invoice."
    )

    def steps(self, ctx) -> str:
        spec = ctx.spec
        since = ctx.org.server_now
        deleted = ctx.stripe_side.create_customer()
        ctx.stripe_side.delete_customer(deleted)
        account_id = ctx.org.create_account(customer_id=deleted)
        email = ctx.org.payer_address()
        opp_id = ctx.org.create_opportunity(account_id, spec.amount(75), payer_email=email)
        if spec.unusable_customer == "log":
            ctx.wait_for(
                lambda: ctx.org.sync_logs_mentioning(opp_id, since),
                timeout=ctx.budgets.invoice_seconds,
                what=f"a Sync Log for {opp_id}",
            )
            ctx.check(
                not ctx.org.opportunity(opp_id).get(spec.invoice_id_field),
                "an invoice was issued to a deleted customer",
            )
            return f"deleted customer {deleted} logged, no invoice"
        opp = ctx.org.wait_for_invoice(opp_id)
        invoice = ctx.stripe_side.invoice(opp[spec.invoice_id_field])
        stored = ctx.org.account_customer_id(account_id)
        ctx.check(invoice.customer != deleted, f"invoice {invoice.id} bills the deleted customer {deleted}")
        ctx.check(stored == invoice.customer, f"the Account stores {stored}, the invoice bills {invoice.customer}")
        ctx.check(
            invoice.customer_email == email, f"invoice {invoice.id} goes to {invoice.customer_email}, expected {email}"
        )
        return f"deleted customer {deleted} replaced by {invoice.customer}; invoice {invoice.id} to {email}"
