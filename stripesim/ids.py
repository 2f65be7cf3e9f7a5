"""Object ids shaped like Stripe's: a type prefix and 24 random alphanumerics."""

from __future__ import annotations

import random
import secrets
import string
from collections.abc import Callable

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


# Random bytes to alphanumerics in C (bytes.translate), not a Python call per character: bytes
# below 248 (= 4 x 62) map to the alphabet evenly, the rest are dropped, so every character
# stays equally likely. Ids are minted several times per request (issue 17 profile).
_EVEN = 4 * len(_ALPHABET)
_TO_ALPHABET = bytes(ord(_ALPHABET[b % len(_ALPHABET)]) if b < _EVEN else 0 for b in range(256))
_UNEVEN = bytes(range(_EVEN, 256))


def _alphanumerics(length: int, random_bytes: Callable[[int], bytes]) -> str:
    text = b""
    while len(text) < length:
        text += random_bytes(length + 8).translate(_TO_ALPHABET, _UNEVEN)
    return text[:length].decode("ascii")


def random_token(length: int = 24) -> str:
    """Secret alphanumerics from the OS's CSPRNG (`secrets.token_bytes`), mapped as above: one
    read of random bytes per token, where `secrets.choice` per character made one getrandom
    system call and several Python calls each (a hosted invoice token per finalized invoice;
    issue 17 profile). Every character is still equally likely."""
    return _alphanumerics(length, secrets.token_bytes)


def new_id(kind: str, length: int = 24) -> str:
    if kind in SECRET_KINDS:
        return f"{PREFIXES[kind]}_{random_token(length)}"
    return f"{PREFIXES[kind]}_{_alphanumerics(length, _ids.randbytes)}"


def invoice_prefix() -> str:
    """Customer invoice prefixes are 7-8 uppercase hex-like characters, e.g. 7FE1103."""
    return "".join(_ids.choices("0123456789ABCDEF", k=8))
