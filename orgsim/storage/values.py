"""Field values: Python <-> SQLite <-> JSON (REST) representations, by describe type.

In Python a record is a dict of canonical field name -> value: str, bool, int, Decimal
(currency/double/percent), datetime.date, datetime.datetime (UTC, aware) or None.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from orgsim.schema.model import FieldDef


def format_datetime(value: dt.datetime) -> str:
    """REST API form: 2026-01-31T09:30:00.000+0000 (always UTC, fixed width, so it sorts)."""
    value = value.astimezone(dt.timezone.utc)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}+0000"


def parse_datetime(text: str) -> dt.datetime:
    text = text.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    if len(text) >= 5 and text[-5] in "+-" and text[-3] != ":":  # +0000 -> +00:00
        text = text[:-2] + ":" + text[-2:]
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


def to_sql(fdef: FieldDef, value):
    if value is None:
        return None
    t = fdef.type
    if t == "boolean":
        return 1 if value else 0
    if t in ("currency", "double", "percent"):
        return float(value)
    if t == "int":
        return int(value)
    if t == "date":
        return value.isoformat()
    if t == "datetime":
        return format_datetime(value)
    return value


def from_sql(fdef: FieldDef, value):
    if value is None:
        return None if fdef.type != "boolean" else False
    t = fdef.type
    if t == "boolean":
        return bool(value)
    if t in ("currency", "double", "percent"):
        number = Decimal(repr(float(value)))
        if fdef.scale is not None:
            number = number.quantize(Decimal(1).scaleb(-fdef.scale))
        return number
    if t == "int":
        return int(value)
    if t == "date":
        return dt.date.fromisoformat(value)
    if t == "datetime":
        return parse_datetime(value)
    return value


def to_json(value):
    """JSON (REST) representation of a Python field value."""
    if isinstance(value, bool) or value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and value.as_tuple().exponent >= 0 else float(value)
    if isinstance(value, dt.datetime):
        return format_datetime(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
