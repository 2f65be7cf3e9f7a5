"""Value semantics shared by the formula evaluator and the flow interpreter.

Salesforce treats an empty text value as blank (null); numbers are exact decimals;
dates and datetimes are distinct types; datetimes are UTC.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TypeVar

# What compare_values orders: both sides converted to one of these.
Comparable = TypeVar("Comparable", Decimal, dt.datetime, dt.date, str)


class FormulaRuntimeError(ValueError):
    """Evaluation failed (e.g. division by zero, VALUE of non-numeric text): a flow fault."""


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "") or (isinstance(value, list) and not value)


def to_decimal(value, what: str = "value") -> Decimal | None:
    return None if value is None else to_number(value, what)


def to_number(value, what: str = "value") -> Decimal:
    """to_decimal of a value that is not null (null is not a number here)."""
    if isinstance(value, bool):
        raise FormulaRuntimeError(f"expected a number for {what}, got a boolean")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            raise FormulaRuntimeError(f"expected a number for {what}, got text {value!r}") from None
    raise FormulaRuntimeError(f"expected a number for {what}, got {type(value).__name__}")


def round_half_up(value: Decimal, digits: int) -> Decimal:
    """Salesforce ROUND: halves round away from zero."""
    return value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def format_number(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def to_text(value) -> str | None:
    """TEXT() and string contexts (merge fields in text templates)."""
    if value is None:
        return None
    if type(value) is str:  # the common case (text merge fields, concatenation), checked first
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (Decimal, int, float)):
        return format_number(to_number(value))
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def values_equal(left, right) -> bool:
    if is_blank(left) and is_blank(right):
        return True
    if is_blank(left) or is_blank(right):
        return False
    if isinstance(left, bool) or isinstance(right, bool):
        return (
            bool(left) == bool(right)
            if isinstance(left, bool) and isinstance(right, bool)
            else str(left).lower() == str(right).lower()
        )
    if isinstance(left, (Decimal, int, float)) or isinstance(right, (Decimal, int, float)):
        try:
            return to_decimal(left) == to_decimal(right)
        except FormulaRuntimeError:
            return False
    if isinstance(left, dt.datetime) or isinstance(right, dt.datetime):
        return _as_datetime(left) == _as_datetime(right)
    if isinstance(left, dt.date) or isinstance(right, dt.date):
        return _as_date(left) == _as_date(right)
    return left == right


def compare_values(left, right) -> int:
    """-1/0/1; raises FormulaRuntimeError for incomparable types. Callers handle blanks."""
    if isinstance(left, (Decimal, int, float)) or isinstance(right, (Decimal, int, float)):
        return _order(to_number(left), to_number(right))
    if isinstance(left, dt.datetime) or isinstance(right, dt.datetime):
        return _order(_as_datetime(left), _as_datetime(right))
    if isinstance(left, dt.date) or isinstance(right, dt.date):
        return _order(_as_date(left), _as_date(right))
    if isinstance(left, str) and isinstance(right, str):
        return _order(left, right)
    raise FormulaRuntimeError(f"cannot compare {type(left).__name__} with {type(right).__name__}")


def _order(a: Comparable, b: Comparable) -> int:
    return (a > b) - (a < b)


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value.strip()[:10])
    raise FormulaRuntimeError(f"expected a date, got {type(value).__name__}")


def _as_datetime(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc)
    if isinstance(value, str):
        from orgsim.storage.values import parse_datetime

        return parse_datetime(value)
    raise FormulaRuntimeError(f"expected a date/time, got {type(value).__name__}")


as_date = _as_date
as_datetime = _as_datetime
