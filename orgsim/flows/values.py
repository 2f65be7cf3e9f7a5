"""Parsing `<value>` elements and text with `{!merge}` fields."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from orgsim.flows.model import ValueSpec
from orgsim.storage.values import parse_datetime
from sfmeta.flow_parts import FlowValue

MERGE_RE = re.compile(r"\{!\s*([$A-Za-z_][A-Za-z0-9_.$]*)\s*\}")
LITERAL_KINDS = ("stringValue", "numberValue", "booleanValue", "dateValue", "dateTimeValue", "elementReference")


class ValueError_(ValueError):
    pass


def parse_value(value: FlowValue | None) -> ValueSpec:
    """`value` is a <value>/<rightValue> (or None when the element has none)."""
    if value is None or not value.items:
        return ValueSpec("null")
    if len(value.items) > 1:
        raise ValueError_(f"value has more than one child: {', '.join(item.kind for item in value.items)}")
    kind, raw = value.items[0].kind, value.items[0].text
    if kind == "stringValue":
        text = raw or ""
        if MERGE_RE.search(text):
            return ValueSpec("template", parse_template(text))
        return ValueSpec("literal", text if text != "" else None)
    if kind == "numberValue":
        try:
            return ValueSpec("literal", Decimal((raw or "").strip()))
        except InvalidOperation:
            raise ValueError_(f"numberValue is not a number: {raw!r}") from None
    if kind == "booleanValue":
        return ValueSpec("literal", (raw or "").strip().lower() == "true")
    if kind == "dateValue":
        try:
            return ValueSpec("literal", dt.date.fromisoformat((raw or "").strip()))
        except ValueError:
            raise ValueError_(f"dateValue is not a date: {raw!r}") from None
    if kind == "dateTimeValue":
        try:
            return ValueSpec("literal", parse_datetime(raw or ""))
        except ValueError:
            raise ValueError_(f"dateTimeValue is not a date/time: {raw!r}") from None
    if kind == "elementReference":
        return ValueSpec("ref", (raw or "").strip())
    raise ValueError_(f"unsupported value type <{kind}>")


def parse_template(text: str) -> list[str | tuple[str, str]]:
    """Text with merge fields -> list of str and ('ref', path) parts."""
    parts: list[str | tuple[str, str]] = []
    pos = 0
    for match in MERGE_RE.finditer(text):
        if match.start() > pos:
            parts.append(text[pos : match.start()])
        parts.append(("ref", match.group(1)))
        pos = match.end()
    if pos < len(text):
        parts.append(text[pos:])
    return parts


def template_refs(parts: list) -> list[str]:
    return [p[1] for p in parts if isinstance(p, tuple)]
