"""One rule for Stripe secret keys, used by every part that talks to Stripe."""

from __future__ import annotations


class UnsafeStripeKey(ValueError):
    """A key that must not be used here; the message says why, never the key itself."""


def require_test_key(key: str | None, *, allow_live: bool = False, source: str = "STRIPE_API_KEY") -> str:
    if not key:
        raise UnsafeStripeKey(f"{source} is not set: give a Stripe test-mode secret key (sk_test_...).")
    if key.startswith(("sk_live_", "rk_live_")):
        if allow_live:
            return key
        raise UnsafeStripeKey(
            f"{source} is a live-mode key; sfpay creates customers and invoices and refuses live keys. "
            "Use a test-mode key (sk_test_...), or pass the explicit allow-live option if you really mean it."
        )
    if not key.startswith(("sk_test_", "rk_test_")):
        raise UnsafeStripeKey(f"{source} does not look like a Stripe secret key (expected sk_test_...).")
    return key


def redact(key: str) -> str:
    """What may appear in logs and reports: the mode prefix and the last four characters."""
    if not key:
        return ""
    prefix = key.split("_", 2)
    head = "_".join(prefix[:2]) if len(prefix) >= 2 else "key"
    return f"{head}_...{key[-4:]}"
