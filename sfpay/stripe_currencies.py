"""Stripe's currency facts, read once from vendor/stripe-currencies.json (source:
https://docs.stripe.com/currencies): which currencies Stripe accepts, and how many decimals
its API amounts carry in each. One table for the generator, the validator, the harness and
stripesim (the shared utilities stand below every package, so the emulator may read it too).
"""

from __future__ import annotations

import json
from functools import cache
from typing import NamedTuple

from sfpay.paths import resource


class StripeCurrencies(NamedTuple):
    supported: frozenset[str]  # lowercase ISO 4217 codes Stripe accepts
    zero_decimal: frozenset[str]  # `amount=6200` with jpy is ¥6,200
    three_decimal: frozenset[str]  # `amount=6200` with kwd is KWD 6.200
    shown_without_decimals: frozenset[str]  # counted in hundredths, shown without decimals (isk)

    def exponent(self, code: str) -> int:
        """Decimal places of `code`'s smallest unit as Stripe's API counts amounts."""
        code = code.lower()
        if code in self.zero_decimal:
            return 0
        if code in self.three_decimal:
            return 3
        return 2


@cache
def stripe_currencies() -> StripeCurrencies:
    data = json.loads(resource("sfpay.vendor", "stripe-currencies.json").read_text(encoding="utf-8"))
    return StripeCurrencies(
        supported=frozenset(data["supported"]),
        zero_decimal=frozenset(data["zero_decimal"]),
        three_decimal=frozenset(data["three_decimal"]),
        shown_without_decimals=frozenset(data["shown_without_decimals"]),
    )
