import collections

from harness.drivers.webhook_post import replay
from harness.scenario import Scenario, register
from harness.scenarios._steps import invoiced_opportunity, pay_and_wait
from harness.targets.base import Capability


@register
class DuplicateOutOfOrder(Scenario):
    name = "duplicate-out-of-order-webhooks"
    number = 8
    title = "Duplicate and out-of-order deliveries"
    description = (
        "Stripe delivers at least once and in no particular order. After Failed then Paid, every event "
        "is delivered again, newest first, and the late payment_failed once more: Paid stays Paid and "
        "each event is recorded once."
    )
    requires = frozenset({Capability.WEBHOOK_POST})

    def steps(self, ctx) -> str:
        spec = ctx.spec
        if not spec.status_failed:
            ctx.skip(
                "the spec maps no status to invoice.payment_failed (events:), so a declined card changes nothing to check"
            )
        since = ctx.org.server_now
        inv = invoiced_opportunity(ctx)
        pay_and_wait(
            ctx, inv, "pm_card_chargeDeclined", spec.status_failed, "declined payment -> Failed", card_succeeds=False
        )
        pay_and_wait(ctx, inv, "pm_card_visa", spec.status_paid, "payment -> Paid")
        created = ctx.stripe_side.invoice(inv.invoice_id).created
        events = ctx.stripe_side.events_for(inv.invoice_id, set(spec.webhook_events), since=created - 1)
        ctx.check(bool(events), f"Stripe lists no {', '.join(spec.webhook_events)} events for {inv.invoice_id}")
        failed = [e for e in events if e["type"] == "invoice.payment_failed"]
        redeliveries = list(reversed(events)) + failed  # newest first, then the stale failure again
        for event in redeliveries:
            status = replay(ctx.connection.webhook, event, tls_verify=ctx.connection.tls_verify)
            ctx.check(
                200 <= status < 300,
                f"the listener answered {status} to a genuine, correctly signed re-delivery of {event['id']} ({event['type']})",
            )
        ctx.note("stripe", "Re-delivered events", ", ".join(f"{e['type']}:{e['id']}" for e in redeliveries))

        expected = collections.Counter(e["type"] for e in events)

        def problem():
            opp = ctx.org.opportunity(inv.opportunity_id)
            if opp.get(spec.status_field) != spec.status_paid:
                return f"{spec.status_field} went from Paid to {opp.get(spec.status_field)!r}"
            recorded = collections.Counter(
                r[f"{spec.namespace}__Event_Name__c"] for r in ctx.org.stripe_events_mentioning(inv.invoice_id, since)
            )
            extra = {name: count for name, count in recorded.items() if count > expected.get(name, 0)}
            if extra:
                return f"events recorded more than once: {extra} (Stripe sent {dict(expected)})"
            return None

        ctx.hold(problem, what="a re-delivery changed the outcome")
        recorded = collections.Counter(
            r[f"{spec.namespace}__Event_Name__c"] for r in ctx.org.stripe_events_mentioning(inv.invoice_id, since)
        )
        ctx.check(
            recorded == expected, f"Stripe Event records {dict(recorded)}, expected one per event {dict(expected)}"
        )
        # Where the org keeps the event id in Name (orgsim does), check per id as well.
        names = collections.Counter(r["Name"] for r in ctx.org.stripe_events_mentioning(inv.invoice_id, since))
        repeated = {name: n for name, n in names.items() if name.startswith("evt_") and n > 1}
        ctx.check(not repeated, f"event ids recorded more than once: {repeated}")
        ctx.note("salesforce", "Stripe Event records", ", ".join(f"{k} x{v}" for k, v in sorted(recorded.items())))
        return f"{len(redeliveries)} re-deliveries (newest first, late payment_failed) left {spec.status_paid}; {sum(recorded.values())} events recorded once each"
