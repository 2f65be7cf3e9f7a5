"""The currencies Stripe accepts for charges (presentment currencies), lowercase ISO 4217 codes.

Source: https://docs.stripe.com/currencies ("Supported currencies"; the SDK types `currency` as a
plain `str` documented as "Three-letter ISO currency code, in lowercase. Must be a supported
currency", linking there). ISO codes Stripe does not support (e.g. `xts`, the ISO test code) and
made-up ones are refused like Stripe: "Invalid currency: zzz. Stripe currently supports these
currencies: ...".
"""

from __future__ import annotations

from sfpay.stripe_currencies import stripe_currencies
from stripesim.errors import ParamError

_TABLE = stripe_currencies()  # vendor/stripe-currencies.json, shared with the generator
SUPPORTED = _TABLE.supported


def check_currency(name: str, value: str) -> None:
    if value not in SUPPORTED:
        raise ParamError(
            f"Invalid currency: {value}. Stripe currently supports these currencies: {', '.join(sorted(SUPPORTED))}",
            code="parameter_invalid_string",
            param=name,
        )


# Decimal places of each currency's smallest unit in API amounts (https://docs.stripe.com/currencies,
# "Zero-decimal currencies" and "Three-decimal currencies"): `amount=6200` with `jpy` is ¥6,200, with
# `kwd` it is KWD 6.200, with `usd` $62.00. Every other supported currency has two.
ZERO_DECIMAL = _TABLE.zero_decimal
THREE_DECIMAL = _TABLE.three_decimal
# "Special cases" on the same page: Stripe takes ISK amounts as two-decimal for backwards compatibility
# although the krona has no minor unit in use, so `amount=50000` is ISK 500 and is shown without decimals.
SHOWN_WITHOUT_DECIMALS = _TABLE.shown_without_decimals

# Symbols an English (en-US) page shows, as Unicode CLDR's English data has them (https://cldr.unicode.org,
# what browsers' `Intl.NumberFormat("en-US", {style: "currency"})` uses); any other currency is shown
# with its upper-case code, e.g. "KWD 1.500".
SYMBOLS = {
    "usd": "$",
    "eur": "€",
    "gbp": "£",
    "jpy": "¥",
    "krw": "₩",
    "inr": "₹",
    "ils": "₪",
    "vnd": "₫",
    "cad": "CA$",
    "aud": "A$",
    "nzd": "NZ$",
    "hkd": "HK$",
    "mxn": "MX$",
    "brl": "R$",
    "cny": "CN¥",
    "twd": "NT$",
    "php": "₱",
    "xaf": "FCFA",
    "xof": "F\u202fCFA",
    "xcd": "EC$",
    "xpf": "CFPF",
}


def exponent(currency: str) -> int:
    """Decimal places of `currency`'s smallest unit as the API counts amounts."""
    return _TABLE.exponent(currency)


def format_amount(amount: int, currency: str, *, use_symbol: bool = True) -> str:
    """An API amount (smallest unit) as a payer reads it: `format_amount(6200, "jpy") == "¥6,200"`.

    `use_symbol=False` spells the code out ("JPY 6,200"), for media without the symbol's glyph."""
    code = currency.lower()
    places = exponent(code)
    major = amount / 10**places
    shown_places = 0 if code in SHOWN_WITHOUT_DECIMALS else places
    number = f"{abs(major):,.{shown_places}f}"
    sign = "-" if amount < 0 else ""
    symbol = SYMBOLS.get(code) if use_symbol else None
    if symbol is None:
        return f"{sign}{code.upper()}\u00a0{number}"
    return f"{sign}{symbol}{number}"
