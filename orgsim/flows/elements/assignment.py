"""assignments: set variables, record-variable fields and $Record fields."""

from __future__ import annotations

from decimal import Decimal

from orgsim.flows.elements.base import Handler, register
from orgsim.formula.values import FormulaRuntimeError, to_decimal
from sfmeta.flow_parts import Assignment as AssignmentPart

OPERATORS = {"Assign", "Add", "Subtract", "AddItem"}


@register
class Assignment(Handler):
    kind = "assignments"
    tags = {"assignmentItems"}

    def parse_spec(self, loader, part: AssignmentPart, element):
        items = []
        for item in part.assignment_items:
            target = item.assign_to_reference
            op = item.operator if item.operator is not None else "Assign"
            if op not in OPERATORS:
                loader.unsupported(element.name, f"assignment operator {op}")
            value = loader.value(item.value, element.name)
            loader.target(target, element.name)
            items.append((target, op, value))
        return items

    def run(self, runtime, element, interviews):
        for iv in interviews:
            try:
                for target, op, spec in element.spec:
                    value = iv.value(spec)
                    if op != "Assign":
                        value = _combine(op, iv.resolve(target), value)
                    iv.assign(target, value)
            except FormulaRuntimeError as exc:
                runtime.fault(iv, element, str(exc))
                continue
            runtime.go(iv, element.connector)


def _combine(op: str, current, value):
    if op == "AddItem":
        return list(current or []) + [value]
    if isinstance(current, list):
        if op == "Add":
            return current + (value if isinstance(value, list) else [value])
        return [v for v in current if v != value]
    if isinstance(current, str) or (op == "Add" and isinstance(value, str) and current is None):
        if op == "Add":
            return (current or "") + ("" if value is None else str(value))
        raise FormulaRuntimeError("cannot subtract from text")
    import datetime as dt

    if isinstance(current, dt.date):
        days = int(to_decimal(value) or 0)
        return current + dt.timedelta(days=days if op == "Add" else -days)
    a, b = to_decimal(current) or Decimal(0), to_decimal(value) or Decimal(0)
    return a + b if op == "Add" else a - b
