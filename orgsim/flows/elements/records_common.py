"""Shared parts of the record elements: filters -> storage predicates, field assignments."""

from __future__ import annotations

from orgsim.flows.conditions import compile_logic
from orgsim.flows.model import Condition
from orgsim.metadata.xmlutil import child, children, text
from orgsim.storage.predicate import And, Compare, Not, Or

FILTER_OPS = {"EqualTo": "=", "NotEqualTo": "!=", "GreaterThan": ">", "GreaterThanOrEqualTo": ">=",
              "LessThan": "<", "LessThanOrEqualTo": "<=", "IsNull": None, "Contains": "LIKE", "StartsWith": "LIKE",
              "EndsWith": "LIKE", "In": "IN", "NotIn": "NOT IN"}


def parse_filters(loader, el, element, sobject_name: str):
    sobject = loader.sobject(sobject_name, element.name)
    filters = []
    for f in children(el, "filters"):
        field, op = text(f, "field"), text(f, "operator")
        if op not in FILTER_OPS:
            loader.unsupported(element.name, f"record filter operator {op}")
        loader.field(sobject, field, element.name)
        filters.append(Condition(sobject.field(field).name, op, loader.value(child(f, "value"), element.name)))
    logic_text = text(el, "filterLogic")
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
    logic = (logic_text or "and").strip().lower()
    if logic == "and":
        return And(tuple(parts)) if len(parts) > 1 else parts[0]
    if logic == "or":
        return Or(tuple(parts)) if len(parts) > 1 else parts[0]
    return _custom_logic(logic_text, parts)


def _custom_logic(logic_text, parts):
    import re
    tokens = re.findall(r"\d+|AND|OR|NOT|\(|\)", logic_text.upper())
    pos = [0]

    def peek():
        return tokens[pos[0]] if pos[0] < len(tokens) else None

    def take():
        pos[0] += 1
        return tokens[pos[0] - 1]

    def p_or():
        items = [p_and()]
        while peek() == "OR":
            take()
            items.append(p_and())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def p_and():
        items = [p_not()]
        while peek() == "AND":
            take()
            items.append(p_not())
        return items[0] if len(items) == 1 else And(tuple(items))

    def p_not():
        tok = take()
        if tok == "NOT":
            return Not(p_not())
        if tok == "(":
            node = p_or()
            take()
            return node
        return parts[int(tok) - 1]

    return p_or()


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def parse_assignments(loader, el, element, sobject_name: str):
    sobject = loader.sobject(sobject_name, element.name)
    out = []
    for a in children(el, "inputAssignments"):
        field = text(a, "field")
        loader.field(sobject, field, element.name)
        out.append((sobject.field(field).name, loader.value(child(a, "value"), element.name)))
    return out
