"""Shared parts of the record elements: filters -> storage predicates, field assignments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from orgsim.flows.conditions import compile_logic, fold_logic, parse_logic
from orgsim.flows.model import Condition
from orgsim.storage.predicate import And, Compare, Not, Or
from sfmeta.flow_parts import FieldValue, RecordFilter

if TYPE_CHECKING:
    from orgsim.flows.loader import FlowLoader
    from orgsim.flows.model import Element

FILTER_OPS = {
    "EqualTo": "=",
    "NotEqualTo": "!=",
    "GreaterThan": ">",
    "GreaterThanOrEqualTo": ">=",
    "LessThan": "<",
    "LessThanOrEqualTo": "<=",
    "IsNull": None,
    "Contains": "LIKE",
    "StartsWith": "LIKE",
    "EndsWith": "LIKE",
    "In": "IN",
    "NotIn": "NOT IN",
}


def parse_filters(
    loader: FlowLoader,
    parts: tuple[RecordFilter, ...],
    logic_text: str | None,
    element: Element,
    sobject_name: str | None,
) -> tuple[list[Condition], str | None]:
    sobject = loader.sobject(sobject_name, element.name)
    filters = []
    for f in parts:
        field, op = f.field, f.operator
        if op not in FILTER_OPS:
            loader.unsupported(element.name, f"record filter operator {op}")
        loader.field(sobject, field, element.name)
        filters.append(Condition(sobject.field(field).name, op, loader.value(f.value, element.name)))
    try:
        compile_logic(logic_text, len(filters))
    except ValueError as exc:
        loader.fail(element.name, str(exc))
    return filters, logic_text


def build_predicate(iv, filters, logic_text):
    if not filters:
        return None
    parts = []
    for cond in filters:
        value = iv.value(cond.right)
        op = cond.operator
        if op == "IsNull":
            parts.append(Compare(cond.left, "=" if value else "!=", None))
        elif op in ("Contains", "StartsWith", "EndsWith"):
            text_value = _like_escape("" if value is None else str(value))
            pattern = {"Contains": f"%{text_value}%", "StartsWith": f"{text_value}%", "EndsWith": f"%{text_value}"}[op]
            parts.append(Compare(cond.left, "LIKE", pattern))
        elif op in ("In", "NotIn"):
            parts.append(Compare(cond.left, FILTER_OPS[op], list(value or [])))
        else:
            parts.append(Compare(cond.left, FILTER_OPS[op], value))
    tree = parse_logic(logic_text, len(parts))
    return fold_logic(tree, lambda i: parts[i], lambda a, b: And((a, b)), lambda a, b: Or((a, b)), Not)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def parse_assignments(loader, parts: tuple[FieldValue, ...], element, sobject_name: str):
    sobject = loader.sobject(sobject_name, element.name)
    out = []
    for a in parts:
        field = a.field
        loader.field(sobject, field, element.name)
        out.append((sobject.field(field).name, loader.value(a.value, element.name)))
    return out
