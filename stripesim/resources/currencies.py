"""The currencies Stripe accepts for charges (presentment currencies), lowercase ISO 4217 codes.

Source: https://docs.stripe.com/currencies ("Supported currencies"; the SDK types `currency` as a
plain `str` documented as "Three-letter ISO currency code, in lowercase. Must be a supported
currency", linking there). ISO codes Stripe does not support (e.g. `xts`, the ISO test code) and
made-up ones are refused like Stripe: "Invalid currency: zzz. Stripe currently supports these
currencies: ...".
"""

from __future__ import annotations

from stripesim.errors import ParamError

SUPPORTED = frozenset(
    """
usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd bwp byn bzd cad cdf
chf clp cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp gbp gel gip gmd gnf gtq gyd hkd hnl htg huf
idr ils inr isk jmd jod jpy kes kgs khr kmf krw kwd kyd kzt lak lbp lkr lrd lsl mad mdl mga mkd mmk mnt mop
mur mvr mwk mxn myr mzn nad ngn nio nok npr nzd omr pab pen pgk php pkr pln pyg qar ron rsd rub rwf sar sbd
scr sek sgd shp sle sos srd std szl thb tjs tnd top try ttd twd tzs uah ugx uyu uzs vnd vuv wst xaf xcd xcg
xof xpf yer zar zmw
""".split()
)


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
ZERO_DECIMAL = frozenset("bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split())
THREE_DECIMAL = frozenset("bhd jod kwd omr tnd".split())
# "Special cases" on the same page: Stripe takes ISK amounts as two-decimal for backwards compatibility
# although the krona has no minor unit in use, so `amount=50000` is ISK 500 and is shown without decimals.
SHOWN_WITHOUT_DECIMALS = frozenset({"isk"})

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
    code = currency.lower()
    if code in ZERO_DECIMAL:
        return 0
    if code in THREE_DECIMAL:
        return 3
    return 2


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
