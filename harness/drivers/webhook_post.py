"""Deliver a Stripe event to the org's webhook listener ourselves, signed as Stripe signs.

Used to replay real events (duplicates, reordering: what Stripe's at-least-once delivery
does) and to send forged or stale ones, which the listener must reject.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

from harness.targets.base import Webhook


def signature_header(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def post_event(
    webhook: Webhook, event: dict[str, Any] | bytes, *, signature: str | None, tls_verify: bool | str = True
) -> int:
    """POST one delivery; returns the listener's HTTP status."""
    import httpx

    from sfpay.trust import verify_context

    # a CA file or folder: httpx wants an SSL context
    verify = verify_context(tls_verify) if isinstance(tls_verify, str) else tls_verify
    payload = event if isinstance(event, bytes) else json.dumps(event).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
    }
    if signature is not None:
        headers["Stripe-Signature"] = signature
    response = httpx.post(webhook.url, content=payload, headers=headers, timeout=30, verify=verify)
    return response.status_code


def replay(webhook: Webhook, event: dict[str, Any], *, tls_verify: bool | str = True) -> int:
    """Re-deliver a genuine event exactly as Stripe's retry would: same body, fresh signature.

    Signatures carry wall-clock time: the listener checks them against its own wall clock
    (the SDK's 300 s tolerance), whatever the org's virtual clock says."""
    if not webhook.secret:
        raise ValueError("replaying needs the endpoint's signing secret")
    payload = json.dumps(event).encode()
    return post_event(webhook, payload, signature=signature_header(payload, webhook.secret), tls_verify=tls_verify)
