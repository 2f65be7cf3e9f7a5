"""Currency facts shared by the generator (amounts the flows send) and the harness (amounts it
expects and shows): how many decimals a currency's smallest unit has, and how a payer reads it.

Source: https://docs.stripe.com/currencies ("Zero-decimal currencies", "Three-decimal
currencies", "Special cases"). stripesim keeps its own table (stripesim/resources/currencies.py)
because the emulators must not import the tool; tests/generator/test_currency.py checks the two
agree.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# Stripe's zero- and three-decimal currencies: `amount=6200` is ¥6,200 in jpy, KWD 6.200 in kwd.
ZERO_DECIMAL = frozenset("bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split())
THREE_DECIMAL = frozenset("bhd jod kwd omr tnd".split())
# "Special cases": Stripe counts ISK amounts in hundredths for backwards compatibility, although
# the krona has no minor unit in use, so it is shown without decimals.
SHOWN_WITHOUT_DECIMALS = frozenset({"isk"})


def currency_exponent(code: str, explicit: int | None = None) -> int:
    """Decimal places of the smallest unit Stripe counts `code` in (the spec may state it)."""
    if explicit is not None:
        return explicit
    code = code.lower()
    if code in ZERO_DECIMAL:
        return 0
    if code in THREE_DECIMAL:
        return 3
    return 2


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
