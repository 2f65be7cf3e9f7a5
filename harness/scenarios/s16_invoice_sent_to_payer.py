from harness.scenario import Scenario, register
from harness.scenarios._steps import emails_about, reminder_offset_seconds
from harness.targets.base import Capability


@register
class InvoiceSentToPayer(Scenario):
    name = "invoice-sent-to-payer"
    number = 16
    title = "The payer receives the Stripe invoice and the reminder"
    description = ("The invoice is sent by Stripe to the primary contact's email, the Opportunity records that address, "
                   "and the unpaid reminder goes to the payer with the owner in copy.")
    requires = frozenset({Capability.STRIPE_EMAILS, Capability.OUTBOX, Capability.REMINDER_WAIT})

    def steps(self, ctx) -> str:
        spec = ctx.spec
        if not spec.sends_invoice:
            ctx.skip("the spec does not have Stripe send invoices (invoicing.send_invoice false or charge_automatically)")
        email = ctx.org.payer_address()
        account_id = ctx.org.create_account()
        opp_id = ctx.org.create_opportunity(account_id, spec.amount(10), payer_email=email)
        opp = ctx.org.wait_for_invoice(opp_id)
        invoice_id = opp[spec.invoice_id_field]
        ctx.check(opp.get(spec.payer_email_field) == email, f"{spec.payer_email_field} is {opp.get(spec.payer_email_field)!r}, expected {email}")
        sent = ctx.wait_for(lambda: ctx.target.sent_invoice_emails(invoice=invoice_id), timeout=ctx.budgets.invoice_seconds,
                            what=f"Stripe's email for invoice {invoice_id}")
        ctx.check([m["to"] for m in sent] == [email], f"Stripe sent invoice {invoice_id} to {[m['to'] for m in sent]}, expected [{email}]")
        ctx.note("email", "Stripe invoice email", f"{invoice_id} to {email}")

        ctx.target.reach_reminder_time(reminder_offset_seconds(ctx))
        mails = ctx.wait_for(lambda: emails_about(ctx, opp_id), timeout=ctx.budgets.invoice_seconds,
                             what=f"the reminder for {opp_id}")
        ctx.check(len(mails) == 1, f"{len(mails)} reminders for {opp_id}, expected 1")
        to = set(mails[0]["to"])
        ctx.check(email in to, f"the reminder went to {sorted(to)}, not to the payer {email}")
        ctx.note("email", "Reminder", f"to {', '.join(sorted(to))}")
        return f"Stripe emailed {invoice_id} to {email}; the reminder reached {', '.join(sorted(to))}"
