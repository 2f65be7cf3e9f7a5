import json
import secrets
import time

from harness.drivers.webhook_post import post_event, signature_header
from harness.scenario import Scenario, register
from harness.scenarios._steps import invoiced_opportunity
from harness.targets.base import Capability

STALE_SECONDS = 600  # twice Stripe's default tolerance of 300 s


@register
class ForgedStaleWebhook(Scenario):
    name = "forged-stale-webhook"
    number = 9
    title = "Forged or stale webhook: rejected, nothing changes"
    description = (
        "An invoice.paid delivery signed with the wrong secret, one without a signature, and one with "
        "a correct signature 10 minutes old are rejected; the Opportunity stays unpaid and no Stripe "
        "Event record is created."
    )
    requires = frozenset({Capability.WEBHOOK_POST})

    def steps(self, ctx) -> str:
        spec = ctx.spec
        since = ctx.org.server_now
        inv = invoiced_opportunity(ctx)
        invoice = ctx.stripe_side.invoice(inv.invoice_id).to_dict(for_json=True)
        invoice.update(status="paid", amount_paid=invoice["amount_due"], amount_remaining=0)
        event = {
            "id": f"evt_sfpayforged{secrets.token_hex(8)}",
            "object": "event",
            "api_version": spec.stripe_api_version,
            "created": int(ctx.target.now()),
            "livemode": False,
            "pending_webhooks": 1,
            "type": "invoice.paid",
            "request": {"id": None, "idempotency_key": None},
            "data": {"object": invoice},
        }
        payload = json.dumps(event).encode()
        webhook = ctx.connection.webhook
        now = int(time.time())  # the listener checks signatures against the wall clock
        attempts = {
            "signed with a wrong secret": signature_header(payload, "whsec_" + secrets.token_hex(16), now),
            "without a signature": None,
        }
        if webhook.secret:
            attempts[f"correctly signed {STALE_SECONDS} s ago"] = signature_header(
                payload, webhook.secret, now - STALE_SECONDS
            )
        for label, signature in attempts.items():
            status = post_event(webhook, payload, signature=signature, tls_verify=ctx.connection.tls_verify)
            ctx.note("note", f"delivery {label}", f"HTTP {status}")
            ctx.check(
                400 <= status < 500, f"the listener answered {status} to a delivery {label}; expected a 4xx rejection"
            )

        def changed():
            opp = ctx.org.opportunity(inv.opportunity_id)
            if opp.get(spec.status_field) != inv.opportunity.get(spec.status_field):
                return f"{spec.status_field} changed to {opp.get(spec.status_field)!r}"
            records = ctx.org.stripe_events_mentioning(inv.invoice_id, since)
            if records:
                return f"Stripe Event record {records[0]['Id']} created"
            return None

        ctx.hold(changed, what="a rejected delivery still had an effect")
        return f"{len(attempts)} forged/stale deliveries rejected with 4xx; {inv.opportunity_id} unchanged, no Stripe Event record"
