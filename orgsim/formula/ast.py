"""Formula syntax tree: small immutable nodes built from the lark parse tree."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Literal:
    value: Any


@dataclass(frozen=True)
class Ref:
    """A merge field: `{!$Record.Amount}` or a bare `$Record.Amount` -> path '$Record.Amount'."""

    path: str


@dataclass(frozen=True)
class Call:
    name: str  # upper case
    args: tuple


@dataclass(frozen=True)
class BinOp:
    op: str  # + - * / ^ & = != < <= > >= && ||
    left: Any
    right: Any


@dataclass(frozen=True)
class Neg:
    operand: Any


def number(text: str) -> Literal:
    return Literal(Decimal(text))
