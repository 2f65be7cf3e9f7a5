"""SOQL text -> `ast.Query`, with Salesforce's MALFORMED_QUERY errors for anything outside the subset."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from orgsim.soql import ast
from orgsim.soql.errors import SoqlError, malformed
from sfmeta.api_limits import EARLIEST_DATE, LATEST_DATE, NUMBER_DIGITS
from sfpay.paths import resource  # noqa: E402

GRAMMAR_PATH = resource("orgsim.soql", "soql.lark")

# Relative date literals the executor can resolve; the ones taking `:n` are listed separately.
DATE_LITERALS = frozenset({"TODAY", "YESTERDAY", "TOMORROW"})
DATE_LITERALS_N = frozenset({"LAST_N_DAYS", "NEXT_N_DAYS"})
MAX_OFFSET = 2000  # Salesforce's documented OFFSET ceiling.
# orgsim's own bounds where Salesforce documents none (refused, never clamped): LIMIT as a
# 32-bit integer; LAST_N_DAYS/NEXT_N_DAYS within the span of Salesforce's valid dates
# (sfmeta/api_limits.py); WHERE nesting (NOT/parentheses) far below Python's recursion limit.
MAX_LIMIT = 2**31 - 1
MAX_DATE_N = (LATEST_DATE - EARLIEST_DATE).days
MAX_NESTING = 100


@functools.cache
def _lark() -> Lark:
    return Lark(GRAMMAR_PATH.read_text(), parser="lalr", propagate_positions=True, maybe_placeholders=False)


class _Unsupported(Exception):
    def __init__(self, column: int, detail: str):
        self.column = column
        self.detail = detail


def _column(token: Token) -> int:
    return (token.start_pos or 0) + 1


# SOQL's escape sequences ("Quoted String Escape Sequences"): \n \N \r \R \t \T \b \B \f \F
# \" \' \\ and \uXXXX; \_ and \% in LIKE expressions only; "If you use a backslash character in
# any other context, an error occurs."
# https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}
_LIKE_ONLY = frozenset("%_")
_HEX = frozenset("0123456789abcdefABCDEF")


class _Text(str):
    """A string literal's value, remembering its token so LIKE can read its own escapes."""

    token: Token
    like_only: bool  # holds \% or \_, which only a LIKE pattern may


def _unquote(token: Token, like: bool) -> tuple[str, bool]:
    r"""(value, uses LIKE-only escapes). In a LIKE pattern \% and \_ stay escaped and a
    backslash is doubled, so the pattern matcher (ESCAPE '\\') reads them literally."""
    raw = str(token)
    out: list[str] = []
    like_only = False
    i, end = 1, len(raw) - 1
    while i < end:
        ch = raw[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        nxt = raw[i + 1] if i + 1 < end else ""
        if nxt in ("'", '"'):
            out.append(nxt)
        elif nxt and nxt.lower() in "nrtbf":
            out.append(_ESCAPES[nxt.lower()])
        elif nxt == "\\":
            out.append("\\\\" if like else "\\")
        elif nxt in _LIKE_ONLY:
            like_only = True
            out.append("\\" + nxt)
        elif nxt == "u" and len(raw[i + 2 : i + 6]) == 4 and set(raw[i + 2 : i + 6]) <= _HEX and i + 6 <= end:
            out.append(chr(int(raw[i + 2 : i + 6], 16)))
            i += 6
            continue
        else:
            raise _Unsupported(_column(token) + i, _illegal(raw, nxt))
        i += 2
    return "".join(out), like_only


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
        return ast.Compare(field, op, _plain(value))

    def in_list(self, field, values):
        return ast.InList(field, tuple(_plain(v) for v in values), negated=False)

    def not_in_list(self, field, values):
        return ast.InList(field, tuple(_plain(v) for v in values), negated=True)

    def like(self, field, value):
        if not isinstance(value, _Text):
            raise _Unsupported(field.column, "LIKE needs a string pattern in single quotes")
        pattern, _ = _unquote(value.token, like=True)
        return ast.Like(field, pattern)

    def value_list(self, *values):
        return list(values)

    def string(self, token):
        value, like_only = _unquote(token, like=False)
        text = _Text(value)
        text.token, text.like_only = token, like_only
        return text

    def number(self, token):
        text = str(token)
        # Checked on the exponent before int()/float(): a 5000-digit literal is a ValueError
        # in int() and 1e400 is inf. No Salesforce number has more than 18 integer digits.
        magnitude = Decimal(text)
        if magnitude and magnitude.adjusted() >= NUMBER_DIGITS:
            shown = text if len(text) <= 30 else text[:27] + "..."
            raise _Unsupported(
                _column(token), f"number {shown} is out of range (at most {NUMBER_DIGITS} digits before the point)"
            )
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
        if len(n) > len(str(MAX_DATE_N)) or int(n) > MAX_DATE_N:
            raise _Unsupported(
                _column(token),
                f"{name.upper()}:n reaches past Salesforce's dates (1700-01-01 to 4000-12-31); n must be at most {MAX_DATE_N:,}",
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
        if len(str(token)) > len(str(MAX_LIMIT)) or int(token) > MAX_LIMIT:
            raise _Unsupported(_column(token), f"LIMIT must be at most {MAX_LIMIT:,} in orgsim")
        return ("limit", int(token))

    def offset(self, token):
        value = int(token) if len(str(token)) <= 9 else MAX_OFFSET + 1
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
    deepest = _nesting(tree)
    if deepest > MAX_NESTING:
        raise malformed(soql, 1, f"the query nests {deepest} levels deep; orgsim accepts at most {MAX_NESTING}")
    try:
        query = _ToAst().transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, _Unsupported):
            raise malformed(soql, exc.orig_exc.column, exc.orig_exc.detail) from None
        raise
    return ast.Query(**{**query.__dict__, "text": soql})


def _illegal(raw: str, sequence: str) -> str:
    return f"Invalid string literal {raw}. Illegal character sequence '\\{sequence}' in string literal."


def _plain(value):
    r"""A literal outside LIKE: \% and \_ are LIKE-only escapes there."""
    if not isinstance(value, _Text):
        return value
    if value.like_only:
        sequence = "%" if "\\%" in str(value.token) else "_"
        raise _Unsupported(_column(value.token), _illegal(str(value.token), sequence))
    return str(value)


def _nesting(tree) -> int:
    """Depth of the parse tree, walked without recursion (the transformer recurses per level)."""
    from lark import Tree

    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tree))
    return deepest


def _syntax_error(soql: str, text: str, exc: UnexpectedInput) -> SoqlError:
    if isinstance(exc, UnexpectedEOF) or (isinstance(exc, UnexpectedToken) and exc.token.type == "$END"):
        return malformed(soql, len(text.rstrip()) + 1, "unexpected token: '<EOF>'")
    if isinstance(exc, UnexpectedToken):
        token = exc.token
        return malformed(soql, _column(token), f"unexpected token: '{token}'")
    if isinstance(exc, UnexpectedCharacters) and exc.pos_in_stream is not None:
        return malformed(soql, exc.pos_in_stream + 1, f"unexpected token: '{text[exc.pos_in_stream]}'")
    return malformed(soql, 1, str(exc))


__all__ = ["parse", "SoqlError"]
