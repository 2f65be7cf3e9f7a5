import json

from harness.drivers.webhook_post import post_event, signature_header
from harness.scenario import Scenario, register
from harness.scenarios._steps import invoiced_opportunity
from harness.targets.base import Capability

# Over the Stripe Event record's body field (stripeGC__Request_Body__c, 131,072 characters).
OVERSIZE = 140_000


@register
class OversizeEvent(Scenario):
    name = "oversize-event"
    number = 18
    title = "An event too large to store is never acknowledged"
    description = (
        "A genuine invoice.paid delivery padded beyond what the Stripe Event record can hold is answered "
        "with an error (so Stripe retries it) and stores nothing. The payment is not lost: the normal "
        "deliveries make the event flow re-read the invoice from Stripe and set Paid."
    )
    requires = frozenset({Capability.WEBHOOK_POST, Capability.STRIPE_FAULTS})

    def steps(self, ctx) -> str:
        spec = ctx.spec
        webhook = ctx.connection.webhook
        if not webhook or not webhook.secret:
            ctx.fail("the webhook signing secret is needed to post a genuine delivery")
        since = ctx.org.server_now
        inv = invoiced_opportunity(ctx)
        ctx.target.hold_stripe_deliveries()
        try:
            succeeded, detail = ctx.stripe_side.pay(inv.invoice_id, "pm_card_visa")
            ctx.check(succeeded, f"paying {inv.invoice_id} failed: {detail}")
            events = [
                e
                for e in ctx.stripe.v1.events.list({"type": "invoice.paid", "limit": 20}).data
                if e.data.object.id == inv.invoice_id
            ]
            ctx.check(len(events) == 1, f"expected one invoice.paid event for {inv.invoice_id}, found {len(events)}")
            event = events[0].to_dict()
            event["data"]["object"]["description"] = "x" * OVERSIZE
            payload = json.dumps(event, default=str).encode()
            status = post_event(
                webhook,
                payload,
                signature=signature_header(payload, webhook.secret),
                tls_verify=ctx.connection.tls_verify,
            )
            ctx.note("note", f"oversize delivery ({len(payload):,} bytes)", f"HTTP {status}")
            ctx.check(
                not 200 <= status < 300,
                f"the listener answered {status} to an event it cannot store; Stripe would not retry it",
            )
            ctx.check(
                not ctx.org.stripe_events_mentioning(inv.invoice_id, since),
                f"a Stripe Event record was stored for the oversize delivery of {inv.invoice_id}",
            )
        finally:
            ctx.target.release_stripe_deliveries()
        opp = ctx.org.wait_for_status(
            inv.opportunity_id,
            spec.status_paid,
            before=inv.opportunity.get(spec.status_field),
            timing="normal deliveries -> Paid",
        )
        return f"oversize delivery answered {status}, nothing stored; {inv.opportunity_id} {opp[spec.status_field]} from the normal deliveries"
