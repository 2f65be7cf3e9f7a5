"""Parse formula text into the syntax tree (lark LALR grammar in grammar.lark)."""

from __future__ import annotations

from functools import lru_cache

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import LarkError, UnexpectedInput

from orgsim.formula.ast import BinOp, Call, Literal, Neg, Ref, number
from sfpay.paths import resource  # noqa: E402

GRAMMAR = resource("orgsim.formula", "grammar.lark").read_text(encoding="utf-8")
KEYWORDS = {"TRUE": True, "FALSE": False, "NULL": None}


class FormulaSyntaxError(ValueError):
    def __init__(self, message: str, text: str, column: int | None = None):
        where = f" at column {column}" if column else ""
        super().__init__(f"formula syntax error{where}: {message} in {text!r}")
        self.column = column


def _unquote(text: str) -> str:
    body = text[1:-1]
    out, i = [], 0
    escapes = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'"}
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            out.append(escapes.get(body[i + 1], body[i + 1]))
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


@v_args(inline=True)
class _ToAst(Transformer):
    def number(self, tok):
        return number(str(tok))

    def string(self, tok):
        return Literal(_unquote(str(tok)))

    def merge(self, tok):
        return Ref(str(tok)[2:-1].strip())

    def bare(self, tok):
        name = str(tok)
        if name.upper() in KEYWORDS:
            return Literal(KEYWORDS[name.upper()])
        return Ref(name)

    def call(self, name, args=None):
        return Call(str(name).upper(), tuple(args.children) if args is not None else ())

    def or_op(self, left, right):
        return BinOp("||", left, right)

    def and_op(self, left, right):
        return BinOp("&&", left, right)

    def compare(self, left, op: Token, right):
        symbol = str(op)
        return BinOp({"==": "=", "<>": "!="}.get(symbol, symbol), left, right)

    def concat(self, left, right):
        return BinOp("&", left, right)

    def arith(self, left, op, right):
        return BinOp(str(op), left, right)

    def power(self, left, right):
        return BinOp("^", left, right)

    def neg(self, operand):
        return Neg(operand)


@lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark(GRAMMAR, parser="lalr", maybe_placeholders=False)


@lru_cache(maxsize=4096)
def parse(text: str):
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as exc:
        raise FormulaSyntaxError(str(exc).splitlines()[0], text, getattr(exc, "column", None)) from None
    except LarkError as exc:
        raise FormulaSyntaxError(str(exc), text) from None
    return _ToAst().transform(tree)
