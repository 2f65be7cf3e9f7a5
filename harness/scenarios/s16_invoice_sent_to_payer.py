from harness.scenario import Scenario, register
from harness.scenarios._steps import emails_about, record_types_in_org, reminder_offset_seconds
from harness.targets.base import Capability


@register
class InvoiceSentToPayer(Scenario):
    name = "invoice-sent-to-payer"
    number = 16
    title = "The payer receives the Stripe invoice and the reminder"
    description = (
        "The invoice is sent by Stripe to the primary contact's email, the Opportunity records that address, "
        "and the unpaid reminder goes to the payer with the owner in copy."
    )
    requires = frozenset({Capability.STRIPE_EMAILS, Capability.OUTBOX, Capability.REMINDER_WAIT})

    def steps(self, ctx) -> str:
        spec = ctx.spec
        if not spec.sends_invoice:
            ctx.skip(
                "the spec does not have Stripe send invoices (invoicing.send_invoice false or charge_automatically)"
            )
        # The reminder that applies: a record type whose reminder goes to the payer if the org has
        # one, else the fallback reminder (no record type).
        usable = record_types_in_org(ctx)
        to_payer = [rt for rt in spec.record_types if rt.developer_name in usable and "payer" in rt.recipient_types]
        reminder = to_payer[0] if to_payer else spec.fallback_reminder
        email = ctx.org.payer_address()
        account_id = ctx.org.create_account()
        opp_id = ctx.org.create_opportunity(
            account_id, spec.amount(10), payer_email=email, record_type=reminder.developer_name or None
        )
        opp = ctx.org.wait_for_invoice(opp_id)
        invoice_id = opp[spec.invoice_id_field]
        ctx.check(
            opp.get(spec.payer_email_field) == email,
            f"{spec.payer_email_field} is {opp.get(spec.payer_email_field)!r}, expected {email}",
        )
        sent = ctx.wait_for(
            lambda: ctx.target.sent_invoice_emails(invoice=invoice_id),
            timeout=ctx.budgets.invoice_seconds,
            what=f"Stripe's email for invoice {invoice_id}",
        )
        ctx.check(
            [m["to"] for m in sent] == [email],
            f"Stripe sent invoice {invoice_id} to {[m['to'] for m in sent]}, expected [{email}]",
        )
        ctx.note("email", "Stripe invoice email", f"{invoice_id} to {email}")

        ctx.target.reach_reminder_time(reminder_offset_seconds(ctx))
        mails = ctx.wait_for(
            lambda: emails_about(ctx, opp_id), timeout=ctx.budgets.invoice_seconds, what=f"the reminder for {opp_id}"
        )
        ctx.check(len(mails) == 1, f"{len(mails)} reminders for {opp_id}, expected 1")
        to = set(mails[0]["to"])
        ctx.note("email", "Reminder", f"{mails[0]['template']} to {', '.join(sorted(to))}")
        ctx.check(
            mails[0]["template"] == reminder.email_template,
            f"the reminder used template {mails[0]['template']!r}, expected {reminder.email_template!r}",
        )
        if "payer" not in reminder.recipient_types:
            return (
                f"Stripe emailed {invoice_id} to {email}; the spec's reminder {reminder.email_template} goes to "
                f"{', '.join(reminder.recipient_types)}, not the payer: it reached {', '.join(sorted(to))}"
            )
        ctx.check(email in to, f"the reminder went to {sorted(to)}, not to the payer {email}")
        return f"Stripe emailed {invoice_id} to {email}; the reminder reached {', '.join(sorted(to))}"
