"""The Stripe webhook listener (the connector's listener URL in a real org).

Every delivery is verified with the endpoint secret through the stripe SDK (`Stripe-Signature`,
300 s tolerance) before the event reaches the core's intake; anything unsigned, forged, stale
or malformed gets 400 and nothing is stored. Duplicates (Stripe delivers at least once) are
the intake's business: it keeps one Stripe Event record per event id.

Never a 2xx for an event that was not stored (issue 12 defect 6, issue 14 #8): Stripe treats a
2xx as delivered and retries only deliveries that do not get one (https://docs.stripe.com/webhooks:
retries with exponential backoff, up to three days in live mode). When the org cannot store a
verified event (its body does not fit stripeGC__Request_Body__c, a flow on the event record
fails the save, ...) the listener answers 500 with a JSON error naming the cause, so Stripe
delivers it again. The real connector's listener response for this case is not documented; 500
is chosen because the failure is the receiver's, not the sender's (a 4xx would say Stripe sent
a bad request), and any non-2xx makes Stripe retry.
"""

from __future__ import annotations

import logging
import time

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from orgsim.server.context import ServerContext
from orgsim.server.json_input import JsonInputError
from orgsim.server.json_input import parse as parse_json

log = logging.getLogger("orgsim.server.webhook")


def _reject(reason: str) -> JSONResponse:
    # The reason names what was wrong, never the secret or the signature values.
    return JSONResponse({"error": {"message": reason}}, status_code=400)


def routes(ctx: ServerContext, gate) -> list[Route]:
    import stripe

    async def listener(request: Request) -> JSONResponse:
        secret = ctx.config.webhook_secret
        if not secret:
            return JSONResponse(
                {"error": {"message": "no webhook signing secret is configured for this listener"}}, status_code=503
            )
        payload = await request.body()
        signature = request.headers.get("stripe-signature")
        if not signature:
            return _reject("missing Stripe-Signature header")
        try:
            # The signature only; the payload is parsed below by the server's bounded JSON
            # reader (construct_event would json.loads it unbounded: a deep signed payload was
            # a RecursionError, issue 14 #12).
            stripe.WebhookSignature.verify_header(payload, signature, secret, tolerance=ctx.config.webhook_tolerance)
        except stripe.SignatureVerificationError as exc:
            return _reject(f"signature verification failed: {exc.user_message or 'invalid signature'}")
        except (ValueError, TypeError, AttributeError, KeyError):
            # Not text the SDK can check (a payload that is not UTF-8, ...).
            return _reject("payload is not a valid Stripe event JSON object")
        if _timestamp(signature) > time.time() + ctx.config.webhook_tolerance:
            # The SDK only bounds the past; a signature dated far ahead could be replayed for
            # longer than the tolerance, so it is refused as well.
            return _reject("signature verification failed: timestamp is too far in the future")
        try:
            event = parse_json(payload)
        except JsonInputError as exc:
            return _reject(f"payload is not a valid Stripe event JSON object: {exc}")
        if (
            not isinstance(event, dict)
            or not isinstance(event.get("id"), str)
            or not isinstance(event.get("type"), str)
            or not isinstance(event.get("data"), dict)
            or not isinstance(event["data"].get("object"), dict)
        ):
            return _reject("payload is not a Stripe event (needs id, type and data.object)")
        from orgsim.errors import OrgError

        # With a due-work runner (a long-running server) the answer goes out once the event
        # record is committed; the async paths it queued run right after on the runner, not
        # before the 200 (issue 17 #5). Without one, the save runs them inline as before.
        runner = ctx.due_work
        try:
            result, due = await ctx.gateway.call(_store, ctx.org, event, inline=runner is None)
        except OrgError as exc:
            return _reject(f"event refused by the org: {exc}")
        if due and runner is not None:
            runner.wake()
        if isinstance(result, dict) and result.get("success") is False:
            log.warning("stripe event %s (%s) not stored: %s", event["id"], event["type"], result.get("errors"))
            return _not_stored(event["id"], result.get("errors") or [])
        log.debug("stripe event %s (%s) taken in", event["id"], event["type"])
        return JSONResponse({"received": True, **_describe_intake(result)})

    return [Route(ctx.config.webhook_path, listener, methods=["POST"])]


def _store(org, event: dict, *, inline: bool) -> tuple[object, bool]:
    """On the org thread: the intake's result, and whether due work is waiting for the runner
    (an async path the event queued; the generated event flow's scheduled path is not due yet,
    so most deliveries cost the runner nothing)."""
    result = org.intake_stripe_event(event, run_due=inline)
    return result, not inline and org.has_due_work()


def _not_stored(event_id: str, errors: list) -> JSONResponse:
    """500: the event was verified but not stored; Stripe retries non-2xx deliveries."""
    first = errors[0] if errors and isinstance(errors[0], dict) else {}
    code = first.get("statusCode") or "UNKNOWN_ERROR"
    message = first.get("message") or "the org did not store the event"
    return JSONResponse(
        {
            "received": False,
            "id": event_id,
            "error": {"code": code, "message": f"event {event_id} was not stored: {message}"},
        },
        status_code=500,
    )


def _timestamp(header: str) -> int:
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t" and value.isascii() and value.isdigit() and len(value) <= 12:
            return int(value)
    return 0


def _describe_intake(result) -> dict:
    """What the intake reported, if it is JSON-able (record id, duplicate flag); never secrets."""
    if isinstance(result, dict):
        return {k: v for k, v in result.items() if isinstance(v, (str, int, bool, type(None)))}
    if isinstance(result, str):
        return {"id": result}
    return {}
