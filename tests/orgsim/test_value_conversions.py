"""The cached value conversions (orgsim/storage/values.py) give exactly what the plain
conversions give, call after call: same text, same Decimal (digits, exponent and sign), same
date and datetime, same errors. The reference functions below are the conversions as written
before the caches."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orgsim.schema.model import FieldDef
from orgsim.storage.values import format_datetime, from_sql, parse_datetime


def reference_format(value: dt.datetime) -> str:
    value = value.astimezone(dt.timezone.utc)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}+0000"


def reference_parse(text: str) -> dt.datetime:
    text = text.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    if len(text) >= 5 and text[-5] in "+-" and text[-3] != ":":
        text = text[:-2] + ":" + text[-2:]
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


def reference_decimal(fdef: FieldDef, value) -> Decimal:
    number = Decimal(repr(float(value)))
    if fdef.scale is not None:
        number = number.quantize(Decimal(1).scaleb(-fdef.scale))
    return number


def same(a, b) -> bool:
    return type(a) is type(b) and str(a) == str(b) and a == b


offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))
aware = st.datetimes(
    min_value=dt.datetime(1700, 1, 2), max_value=dt.datetime(4000, 12, 30), timezones=st.just(dt.timezone.utc) | offsets
)


@given(aware)
def test_format_datetime_is_the_plain_conversion_and_stays_so(value):
    expected = reference_format(value)
    assert format_datetime(value) == expected
    assert format_datetime(value) == expected  # the cached answer
    # The same instant in another zone: the same text (cache key equality is instant equality).
    assert format_datetime(value.astimezone(dt.timezone(dt.timedelta(hours=5)))) == expected


@given(aware, st.sampled_from(["{}", "{}Z", "  {} ", "{}+00:00", "{}-0530", "{}+0200"]))
def test_parse_datetime_is_the_plain_conversion_and_stays_so(value, shape):
    text = shape.format(value.replace(tzinfo=None).isoformat(timespec="milliseconds"))
    expected = reference_parse(text)
    for _ in range(2):
        got = parse_datetime(text)
        assert got == expected and got.tzinfo == expected.tzinfo and got.isoformat() == expected.isoformat()


def test_parse_datetime_errors_are_not_cached_away():
    for _ in range(2):
        with pytest.raises(ValueError):
            parse_datetime("2026-13-01T00:00:00Z")


@given(
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15) | st.sampled_from([0.0, -0.0]),
    st.sampled_from([None, 0, 2, 4, 6]),
    st.sampled_from(["currency", "double", "percent"]),
)
def test_decimal_columns_read_back_exactly_as_before(value, scale, kind):
    fdef = FieldDef(name="X", type=kind, scale=scale)
    expected = reference_decimal(fdef, value)
    for _ in range(2):
        got = from_sql(fdef, value)
        assert same(got, expected) and got.as_tuple() == expected.as_tuple()  # -0.00 stays -0.00
    assert same(from_sql(fdef, int(value)), reference_decimal(fdef, int(value)))


@given(st.dates(min_value=dt.date(1700, 1, 1), max_value=dt.date(4000, 12, 31)))
def test_date_columns_read_back_as_before(value):
    fdef = FieldDef(name="D", type="date")
    for _ in range(2):
        assert same(from_sql(fdef, value.isoformat()), value)
