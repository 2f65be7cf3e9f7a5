"""Typed comparison of stored values with SOQL literals, following the field's describe type.

Salesforce compares text case-insensitively, checks that a literal suits the field's type
(`INVALID_FIELD: value of filter criterion for field 'X' must be of type date ...`) and treats
relative date literals as ranges (TODAY = [00:00 today, 00:00 tomorrow)).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from orgsim.soql import ast

TEXT_TYPES = frozenset(
    {"string", "textarea", "picklist", "multipicklist", "email", "url", "phone", "id", "reference",
     "combobox", "encryptedstring"}
)
NUMBER_TYPES = frozenset({"int", "double", "currency", "percent", "long"})
DATE_TYPES = frozenset({"date"})
DATETIME_TYPES = frozenset({"datetime"})
BOOLEAN_TYPES = frozenset({"boolean"})


class LiteralTypeError(ValueError):
    """A literal that does not suit the field; the message is Salesforce's wording."""


def _parse_datetime(value: str) -> dt.datetime:
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    match = re.match(r"^(.*[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)([+-]\d{2}):?(\d{2})$", text)
    if match:
        text = f"{match.group(1)}{match.group(2)}:{match.group(3)}"
    parsed = dt.datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def stored_key(value: Any, field_type: str) -> Any:
    """The comparable form of a stored value (None stays None)."""
    if value is None:
        return None
    if field_type in TEXT_TYPES:
        return str(value).casefold()
    if field_type in NUMBER_TYPES:
        return float(value)
    if field_type in BOOLEAN_TYPES:
        return value if isinstance(value, bool) else str(value).lower() == "true"
    if field_type in DATE_TYPES:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        return dt.date.fromisoformat(str(value)[:10])
    if field_type in DATETIME_TYPES:
        if isinstance(value, dt.datetime):
            return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
        return _parse_datetime(str(value))
    return str(value).casefold() if isinstance(value, str) else value


def _type_error(field: str, expected: str, quoted: bool) -> LiteralTypeError:
    quote = "should be enclosed in quotes" if quoted else "should not be enclosed in quotes"
    return LiteralTypeError(f"value of filter criterion for field '{field}' must be of type {expected} and {quote}")


def literal_key(value: Any, field_type: str, field_name: str, now: dt.datetime) -> Any:
    """The comparable form of a literal, or a (start, end) range for relative date literals."""
    if value is None:
        return None
    if field_type in TEXT_TYPES:
        if not isinstance(value, str):
            raise _type_error(field_name, "string", quoted=True)
        return value.casefold()
    if field_type in NUMBER_TYPES:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _type_error(field_name, "double" if field_type != "int" else "int", quoted=False)
        return float(value)
    if field_type in BOOLEAN_TYPES:
        if not isinstance(value, bool):
            raise _type_error(field_name, "boolean", quoted=False)
        return value
    if field_type in DATE_TYPES:
        if isinstance(value, ast.DateLiteral):
            return date_range(value, now)
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise _type_error(field_name, "date", quoted=False)
        return value
    if field_type in DATETIME_TYPES:
        if isinstance(value, ast.DateLiteral):
            start, end = date_range(value, now)
            return (_midnight(start), _midnight(end))
        if not isinstance(value, dt.datetime):
            raise _type_error(field_name, "dateTime", quoted=False)
        return value
    if isinstance(value, (ast.DateLiteral, dt.date)):
        raise LiteralTypeError(f"field '{field_name}' of type {field_type} cannot be compared with a date")
    return value.casefold() if isinstance(value, str) else value


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def date_range(literal: ast.DateLiteral, now: dt.datetime) -> tuple[dt.date, dt.date]:
    """[start, end) in days. LAST_N_DAYS:n includes today and the n days before it;
    NEXT_N_DAYS:n starts tomorrow and excludes today (Salesforce's documented meaning)."""
    today = now.astimezone(dt.timezone.utc).date()
    day = dt.timedelta(days=1)
    if literal.name == "TODAY":
        return today, today + day
    if literal.name == "YESTERDAY":
        return today - day, today
    if literal.name == "TOMORROW":
        return today + day, today + 2 * day
    if literal.name == "LAST_N_DAYS":
        return today - literal.n * day, today + day
    if literal.name == "NEXT_N_DAYS":
        return today + day, today + (literal.n + 1) * day
    raise LiteralTypeError(f"date literal {literal.text} is not supported by orgsim")


def compare(stored: Any, op: str, literal: Any) -> bool:
    """Apply `op`; ranges (tuples) come from relative date literals. Nulls match only = / != null."""
    if isinstance(literal, tuple):
        start, end = literal
        if stored is None:
            return op == "!="
        return {
            "=": start <= stored < end,
            "!=": not (start <= stored < end),
            "<": stored < start,
            "<=": stored < end,
            ">": stored >= end,
            ">=": stored >= start,
        }[op]
    if literal is None or stored is None:
        if op == "=":
            return stored is None and literal is None
        if op == "!=":
            return (stored is None) != (literal is None)
        return False
    return {
        "=": stored == literal,
        "!=": stored != literal,
        "<": stored < literal,
        "<=": stored <= literal,
        ">": stored > literal,
        ">=": stored >= literal,
    }[op]


def like_regex(pattern: str) -> re.Pattern:
    """SOQL LIKE: % any run, _ one character, backslash escapes them; case-insensitive, whole value."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
        i += 1
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)
