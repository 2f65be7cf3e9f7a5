"""Evaluate a formula tree against a context that resolves merge fields.

The context provides: resolve(path) -> value, prior(path) -> prior value, is_new() -> bool,
now() -> aware UTC datetime.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, DivisionByZero, InvalidOperation

from orgsim.formula.ast import BinOp, Call, Literal, Neg, Ref
from orgsim.formula.functions import REGISTRY
from orgsim.formula.values import FormulaRuntimeError, compare_values, is_blank, to_decimal, to_text, values_equal


class Evaluator:
    def __init__(self, ctx):
        self.ctx = ctx

    @staticmethod
    def truthy(value) -> bool:
        return bool(value) and value is not None

    def eval(self, node):
        if isinstance(node, Literal):
            return node.value
        if isinstance(node, Ref):
            return self.ctx.resolve(node.path)
        if isinstance(node, Call):
            fn = REGISTRY[node.name]
            if fn.lazy:
                return fn.impl(self, node.args)
            return fn.impl(*[self.eval(a) for a in node.args])
        if isinstance(node, Neg):
            value = to_decimal(self.eval(node.operand))
            return None if value is None else -value
        if isinstance(node, BinOp):
            return self._binop(node)
        raise FormulaRuntimeError(f"cannot evaluate {node!r}")

    def _binop(self, node: BinOp):
        op = node.op
        if op == "&&":
            return self.truthy(self.eval(node.left)) and self.truthy(self.eval(node.right))
        if op == "||":
            return self.truthy(self.eval(node.left)) or self.truthy(self.eval(node.right))
        left, right = self.eval(node.left), self.eval(node.right)
        if op == "&":
            return (to_text(left) or "") + (to_text(right) or "")
        if op == "=":
            return values_equal(left, right)
        if op == "!=":
            return not values_equal(left, right)
        if op in ("<", "<=", ">", ">="):
            if is_blank(left) or is_blank(right):
                return False
            c = compare_values(left, right)
            return {"<": c < 0, "<=": c <= 0, ">": c > 0, ">=": c >= 0}[op]
        return arithmetic(op, left, right)


def arithmetic(op: str, left, right):
    if left is None or right is None:
        return None
    if op == "+" and isinstance(left, str) and isinstance(right, str):
        return left + right
    if isinstance(left, (dt.date, dt.datetime)) or isinstance(right, (dt.date, dt.datetime)):
        return _date_arithmetic(op, left, right)
    a, b = to_decimal(left, f"left side of {op}"), to_decimal(right, f"right side of {op}")
    try:
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            if b == 0:
                raise FormulaRuntimeError("Division by zero")
            return a / b
        if op == "^":
            return a ** int(b) if b == b.to_integral_value() else Decimal(float(a) ** float(b))
    except (InvalidOperation, DivisionByZero) as exc:
        raise FormulaRuntimeError(f"arithmetic error: {exc}") from None
    raise FormulaRuntimeError(f"unknown operator {op}")


def _date_arithmetic(op: str, left, right):
    if op == "-" and isinstance(left, dt.datetime) and isinstance(right, dt.datetime):
        return Decimal(str((left - right).total_seconds())) / Decimal(86400)
    if op == "-" and isinstance(left, dt.date) and isinstance(right, dt.date) \
            and not isinstance(left, dt.datetime) and not isinstance(right, dt.datetime):
        return Decimal((left - right).days)
    if op in ("+", "-") and isinstance(left, (dt.date, dt.datetime)) and not isinstance(right, (dt.date, dt.datetime)):
        days = to_decimal(right, "days")
        sign = 1 if op == "+" else -1
        if isinstance(left, dt.datetime):
            return left + sign * dt.timedelta(seconds=float(days * 86400))
        return left + dt.timedelta(days=sign * int(days))
    if op == "+" and isinstance(right, (dt.date, dt.datetime)):
        return _date_arithmetic("+", right, left)
    raise FormulaRuntimeError(f"operator {op} is not defined for {type(left).__name__} and {type(right).__name__}")
