"""Object ids shaped like Stripe's: a type prefix and 24 random alphanumerics."""

from __future__ import annotations

import secrets
import string

_ALPHABET = string.ascii_letters + string.digits

PREFIXES = {
    "customer": "cus",
    "invoice": "in",
    "invoiceitem": "ii",
    "line_item": "il",
    "event": "evt",
    "webhook_endpoint": "we",
    "test_helpers.test_clock": "clock",
    "request": "req",
    "webhook_secret": "whsec",
    "hosted_token": "test",
    "delivery": "whd",
    "fault": "flt",
    "charge": "ch",
}


def random_token(length: int = 24) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def new_id(kind: str, length: int = 24) -> str:
    return f"{PREFIXES[kind]}_{random_token(length)}"


def invoice_prefix() -> str:
    """Customer invoice prefixes are 7-8 uppercase hex-like characters, e.g. 7FE1103."""
    return "".join(secrets.choice("0123456789ABCDEF") for _ in range(8))
