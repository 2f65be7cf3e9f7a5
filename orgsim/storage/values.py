"""Field values: Python <-> SQLite <-> JSON (REST) representations, by describe type.

In Python a record is a dict of canonical field name -> value: str, bool, int, Decimal
(currency/double/percent), datetime.date, datetime.datetime (UTC, aware) or None.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache

from orgsim.schema.model import FieldDef

# The cached conversions below are pure functions of immutable values and run for every
# date/time and number column of every row read or written (system timestamps on each save,
# full rows read for each update): cached, since a transaction keeps meeting the same few
# timestamps (the org clock is frozen while it runs) and amounts. Aware datetimes that are
# equal are the same instant, so they format the same; naive ones never equal aware ones.


@lru_cache(maxsize=4096)
def format_datetime(value: dt.datetime) -> str:
    """REST API form: 2026-01-31T09:30:00.000+0000 (always UTC, fixed width, so it sorts)."""
    value = value.astimezone(dt.timezone.utc)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}+0000"


@lru_cache(maxsize=4096)
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
        return _decimal(repr(float(value)), fdef.scale)
    if t == "int":
        return int(value)
    if t == "date":
        return _date(value)
    if t == "datetime":
        return parse_datetime(value)
    return value


@lru_cache(maxsize=4096)
def _decimal(text: str, scale: int | None) -> Decimal:
    """A stored float's shortest repr as a Decimal at the field's scale (keyed by the repr, so
    -0.0 and 0.0 stay apart as before)."""
    number = Decimal(text)
    if scale is not None:
        number = number.quantize(Decimal(1).scaleb(-scale))
    return number


@lru_cache(maxsize=4096)
def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


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
