"""SOQL literals checked against the field's describe type and turned into the core's values.

Salesforce refuses a literal that does not suit the field (`INVALID_FIELD: value of filter
criterion for field 'CloseDate' must be of type date and should not be enclosed in quotes`)
and treats relative date literals as ranges (TODAY = [00:00 today, 00:00 tomorrow), UTC here).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from orgsim.soql import ast

TEXT_TYPES = frozenset(
    {
        "string",
        "textarea",
        "picklist",
        "multipicklist",
        "email",
        "url",
        "phone",
        "id",
        "reference",
        "combobox",
        "encryptedstring",
    }
)
NUMBER_TYPES = frozenset({"int", "double", "currency", "percent", "long"})
LIKE_TYPES = TEXT_TYPES - {"multipicklist"}


class LiteralTypeError(ValueError):
    """A literal that does not suit the field; the message is Salesforce's wording."""


def _type_error(field: str, expected: str, quoted: bool) -> LiteralTypeError:
    quote = "should be enclosed in quotes" if quoted else "should not be enclosed in quotes"
    return LiteralTypeError(f"value of filter criterion for field '{field}' must be of type {expected} and {quote}")


def literal_value(value: Any, field_type: str, field_name: str, now: dt.datetime) -> Any:
    """The core's value for a literal, or a (start, end) range for a relative date literal."""
    if value is None:
        return None
    if field_type in TEXT_TYPES:
        if not isinstance(value, str):
            raise _type_error(field_name, "string", quoted=True)
        return value
    if field_type in NUMBER_TYPES:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _type_error(field_name, "int" if field_type == "int" else "double", quoted=False)
        return Decimal(str(value)) if field_type != "int" else value
    if field_type == "boolean":
        if not isinstance(value, bool):
            raise _type_error(field_name, "boolean", quoted=False)
        return value
    if field_type == "date":
        if isinstance(value, ast.DateLiteral):
            return date_range(value, now)
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise _type_error(field_name, "date", quoted=False)
        return value
    if field_type == "datetime":
        if isinstance(value, ast.DateLiteral):
            start, end = date_range(value, now)
            return (_midnight(start), _midnight(end))
        if not isinstance(value, dt.datetime):
            raise _type_error(field_name, "dateTime", quoted=False)
        return value
    raise LiteralTypeError(f"field '{field_name}' of type {field_type} cannot be filtered on by orgsim")


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def date_range(literal: ast.DateLiteral, now: dt.datetime) -> tuple[dt.date, dt.date]:
    """[start, end) in days. LAST_N_DAYS:n is today and the n days before it; NEXT_N_DAYS:n
    starts tomorrow (Salesforce's "Date formats and date literals" reference)."""
    today = now.astimezone(dt.timezone.utc).date()
    day = dt.timedelta(days=1)
    if literal.name == "TODAY":
        return today, today + day
    if literal.name == "YESTERDAY":
        return today - day, today
    if literal.name == "TOMORROW":
        return today + day, today + 2 * day
    # n is at most the span of Salesforce's dates (the parser's MAX_DATE_N); a bound beyond
    # Python's dates is clamped there, which selects the same records (all dates stored are
    # within 1700-01-01..4000-12-31).
    n = literal.n  # set for the N_DAYS literals (the parser requires it)
    if literal.name == "LAST_N_DAYS" and n is not None:
        return today - min(n, (today - dt.date.min).days) * day, today + day
    if literal.name == "NEXT_N_DAYS" and n is not None:
        return today + day, today + min(n + 1, (dt.date.max - today).days) * day
    raise LiteralTypeError(f"date literal {literal.text} is not supported by orgsim")
