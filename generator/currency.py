"""Currency facts shared by the generator (amounts the flows send) and the harness (amounts it
expects and shows): how many decimals a currency's smallest unit has, and how a payer reads it.

Source: https://docs.stripe.com/currencies ("Zero-decimal currencies", "Three-decimal
currencies", "Special cases"), kept once in vendor/stripe-currencies.json (sfpay.stripe_currencies),
which stripesim reads too.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sfpay.stripe_currencies import stripe_currencies

# Stripe's zero- and three-decimal currencies (`amount=6200` is ¥6,200 in jpy, KWD 6.200 in
# kwd) and the "special cases" counted in hundredths but shown without decimals (isk): one
# table, vendor/stripe-currencies.json, shared with stripesim.
_TABLE = stripe_currencies()
ZERO_DECIMAL = _TABLE.zero_decimal
THREE_DECIMAL = _TABLE.three_decimal
SHOWN_WITHOUT_DECIMALS = _TABLE.shown_without_decimals


def currency_exponent(code: str, explicit: int | None = None) -> int:
    """Decimal places of the smallest unit Stripe counts `code` in (the spec may state it)."""
    if explicit is not None:
        return explicit
    return _TABLE.exponent(code)


def shown_places(code: str, exponent: int) -> int:
    """Decimal places a payer sees: the smallest unit's, except where Stripe says otherwise."""
    return 0 if code.lower() in SHOWN_WITHOUT_DECIMALS else exponent


def format_money(amount: Decimal | int | float | str, code: str, exponent: int | None = None) -> str:
    """A major-unit amount as a payer reads it: "JPY 54,321", "USD 1,250.00", "KWD 1.500".

    The ISO code rather than a symbol: unambiguous in reports and plain-text email ("$" is
    also the Canadian, Australian... dollar)."""
    places = shown_places(code, currency_exponent(code) if exponent is None else exponent)
    value = Decimal(str(amount)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    return f"{sign}{code.upper()} {abs(value):,.{places}f}"


def format_minor(amount: int, code: str, exponent: int | None = None) -> str:
    """A Stripe API amount (smallest unit) as a payer reads it: format_minor(6200, "jpy") == "JPY 6,200"."""
    places = currency_exponent(code) if exponent is None else exponent
    return format_money(Decimal(amount).scaleb(-places), code, places)
