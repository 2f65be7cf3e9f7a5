"""The Stripe webhook listener (the connector's listener URL in a real org).

Every delivery is verified with the endpoint secret through the stripe SDK (`Stripe-Signature`,
300 s tolerance) before the event reaches the core's intake; anything unsigned, forged, stale
or malformed gets 400 and nothing is stored. Duplicates (Stripe delivers at least once) are
the intake's business: it keeps one Stripe Event record per event id.
"""

from __future__ import annotations

import json
import logging
import time

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from orgsim.server.context import ServerContext

log = logging.getLogger("orgsim.server.webhook")


def _reject(reason: str) -> JSONResponse:
    # The reason names what was wrong, never the secret or the signature values.
    return JSONResponse({"error": {"message": reason}}, status_code=400)


def routes(ctx: ServerContext, gate) -> list[Route]:
    import stripe

    async def listener(request: Request) -> JSONResponse:
        secret = ctx.config.webhook_secret
        if not secret:
            return JSONResponse({"error": {"message": "no webhook signing secret is configured for this listener"}},
                                status_code=503)
        payload = await request.body()
        signature = request.headers.get("stripe-signature")
        if not signature:
            return _reject("missing Stripe-Signature header")
        try:
            stripe.Webhook.construct_event(payload, signature, secret, tolerance=ctx.config.webhook_tolerance)
        except stripe.SignatureVerificationError as exc:
            return _reject(f"signature verification failed: {exc.user_message or 'invalid signature'}")
        except (ValueError, TypeError, AttributeError, KeyError):
            # Signed correctly but not an event the SDK can read (not JSON, not an object, ...).
            return _reject("payload is not a valid Stripe event JSON object")
        if _timestamp(signature) > time.time() + ctx.config.webhook_tolerance:
            # The SDK only bounds the past; a signature dated far ahead could be replayed for
            # longer than the tolerance, so it is refused as well.
            return _reject("signature verification failed: timestamp is too far in the future")
        event = json.loads(payload)
        if not isinstance(event, dict) or not isinstance(event.get("id"), str) or not isinstance(event.get("type"), str) \
                or not isinstance(event.get("data"), dict) or not isinstance(event["data"].get("object"), dict):
            return _reject("payload is not a Stripe event (needs id, type and data.object)")
        from orgsim.errors import OrgError

        try:
            result = await ctx.gateway.call(ctx.org.intake_stripe_event, event)
        except OrgError as exc:
            return _reject(f"event refused by the org: {exc}")
        log.debug("stripe event %s (%s) taken in", event["id"], event["type"])
        return JSONResponse({"received": True, **_describe_intake(result)})

    return [Route(ctx.config.webhook_path, listener, methods=["POST"])]


def _timestamp(header: str) -> int:
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t" and value.isdigit():
            return int(value)
    return 0


def _describe_intake(result) -> dict:
    """What the intake reported, if it is JSON-able (record id, duplicate flag); never secrets."""
    if isinstance(result, dict):
        return {k: v for k, v in result.items() if isinstance(v, (str, int, bool, type(None)))}
    if isinstance(result, str):
        return {"id": result}
    return {}
