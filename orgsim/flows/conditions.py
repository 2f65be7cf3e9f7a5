"""Condition operators of decisions and start filters, and condition logic
("and", "or", or custom logic such as "1 AND (2 OR 3)")."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Union

from orgsim.formula.values import FormulaRuntimeError, compare_values, is_blank, values_equal

OPERATORS = {
    "EqualTo",
    "NotEqualTo",
    "GreaterThan",
    "GreaterThanOrEqualTo",
    "LessThan",
    "LessThanOrEqualTo",
    "IsNull",
    "IsBlank",
    "Contains",
    "StartsWith",
    "EndsWith",
    "IsChanged",
}


def _eq(left, right) -> bool:
    if isinstance(left, str) and isinstance(right, str):
        return left == right
    return values_equal(left, right)


def apply_operator(op: str, left, right, *, changed: bool | None = None) -> bool:
    if op == "EqualTo":
        return _eq(left, right)
    if op == "NotEqualTo":
        return not _eq(left, right)
    if op in ("GreaterThan", "GreaterThanOrEqualTo", "LessThan", "LessThanOrEqualTo"):
        if is_blank(left) or is_blank(right):
            return False
        c = compare_values(left, right)
        return {"GreaterThan": c > 0, "GreaterThanOrEqualTo": c >= 0, "LessThan": c < 0, "LessThanOrEqualTo": c <= 0}[
            op
        ]
    if op == "IsNull":
        return (left is None or left == "") == bool(right)
    if op == "IsBlank":
        return is_blank(left) == bool(right)
    if op == "Contains":
        return left is not None and right is not None and str(right) in str(left)
    if op == "StartsWith":
        return left is not None and right is not None and str(left).startswith(str(right))
    if op == "EndsWith":
        return left is not None and right is not None and str(left).endswith(str(right))
    if op == "IsChanged":
        return bool(changed) == bool(right)
    raise FormulaRuntimeError(f"unsupported operator {op}")


# A parsed condition logic: ("ref", i) | ("and", a, b) | ("or", a, b) | ("not", a).
LogicTree = Union[tuple[str, int], tuple[str, "LogicTree"], tuple[str, "LogicTree", "LogicTree"]]

_TOKEN = re.compile(r"\s*(\d+|AND|OR|NOT|\(|\))", re.IGNORECASE)


def parse_logic(logic: str | None, count: int) -> LogicTree | None:
    """Condition logic -> tree: ("ref", i) | ("and", a, b) | ("or", a, b) | ("not", a).
    "and"/"or" (or nothing) combine all `count` conditions. Raises ValueError for bad logic."""
    text = (logic or "and").strip()
    if text.lower() in ("and", "or"):
        if count == 0:
            return None
        tree: LogicTree = ("ref", 0)
        for i in range(1, count):
            tree = (text.lower(), tree, ("ref", i))
        return tree
    tokens, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise ValueError(f"bad condition logic {logic!r} at {text[pos:]!r}")
        tokens.append(m.group(1).upper())
        pos = m.end()
    index = [0]

    def peek():
        return tokens[index[0]] if index[0] < len(tokens) else None

    def take():
        tok = peek()
        index[0] += 1
        return tok

    def parse_binary(kind, operand):
        node = operand()
        while peek() == kind.upper():
            take()
            node = (kind, node, operand())
        return node

    def parse_or():
        return parse_binary("or", parse_and)

    def parse_and():
        return parse_binary("and", parse_not)

    def parse_not():
        if peek() == "NOT":
            take()
            return ("not", parse_not())
        tok = take()
        if tok == "(":
            node = parse_or()
            if take() != ")":
                raise ValueError(f"unbalanced parentheses in condition logic {logic!r}")
            return node
        if tok is None or not tok.isdigit():
            raise ValueError(f"bad condition logic {logic!r}")
        n = int(tok)
        if not 1 <= n <= count:
            raise ValueError(f"condition logic {logic!r} refers to condition {n}, but there are {count}")
        return ("ref", n - 1)

    tree = parse_or()
    if index[0] != len(tokens):
        raise ValueError(f"bad condition logic {logic!r}")
    return tree


def fold_logic(tree, leaf, both, either, negate):
    """Evaluate or translate a logic tree: `leaf(i)` for conditions, the others combine."""
    kind = tree[0]
    if kind == "ref":
        return leaf(tree[1])
    if kind == "not":
        return negate(fold_logic(tree[1], leaf, both, either, negate))
    left = fold_logic(tree[1], leaf, both, either, negate)
    right = fold_logic(tree[2], leaf, both, either, negate)
    return both(left, right) if kind == "and" else either(left, right)


def compile_logic(logic: str | None, count: int) -> Callable[[list[bool]], bool]:
    """Return a function list[bool] -> bool. Raises ValueError for bad logic."""
    tree = parse_logic(logic, count)
    if tree is None:
        return lambda results: True
    return lambda results: fold_logic(
        tree, lambda i: results[i], lambda a, b: a and b, lambda a, b: a or b, lambda a: not a
    )
