"""Evaluate a formula tree against a context that resolves merge fields.

The context provides: resolve(path) -> value, prior(path) -> prior value, is_new() -> bool,
now() -> aware UTC datetime.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, DivisionByZero, InvalidOperation

from orgsim.formula.ast import BinOp, Call, Literal, Neg, Ref
from orgsim.formula.functions import REGISTRY
from orgsim.formula.values import (
    FormulaRuntimeError,
    compare_values,
    is_blank,
    to_decimal,
    to_number,
    to_text,
    values_equal,
)


def compile_tree(node):
    """Turn the tree into nested closures once, so evaluation is plain function calls."""
    t = type(node)
    if t is Literal:
        value = node.value
        return lambda ctx: value
    if t is Ref:
        path = node.path
        return lambda ctx: ctx.resolve(path)
    if t is Neg:
        operand = compile_tree(node.operand)

        def negate(ctx):
            value = to_decimal(operand(ctx))
            return None if value is None else -value

        return negate
    if t is Call:
        fn = REGISTRY[node.name]
        arg_fns = [compile_tree(a) for a in node.args]
        if fn.lazy:
            args, table = node.args, {id(a): f for a, f in zip(node.args, arg_fns)}
            impl = fn.impl
            return lambda ctx: impl(_LazyEvaluator(ctx, table), args)
        impl = fn.impl
        return lambda ctx: impl(*[f(ctx) for f in arg_fns])
    if t is BinOp:
        left, right, op = compile_tree(node.left), compile_tree(node.right), node.op
        truthy = Evaluator.truthy
        if op == "&&":
            return lambda ctx: truthy(left(ctx)) and truthy(right(ctx))
        if op == "||":
            return lambda ctx: truthy(left(ctx)) or truthy(right(ctx))
        if op == "&":
            return lambda ctx: (to_text(left(ctx)) or "") + (to_text(right(ctx)) or "")
        if op == "=":
            return lambda ctx: values_equal(left(ctx), right(ctx))
        if op == "!=":
            return lambda ctx: not values_equal(left(ctx), right(ctx))
        if op in ("<", "<=", ">", ">="):
            test = {"<": lambda c: c < 0, "<=": lambda c: c <= 0, ">": lambda c: c > 0, ">=": lambda c: c >= 0}[op]

            def relation(ctx):
                a, b = left(ctx), right(ctx)
                if is_blank(a) or is_blank(b):
                    return False
                return test(compare_values(a, b))

            return relation
        return lambda ctx: arithmetic(op, left(ctx), right(ctx))
    raise FormulaRuntimeError(f"cannot compile {node!r}")


class _LazyEvaluator:
    """What lazy functions (IF, CASE, AND, ...) see: evaluate an argument on demand."""

    __slots__ = ("ctx", "table")

    def __init__(self, ctx, table):
        self.ctx = ctx
        self.table = table

    def eval(self, node):
        return self.table[id(node)](self.ctx)

    truthy = staticmethod(lambda value: bool(value) and value is not None)


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
    a, b = to_number(left, f"left side of {op}"), to_number(right, f"right side of {op}")
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
    if (
        op == "-"
        and isinstance(left, dt.date)
        and isinstance(right, dt.date)
        and not isinstance(left, dt.datetime)
        and not isinstance(right, dt.datetime)
    ):
        return Decimal((left - right).days)
    if op in ("+", "-") and isinstance(left, (dt.date, dt.datetime)) and not isinstance(right, (dt.date, dt.datetime)):
        days = to_number(right, "days")
        sign = 1 if op == "+" else -1
        if isinstance(left, dt.datetime):
            return left + sign * dt.timedelta(seconds=float(days * 86400))
        return left + dt.timedelta(days=sign * int(days))
    if op == "+" and isinstance(right, (dt.date, dt.datetime)):
        return _date_arithmetic("+", right, left)
    raise FormulaRuntimeError(f"operator {op} is not defined for {type(left).__name__} and {type(right).__name__}")
