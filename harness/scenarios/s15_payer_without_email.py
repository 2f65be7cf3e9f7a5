from harness.scenario import Scenario, register


@register
class PayerWithoutEmail(Scenario):
    name = "payer-without-email"
    number = 15
    title = "No payer email: nothing sent to Stripe, then a clean retry"
    description = (
        "An Opportunity whose primary contact has no email: no Stripe customer or invoice is created, a "
        "Sync Log says what to fix and the error shows on the record. Once the contact has an email and "
        "Retry Invoicing is checked, exactly one invoice is issued, to that address."
    )

    def steps(self, ctx) -> str:
        spec = ctx.spec
        since = ctx.org.server_now
        account_id = ctx.org.create_account()
        opp_id = ctx.org.create_opportunity(account_id, spec.amount(20), payer_email=None)
        contact_id = ctx.org.add_payer(opp_id, account_id, None)
        opp = ctx.wait_for(
            lambda: (o := ctx.org.opportunity(opp_id)).get(spec.invoicing_error_field) and o,
            timeout=ctx.budgets.invoice_seconds,
            what=f"{opp_id}: an invoicing error recorded",
        )
        logs = ctx.org.sync_logs_mentioning(opp_id, since)
        ctx.check(
            bool(logs) and "email" in (logs[-1].get(f"{spec.namespace}__Message__c") or "").lower(),
            f"no Sync Log about the missing email for {opp_id}: {logs}",
        )
        ctx.check(
            not opp.get(spec.invoice_id_field),
            f"{opp_id} got invoice {opp.get(spec.invoice_id_field)} without a payer email",
        )
        ctx.check(not ctx.org.account_customer_id(account_id), "a Stripe customer was created without an email")
        ctx.note("salesforce", "Error shown", opp[spec.invoicing_error_field])

        email = ctx.org.payer_address()
        ctx.org.sf.Contact.update(contact_id, {"Email": email})
        ctx.org.retry_invoicing(opp_id)
        opp = ctx.org.wait_for_invoice(opp_id, timing="retry -> invoice id written back")
        invoice = ctx.stripe_side.invoice(opp[spec.invoice_id_field])
        ctx.check(
            invoice.customer_email == email, f"invoice {invoice.id} goes to {invoice.customer_email}, expected {email}"
        )
        ctx.check(
            opp.get(spec.payer_email_field) == email, f"{spec.payer_email_field} is {opp.get(spec.payer_email_field)}"
        )
        customer = ctx.org.account_customer_id(account_id)
        ctx.check(
            len(ctx.stripe_side.invoices_for_customer(customer)) == 1, f"customer {customer} has more than one invoice"
        )
        return f"stopped before Stripe with a Sync Log; after the fix one invoice {invoice.id} to {email}"
