from harness.scenario import Scenario, register
from harness.scenarios._steps import (
    emails_about,
    invoiced_opportunity,
    pay_and_wait,
    record_types_in_org,
    reminder_offset_seconds,
)
from harness.targets.base import Capability


@register
class NoReminderWhenPaid(Scenario):
    name = "no-reminder-when-paid"
    number = 11
    title = "Paid before the offset: no reminder"
    description = (
        "An Opportunity whose invoice is paid before the reminder offset gets no reminder when the offset passes."
    )
    requires = frozenset({Capability.REMINDER_WAIT, Capability.OUTBOX})

    def steps(self, ctx) -> str:
        spec = ctx.spec
        usable = record_types_in_org(ctx)
        record_type = usable[0] if usable else None  # none: the fallback reminder's case
        inv = invoiced_opportunity(ctx, record_type=record_type)
        pay_and_wait(ctx, inv, "pm_card_visa", spec.status_paid, "payment -> Paid")
        ctx.target.reach_reminder_time(reminder_offset_seconds(ctx))
        ctx.hold(
            lambda: emails_about(ctx, inv.opportunity_id),
            what=f"a reminder was sent for paid Opportunity {inv.opportunity_id}",
        )
        number, unit = spec.reminder_offsets[0]
        return f"{inv.opportunity_id} paid, {number} {unit} passed, no reminder sent"
