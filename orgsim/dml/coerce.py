"""Input values -> typed field values, with Salesforce's error codes and messages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from orgsim.dml.results import RecordFailed, SaveError
from orgsim.formula.values import round_half_up
from orgsim.schema.model import FieldDef
from orgsim.storage.ids import normalize_id
from orgsim.storage.values import parse_datetime
from sfmeta.api_limits import NUMBER_DIGITS

TEXTUAL = {"string", "textarea", "url", "email", "phone", "picklist", "multipicklist", "combobox"}


def _bad_type(fdef: FieldDef, value) -> RecordFailed:
    return RecordFailed(
        SaveError(
            "INVALID_TYPE_ON_FIELD_IN_RECORD",
            f"{fdef.label or fdef.name}: value not of required type: {value}",
            [fdef.name],
        )
    )


def coerce(fdef: FieldDef, value):
    """Convert one input value for `fdef`; raise RecordFailed with Salesforce's error."""
    if value is None:
        return False if fdef.type == "boolean" else None
    t = fdef.type
    if t in TEXTUAL:
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (int, float, Decimal)):
            value = format(Decimal(str(value)), "f")
        elif isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()
        elif not isinstance(value, str):
            raise _bad_type(fdef, value)
        if value == "":
            return None
        if fdef.length and len(value) > fdef.length:
            raise RecordFailed(
                SaveError(
                    "STRING_TOO_LONG",
                    f"{fdef.label or fdef.name}: data value too large: {value[:40]}"
                    f"{'...' if len(value) > 40 else ''} (max length={fdef.length})",
                    [fdef.name],
                )
            )
        return value
    if t == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise _bad_type(fdef, value)
    if t in ("currency", "double", "percent", "int"):
        if isinstance(value, bool):
            raise _bad_type(fdef, value)
        try:
            number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
        except InvalidOperation:
            raise _bad_type(fdef, value) from None
        if not number.is_finite():
            raise _bad_type(fdef, value)
        # Range first, on the exponent: rounding or int() of 1e308 / 10**400 would overflow the
        # decimal context or SQLite's integers. A field holds precision - scale integer digits;
        # without a declared precision, Salesforce's 18-digit maximum (sfmeta/api_limits.py).
        integer_digits = number.adjusted() + 1 if number and abs(number) >= 1 else 0
        if integer_digits > (fdef.precision - (fdef.scale or 0) if fdef.precision else NUMBER_DIGITS):
            raise RecordFailed(
                SaveError(
                    "NUMBER_OUTSIDE_VALID_RANGE",
                    f"{fdef.label or fdef.name}: value outside of valid range on numeric field: {str(value)[:40]}",
                    [fdef.name],
                )
            )
        if t == "int":
            return int(number)
        if fdef.scale is not None:
            number = round_half_up(number, fdef.scale)
        return number
    if t == "date":
        if isinstance(value, dt.datetime):
            return value.astimezone(dt.timezone.utc).date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip()[:10])
            except ValueError:
                raise _bad_type(fdef, value) from None
        raise _bad_type(fdef, value)
    if t == "datetime":
        if isinstance(value, dt.datetime):
            return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
        if isinstance(value, dt.date):
            return dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc)
        if isinstance(value, str):
            try:
                return parse_datetime(value)
            except ValueError:
                raise _bad_type(fdef, value) from None
        raise _bad_type(fdef, value)
    if t in ("reference", "id"):
        if not isinstance(value, str):
            raise _bad_type(fdef, value)
        if value == "":
            return None
        normalized = normalize_id(value)
        if normalized is None:
            raise RecordFailed(
                SaveError(
                    "MALFORMED_ID", f"{fdef.label or fdef.name}: id value of incorrect type: {value}", [fdef.name]
                )
            )
        return normalized
    raise _bad_type(fdef, value)
