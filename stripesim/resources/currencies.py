"""The currencies Stripe accepts for charges (presentment currencies), lowercase ISO 4217 codes.

Source: https://docs.stripe.com/currencies ("Supported currencies"; the SDK types `currency` as a
plain `str` documented as "Three-letter ISO currency code, in lowercase. Must be a supported
currency", linking there). ISO codes Stripe does not support (e.g. `xts`, the ISO test code) and
made-up ones are refused like Stripe: "Invalid currency: zzz. Stripe currently supports these
currencies: ...".
"""

from __future__ import annotations

from stripesim.errors import ParamError

SUPPORTED = frozenset("""
usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd bwp byn bzd cad cdf
chf clp cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp gbp gel gip gmd gnf gtq gyd hkd hnl htg huf
idr ils inr isk jmd jod jpy kes kgs khr kmf krw kwd kyd kzt lak lbp lkr lrd lsl mad mdl mga mkd mmk mnt mop
mur mvr mwk mxn myr mzn nad ngn nio nok npr nzd omr pab pen pgk php pkr pln pyg qar ron rsd rub rwf sar sbd
scr sek sgd shp sle sos srd std szl thb tjs tnd top try ttd twd tzs uah ugx uyu uzs vnd vuv wst xaf xcd xcg
xof xpf yer zar zmw
""".split())


def check_currency(name: str, value: str) -> None:
    if value not in SUPPORTED:
        raise ParamError(f"Invalid currency: {value}. Stripe currently supports these currencies: "
                         f"{', '.join(sorted(SUPPORTED))}", code="parameter_invalid_string", param=name)
