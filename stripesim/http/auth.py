"""API key authentication as Stripe does it: Bearer, or HTTP basic auth with the key as user."""

from __future__ import annotations

import base64

from stripesim.engine import Simulator
from stripesim.errors import StripeError

NO_KEY = (
    "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer "
    "auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for "
    "details, or we can help at https://support.stripe.com/."
)


def key_from_header(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer":
        return value or None
    if scheme.lower() == "basic":
        try:
            user = base64.b64decode(value).decode("utf-8").partition(":")[0]
        except (ValueError, UnicodeDecodeError):
            return None
        return user or None
    return None


def masked(key: str) -> str:
    head = key[:8] if key.startswith(("sk_", "pk_", "rk_")) else key[:3]
    return head + "*" * max(0, len(key) - len(head) - 4) + key[-4:]


def authenticate(sim: Simulator, header: str | None) -> str:
    """Return the account id for the request's key, or raise Stripe's 401."""
    key = key_from_header(header)
    if key is None:
        raise StripeError(NO_KEY, status=401)
    if key.startswith(("sk_live_", "rk_live_", "pk_live_")):
        raise StripeError(
            "This emulator is test mode only and refuses live-mode keys; use the sk_test_ key it was started with.",
            status=401,
        )
    if key.startswith("pk_"):
        raise StripeError(
            "This API call cannot be made with a publishable API key. Please use a secret API key. "
            "You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.",
            status=401,
        )
    account = sim.account_for_key(key)
    if account is None:
        raise StripeError(f"Invalid API Key provided: {masked(key)}", status=401)
    return account
