"""A deliberately small evaluator for the formula subset the flows use (FIND, MID, IF, AND,
OR, NOT, ISBLANK, ISCHANGED, TEXT, =, <>, >=, +, -, &, string and number literals, {!merge}
references).

It exists to test our formula text against real Stripe payloads; the org emulator has the
full formula engine. Semantics follow Salesforce: FIND is 1-based and returns 0 when absent,
MID is 1-based, blank text is "".
"""

from __future__ import annotations

import re

TOKEN = re.compile(
    r'\s*(?:(?P<str>"(?:\\.|[^"\\])*")|(?P<num>\d+(?:\.\d+)?)|(?P<ref>\{![^}]+\})'
    r"|(?P<name>[A-Z_]+)|(?P<op><>|>=|<=|[(),=&+\-<>*]))"
)


def tokenize(text: str) -> list[tuple[str, str]]:
    pos, out = 0, []
    text = text.strip()
    while pos < len(text):
        match = TOKEN.match(text, pos)
        if not match:
            raise SyntaxError(f"cannot tokenize at {text[pos : pos + 20]!r}")
        kind = match.lastgroup
        out.append((kind, match.group(kind)))
        pos = match.end()
    return out


class Evaluator:
    def __init__(self, resolve, resolve_prior=None):
        self.resolve = resolve
        self.resolve_prior = resolve_prior

    def evaluate(self, text: str):
        self.tokens = tokenize(text)
        self.i = 0
        value = self.compare()
        if self.i != len(self.tokens):
            raise SyntaxError(f"trailing tokens {self.tokens[self.i :]}")
        return value

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else (None, None)

    def take(self, expected=None):
        token = self.tokens[self.i]
        if expected and token[1] != expected:
            raise SyntaxError(f"expected {expected}, got {token}")
        self.i += 1
        return token

    def compare(self):
        left = self.concat()
        while self.peek()[1] in ("=", "<>", ">=", "<=", ">", "<"):
            op = self.take()[1]
            right = self.concat()
            if op in ("=", "<>"):
                left = (left == right) if op == "=" else (left != right)
            elif left is None or right is None:
                left = False  # a blank never satisfies an ordering comparison
            else:
                left = {">=": left >= right, "<=": left <= right, ">": left > right, "<": left < right}[op]
        return left

    def concat(self):
        left = self.additive()
        while self.peek()[1] == "&":
            self.take()
            left = f"{left or ''}{self.additive() or ''}"
        return left

    def additive(self):
        left = self.primary()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            right = self.primary()
            left = left + right if op == "+" else left - right
        return left

    def primary(self):
        kind, value = self.take()
        if kind == "str":
            return re.sub(r"\\(.)", r"\1", value[1:-1])
        if kind == "num":
            return float(value) if "." in value else int(value)
        if kind == "ref":
            return self.resolve(value[2:-1])
        if kind == "op" and value == "(":
            inner = self.compare()
            self.take(")")
            return inner
        if kind == "name" and value == "ISCHANGED":
            self.take("(")
            ref_kind, ref = self.take()
            if ref_kind != "ref":
                raise SyntaxError("ISCHANGED takes a field reference")
            self.take(")")
            name = ref[2:-1]
            return self.resolve(name) != self.resolve_prior(name)
        if kind == "name":
            self.take("(")
            args = []
            if self.peek()[1] != ")":
                args.append(self.compare())
                while self.peek()[1] == ",":
                    self.take()
                    args.append(self.compare())
            self.take(")")
            return FUNCTIONS[value](*args)
        raise SyntaxError(f"unexpected {value!r}")


def _find(needle: str, haystack: str, start: int = 1) -> int:
    if start < 1:
        return 0
    return (haystack or "").find(needle, start - 1) + 1


def _mid(text: str, start: int, length: int) -> str:
    if length <= 0 or start < 1:
        return ""
    return (text or "")[start - 1 : start - 1 + length]


FUNCTIONS = {
    "FIND": _find,
    "MID": _mid,
    "IF": lambda c, a, b: a if c else b,
    "AND": lambda *a: all(a),
    "OR": lambda *a: any(a),
    "NOT": lambda a: not a,
    "ISBLANK": lambda a: a is None or a == "",
    "TEXT": lambda a: "" if a is None else str(a),
}
