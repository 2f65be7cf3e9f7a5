"""Object ids shaped like Stripe's: a type prefix and 24 random alphanumerics."""

from __future__ import annotations

import random
import secrets
import string

_ALPHABET = string.ascii_letters + string.digits
# Object ids only need to be unique, not secret: a PRNG seeded from the OS is fast enough
# for the hot path. Secrets (webhook signing secrets, hosted invoice tokens) use `secrets`.
_ids = random.Random(secrets.randbits(128))
SECRET_KINDS = {"webhook_secret", "hosted_token"}

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
    "sent_email": "sem",
}


def random_token(length: int = 24) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def new_id(kind: str, length: int = 24) -> str:
    if kind in SECRET_KINDS:
        return f"{PREFIXES[kind]}_{random_token(length)}"
    return f"{PREFIXES[kind]}_{''.join(_ids.choices(_ALPHABET, k=length))}"


def invoice_prefix() -> str:
    """Customer invoice prefixes are 7-8 uppercase hex-like characters, e.g. 7FE1103."""
    return "".join(_ids.choices("0123456789ABCDEF", k=8))
