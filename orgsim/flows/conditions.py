"""Condition operators of decisions and start filters, and condition logic
("and", "or", or custom logic such as "1 AND (2 OR 3)")."""

from __future__ import annotations

import re

from orgsim.formula.values import FormulaRuntimeError, compare_values, is_blank, values_equal

OPERATORS = {
    "EqualTo", "NotEqualTo", "GreaterThan", "GreaterThanOrEqualTo", "LessThan", "LessThanOrEqualTo",
    "IsNull", "IsBlank", "Contains", "StartsWith", "EndsWith", "IsChanged",
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
        return {"GreaterThan": c > 0, "GreaterThanOrEqualTo": c >= 0, "LessThan": c < 0, "LessThanOrEqualTo": c <= 0}[op]
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


_TOKEN = re.compile(r"\s*(\d+|AND|OR|NOT|\(|\))", re.IGNORECASE)


def compile_logic(logic: str | None, count: int):
    """Return a function list[bool] -> bool. Raises ValueError for bad logic."""
    text = (logic or "and").strip()
    if text.lower() == "and":
        return all
    if text.lower() == "or":
        return any
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

    def parse_or():
        node = parse_and()
        while peek() == "OR":
            take()
            node = ("or", node, parse_and())
        return node

    def parse_and():
        node = parse_not()
        while peek() == "AND":
            take()
            node = ("and", node, parse_not())
        return node

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

    def evaluate(node, results):
        kind = node[0]
        if kind == "ref":
            return results[node[1]]
        if kind == "not":
            return not evaluate(node[1], results)
        if kind == "and":
            return evaluate(node[1], results) and evaluate(node[2], results)
        return evaluate(node[1], results) or evaluate(node[2], results)

    return lambda results: evaluate(tree, list(results))
