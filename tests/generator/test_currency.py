"""The shared currency table (generator/currency.py): exponents and how amounts read."""

from __future__ import annotations

from decimal import Decimal

from generator.currency import THREE_DECIMAL, ZERO_DECIMAL, currency_exponent, format_minor, format_money


def test_exponents_follow_stripe():
    assert [currency_exponent(c) for c in ("usd", "eur", "jpy", "KRW", "kwd", "isk")] == [2, 2, 0, 0, 3, 2]
    assert currency_exponent("jpy", 2) == 2  # the spec's explicit exponent wins


def test_money_reads_as_the_payer_expects():
    assert format_money(Decimal("54321"), "jpy") == "JPY 54,321"
    assert format_money(Decimal("1250"), "usd") == "USD 1,250.00"
    assert format_money(Decimal("1.5"), "kwd") == "KWD 1.500"
    assert format_money(Decimal("500"), "isk") == "ISK 500"  # two-decimal in the API, shown whole
    assert format_money(Decimal("-3.456"), "eur") == "-EUR 3.46"


def test_minor_units_read_in_major_units():
    assert format_minor(6200, "jpy") == "JPY 6,200"
    assert format_minor(6200, "usd") == "USD 62.00"
    assert format_minor(6200, "kwd") == "KWD 6.200"
    assert format_minor(50000, "isk") == "ISK 500"


def test_same_table_as_stripesim():
    """One table (vendor/stripe-currencies.json) for the tool and the emulator."""
    from stripesim.resources import currencies

    assert ZERO_DECIMAL == currencies.ZERO_DECIMAL and THREE_DECIMAL == currencies.THREE_DECIMAL
    assert currencies.SHOWN_WITHOUT_DECIMALS == {"isk"}
    assert currencies.exponent("JPY") == 0 and currencies.exponent("kwd") == 3 and currencies.exponent("usd") == 2


def test_supported_currencies_same_as_stripesim():
    # The spec checks' list (generator/facts/stripe_api.py) and the emulator's are one table.
    from generator.facts.stripe_api import CURRENCIES
    from stripesim.resources.currencies import SUPPORTED

    assert CURRENCIES == SUPPORTED and {"usd", "jpy", "kwd"} <= SUPPORTED and "zzz" not in SUPPORTED
