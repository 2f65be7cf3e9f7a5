"""Salesforce formula language: lark grammar, compile-time checks, evaluator.

f = Formula.compile('IF(ISBLANK({!$Record.Amount}), 0, ROUND({!$Record.Amount} * 100, 0))')
f.references          # {'$Record.Amount'}
f.evaluate(ctx)       # ctx.resolve(path), ctx.prior(path), ctx.is_new(), ctx.now()
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from orgsim.formula.ast import BinOp, Call, Neg, Ref
from orgsim.formula.evaluator import compile_tree
from orgsim.formula.functions import REGISTRY, check_call
from orgsim.formula.parser import FormulaSyntaxError, parse
from orgsim.formula.values import FormulaRuntimeError, round_half_up, to_decimal, to_text

__all__ = [
    "Formula",
    "FormulaError",
    "FormulaRuntimeError",
    "FormulaSyntaxError",
    "coerce_result",
    "SUPPORTED_FUNCTIONS",
]

SUPPORTED_FUNCTIONS = tuple(sorted(REGISTRY))


class FormulaError(ValueError):
    """The formula cannot be compiled (syntax, unknown function, wrong arity, misuse)."""


@dataclass
class Formula:
    text: str
    tree: object
    references: set[str] = field(default_factory=set)
    uses_prior: bool = False
    functions: set[str] = field(default_factory=set)  # upper-case names of the functions called
    # The compiled tree (compile_tree's closures): evaluation context in, formula value out.
    _fn: Callable[[Any], Any] = field(init=False, repr=False, compare=False)

    @classmethod
    def compile(cls, text: str, *, allow_prior: bool = False) -> "Formula":
        try:
            tree = parse(text)
        except FormulaSyntaxError as exc:
            raise FormulaError(str(exc)) from None
        refs: set[str] = set()
        called: set[str] = set()
        state = {"prior": False}

        def walk(node):
            if isinstance(node, Ref):
                refs.add(node.path)
            elif isinstance(node, Call):
                try:
                    fn = check_call(node.name, len(node.args), node.args, allow_prior=allow_prior)
                except KeyError as exc:
                    raise FormulaError(f"{exc.args[0]} in {text!r}") from None
                state["prior"] |= fn.needs_prior
                called.add(node.name.upper())
                for a in node.args:
                    walk(a)
            elif isinstance(node, BinOp):
                walk(node.left)
                walk(node.right)
            elif isinstance(node, Neg):
                walk(node.operand)

        walk(tree)
        formula = cls(text=text, tree=tree, references=refs, uses_prior=state["prior"], functions=called)
        formula._fn = compile_tree(tree)
        return formula

    def evaluate(self, ctx):
        return self._fn(ctx)


def coerce_result(value, data_type: str | None, scale: int | None = None):
    """Convert a formula result to the flow resource's declared data type."""
    if data_type in (None, ""):
        return value
    if data_type in ("Number", "Currency"):
        number = to_decimal(value, "formula result")
        if number is not None and scale is not None:
            number = round_half_up(number, scale)
        return number
    if data_type == "String":
        return to_text(value) if value is not None else None
    if data_type == "Boolean":
        return bool(value) if value is not None else False
    if data_type == "Date":
        if isinstance(value, dt.datetime):
            return value.date()
        return value
    if data_type == "DateTime":
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc)
        return value
    return value
