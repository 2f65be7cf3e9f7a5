"""Salesforce record Ids: 15-character case-sensitive Ids with the 3-character checksum suffix.

Layout used here: key prefix (3) + an org tag + a base-62 sequence = 15 characters. Each org
database draws a random 4-character tag when it is created, so two orgs (say a test org and
its re-created successor, both calling one Stripe account) never hand out the same Ids --
idempotency keys built from record Ids must not collide across orgs, as in Salesforce, where
Ids are unique across all orgs. `make_id(prefix, n)` without a tag uses "8d" + 10 digits.
The 18-character form appends one character per 5-character chunk, encoding which characters
of that chunk are upper-case (bit i set for character i), looked up in "A..Z0..5". This is the
documented algorithm behind `CASESAFEID()`.
"""

from __future__ import annotations

from functools import lru_cache

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
INSTANCE = "8d"


@lru_cache(maxsize=16384)
def checksum_suffix(id15: str) -> str:
    # Cached: a pure function of the Id, and the same few Ids are normalized again and again
    # while one record's flows run (filters, lookups, saves: ~15 calls per Opportunity).
    out = []
    for chunk_start in range(0, 15, 5):
        bits = 0
        for i, ch in enumerate(id15[chunk_start : chunk_start + 5]):
            if "A" <= ch <= "Z":
                bits |= 1 << i
        out.append(SUFFIX_ALPHABET[bits])
    return "".join(out)


def to18(id15: str) -> str:
    if len(id15) == 18:
        return id15
    if len(id15) != 15:
        raise ValueError(f"not a Salesforce Id: {id15!r}")
    return id15 + checksum_suffix(id15)


def new_org_tag() -> str:
    import secrets

    return "".join(secrets.choice(BASE62) for _ in range(4))


def make_id(key_prefix: str, sequence: int, tag: str = INSTANCE) -> str:
    digits = []
    n = sequence
    for _ in range(12 - len(tag)):
        n, r = divmod(n, 62)
        digits.append(BASE62[r])
    if n:
        raise OverflowError("record sequence exhausted")
    return to18(key_prefix + tag + "".join(reversed(digits)))


def normalize_id(value: str) -> str | None:
    """15- or 18-character Id -> 18 characters; None if it is not Id-shaped."""
    if not isinstance(value, str) or len(value) not in (15, 18) or not value.isalnum():
        return None
    id18 = to18(value[:15])
    if len(value) == 18 and value[15:].upper() != id18[15:]:
        return None
    return id18
