from harness.scenario import Scenario, register
from harness.scenarios._steps import (
    emails_about,
    invoiced_opportunity,
    record_types_in_org,
    reminder_offset_seconds,
    user_emails,
)
from harness.targets.base import Capability


@register
class ReminderUnpaid(Scenario):
    name = "reminder-unpaid"
    number = 10
    title = "Unpaid at the offset: one reminder with the record type's template"
    description = (
        "At the reminder offset (30 days by default), each unpaid Opportunity gets exactly one reminder: "
        "the Profit template for a Profit Opportunity, the Nonprofit template for a Nonprofit one, "
        "sent to the recipients the spec names."
    )
    requires = frozenset({Capability.REMINDER_WAIT, Capability.OUTBOX})

    def steps(self, ctx) -> str:
        spec = ctx.spec
        if not spec.record_types:
            ctx.skip("the spec defines no record types with their own reminder")
        usable = record_types_in_org(ctx)
        if not usable:
            ctx.skip(
                f"the org has none of the spec's record types ({', '.join(rt.developer_name for rt in spec.record_types)}); "
                "record_types.create: false expects the org to have them"
            )
        cases = []
        for step, record_type in enumerate(rt for rt in spec.record_types if rt.developer_name in usable):
            amount = spec.amount(step)
            inv = invoiced_opportunity(ctx, amount, record_type=record_type.developer_name)
            cases.append((record_type, inv, amount))
        ctx.target.reach_reminder_time(reminder_offset_seconds(ctx))
        number, unit = spec.reminder_offsets[0]
        ctx.note("note", "Reminder offset", f"{number} {unit} after {spec.reminder_date_field}")

        for record_type, inv, amount in cases:
            opp = ctx.org.query(
                f"SELECT Id, OwnerId, Account.OwnerId FROM Opportunity WHERE Id = '{inv.opportunity_id}'"
            )[0]
            owners = {"owner": opp["OwnerId"], "accountOwner": (opp.get("Account") or {}).get("OwnerId")}
            emails = user_emails(ctx, [uid for uid in owners.values() if uid])
            expected_to = sorted(
                {emails[owners[t]] for t in record_type.recipient_types if t in owners and owners[t] in emails}
            )
            mails = ctx.wait_for(
                lambda: emails_about(ctx, inv.opportunity_id),
                timeout=ctx.budgets.invoice_seconds,
                what=f"{record_type.developer_name} Opportunity {inv.opportunity_id}: a reminder email",
            )
            ctx.check(
                len(mails) == 1,
                f"{record_type.developer_name} Opportunity {inv.opportunity_id} got {len(mails)} reminders, expected exactly 1",
            )
            mail = mails[0]
            ctx.check(
                mail["template"] == record_type.email_template,
                f"{record_type.developer_name} Opportunity got template {mail['template']!r}, expected {record_type.email_template!r}",
            )
            if record_type.shows_amount and "body" in mail:
                # In the payer's terms: "JPY 5,000", never "5,000.00" for yen.
                shown = spec.money(amount)
                ctx.check(
                    shown in mail["body"],
                    f"{record_type.developer_name} reminder does not show the invoiced amount as {shown!r}: "
                    f"{mail['body']!r}",
                )
            to = sorted(mail["to"])
            ctx.check(
                set(expected_to) <= set(to),
                f"{record_type.developer_name} reminder went to {to}, expected {expected_to}",
            )
            ctx.note(
                "email",
                f"{record_type.developer_name} reminder",
                f"{mail['template']} to {', '.join(to)}: {mail['subject']}",
            )
        names = ", ".join(f"{rt.developer_name}->{rt.email_template}" for rt, _, _ in cases)
        return f"one reminder each at {number} {unit}: {names}"
