"""SOQL text -> `ast.Query`, with Salesforce's MALFORMED_QUERY errors for anything outside the subset."""

from __future__ import annotations

import datetime as dt
import functools

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from orgsim.soql import ast
from orgsim.soql.errors import SoqlError, malformed
from sfpay.paths import resource  # noqa: E402

GRAMMAR_PATH = resource("orgsim.soql", "soql.lark")

# Relative date literals the executor can resolve; the ones taking `:n` are listed separately.
DATE_LITERALS = frozenset({"TODAY", "YESTERDAY", "TOMORROW"})
DATE_LITERALS_N = frozenset({"LAST_N_DAYS", "NEXT_N_DAYS"})
MAX_OFFSET = 2000  # Salesforce's documented OFFSET ceiling.


@functools.cache
def _lark() -> Lark:
    return Lark(GRAMMAR_PATH.read_text(), parser="lalr", propagate_positions=True, maybe_placeholders=False)


class _Unsupported(Exception):
    def __init__(self, column: int, detail: str):
        self.column = column
        self.detail = detail


def _column(token: Token) -> int:
    return (token.start_pos or 0) + 1


def _unquote(raw: str) -> str:
    escapes = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "'": "'", '"': '"', "\\": "\\"}
    out, chars = [], iter(raw[1:-1])
    for ch in chars:
        if ch != "\\":
            out.append(ch)
            continue
        nxt = next(chars, "")
        # LIKE keeps \% and \_ escaped so the pattern matcher can tell them from wildcards.
        out.append(escapes.get(nxt, "\\" + nxt))
    return "".join(out)


def _parse_datetime(text: str) -> dt.datetime:
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    elif len(text) >= 5 and text[-5] in "+-" and text[-3] != ":":
        text = text[:-2] + ":" + text[-2:]
    return dt.datetime.fromisoformat(text)


@v_args(inline=True)
class _ToAst(Transformer):
    def start(self, select, sobject, *clauses):
        parts: dict = {"fields": select, "sobject": str(sobject), "sobject_column": _column(sobject)}
        for kind, payload in clauses:
            parts[kind] = payload
        fields = parts.pop("fields")
        return ast.Query(
            fields=() if fields is None else tuple(fields),
            count_only=fields is None,
            **parts,
        )

    def select_list(self, *items):
        if len(items) == 1 and items[0] is None:
            return None
        return list(items)

    def count_all(self):
        return None

    def subquery(self, *parts):
        fields, rest = [], list(parts)
        while rest and isinstance(rest[0], ast.FieldRef):
            fields.append(rest.pop(0))
        relationship = rest.pop(0)
        clauses = dict(rest)
        return ast.SubQuery(
            str(relationship),
            _column(relationship),
            tuple(fields),
            clauses.get("where"),
            clauses.get("order_by", ()),
            clauses.get("limit"),
        )

    def field_ref(self, *names):
        if len(names) > 2:
            raise _Unsupported(
                _column(names[0]),
                f"relationship path '{'.'.join(names)}' goes more than one parent deep; orgsim supports one level (e.g. RecordType.DeveloperName)",
            )
        return ast.FieldRef(tuple(str(n) for n in names), _column(names[0]))

    def where(self, condition):
        return ("where", condition)

    def or_expr(self, *items):
        return ast.Or(tuple(items))

    def and_expr(self, *items):
        return ast.And(tuple(items))

    def not_(self, item):
        return ast.Not(item)

    def compare(self, field, op, value):
        op = "!=" if str(op) == "<>" else str(op)
        return ast.Compare(field, op, value)

    def in_list(self, field, values):
        return ast.InList(field, tuple(values), negated=False)

    def not_in_list(self, field, values):
        return ast.InList(field, tuple(values), negated=True)

    def like(self, field, value):
        if not isinstance(value, str):
            raise _Unsupported(field.column, "LIKE needs a string pattern in single quotes")
        return ast.Like(field, value)

    def value_list(self, *values):
        return list(values)

    def string(self, token):
        return _unquote(str(token))

    def number(self, token):
        text = str(token)
        return float(text) if any(c in text for c in ".eE") else int(text)

    def date(self, token):
        try:
            return dt.date.fromisoformat(str(token))
        except ValueError:
            raise _Unsupported(_column(token), f"invalid date: {token}") from None

    def datetime(self, token):
        try:
            return _parse_datetime(str(token))
        except ValueError:
            raise _Unsupported(_column(token), f"invalid datetime: {token}") from None

    def null(self):
        return None

    def true(self):
        return True

    def false(self):
        return False

    def date_literal(self, token):
        name = str(token).upper()
        if name not in DATE_LITERALS:
            if "_" in name or str(token).isupper():
                raise _Unsupported(
                    _column(token),
                    f"date literal '{token}' is not supported by orgsim (supported: {', '.join(sorted(DATE_LITERALS | DATE_LITERALS_N))})",
                )
            raise _Unsupported(_column(token), f"unexpected token: '{token}'")
        return ast.DateLiteral(name)

    def date_literal_n(self, token):
        name, _, n = str(token).partition(":")
        if name.upper() not in DATE_LITERALS_N:
            raise _Unsupported(
                _column(token),
                f"date literal '{name}' is not supported by orgsim (supported: {', '.join(sorted(DATE_LITERALS | DATE_LITERALS_N))})",
            )
        return ast.DateLiteral(name.upper(), int(n))

    def order_by(self, *items):
        return ("order_by", tuple(items))

    def order_item(self, field, *rest):
        descending, nulls_last = False, None
        for part in rest:
            if isinstance(part, Token) and part.type == "DIRECTION":
                descending = part.upper() == "DESC"
            else:
                nulls_last = part
        if nulls_last is None:
            nulls_last = descending  # Salesforce: ASC puts nulls first, DESC puts them last.
        return ast.OrderItem(field, descending, nulls_last)

    def nulls(self, position):
        return position.upper() == "LAST"

    def limit(self, token):
        return ("limit", int(token))

    def offset(self, token):
        value = int(token)
        if value > MAX_OFFSET:
            raise _Unsupported(_column(token), f"Maximum SOQL offset allowed is {MAX_OFFSET}")
        return ("offset", value)

    def for_clause(self, token):
        raise _Unsupported(_column(token), f"FOR {token} is not supported by orgsim")


def parse(soql: str) -> ast.Query:
    """Parse a SOQL query or raise `SoqlError` (MALFORMED_QUERY) naming the column."""
    # Newlines become spaces so positions map to Salesforce's single "Row:1" report.
    text = soql.replace("\r", " ").replace("\n", " ")
    try:
        tree = _lark().parse(text)
    except UnexpectedInput as exc:
        raise _syntax_error(soql, text, exc) from None
    try:
        query = _ToAst().transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, _Unsupported):
            raise malformed(soql, exc.orig_exc.column, exc.orig_exc.detail) from None
        raise
    return ast.Query(**{**query.__dict__, "text": soql})


def _syntax_error(soql: str, text: str, exc: UnexpectedInput) -> SoqlError:
    if isinstance(exc, UnexpectedEOF) or (isinstance(exc, UnexpectedToken) and exc.token.type == "$END"):
        return malformed(soql, len(text.rstrip()) + 1, "unexpected token: '<EOF>'")
    if isinstance(exc, UnexpectedToken):
        token = exc.token
        return malformed(soql, _column(token), f"unexpected token: '{token}'")
    if isinstance(exc, UnexpectedCharacters):
        return malformed(soql, exc.pos_in_stream + 1, f"unexpected token: '{text[exc.pos_in_stream]}'")
    return malformed(soql, 1, str(exc))


__all__ = ["parse", "SoqlError"]
