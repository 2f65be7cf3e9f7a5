"""The parsed form of a SOQL query: plain, immutable data the executor walks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Union


@dataclass(frozen=True)
class FieldRef:
    """`Name` or one parent hop such as `RecordType.DeveloperName`; `column` is where it starts (1-based)."""

    path: tuple[str, ...]
    column: int = 0

    @property
    def text(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class DateLiteral:
    """A relative date such as TODAY or LAST_N_DAYS:30, resolved against the org clock at run time."""

    name: str
    n: int | None = None

    @property
    def text(self) -> str:
        return self.name if self.n is None else f"{self.name}:{self.n}"


Value = Union[str, int, float, bool, None, dt.date, dt.datetime, DateLiteral]


@dataclass(frozen=True)
class Compare:
    field: FieldRef
    op: str  # one of = != < > <= >=
    value: Value


@dataclass(frozen=True)
class InList:
    field: FieldRef
    values: tuple[Value, ...]
    negated: bool = False


@dataclass(frozen=True)
class Like:
    field: FieldRef
    pattern: str


@dataclass(frozen=True)
class And:
    items: tuple["Condition", ...]


@dataclass(frozen=True)
class Or:
    items: tuple["Condition", ...]


@dataclass(frozen=True)
class Not:
    item: "Condition"


Condition = Union[Compare, InList, Like, And, Or, Not]


@dataclass(frozen=True)
class OrderItem:
    field: FieldRef
    descending: bool = False
    nulls_last: bool = False


@dataclass(frozen=True)
class SubQuery:
    """`(SELECT ... FROM <child relationship> ...)` inside a select list."""

    relationship: str
    column: int
    fields: tuple[FieldRef, ...]
    where: "Condition | None" = None
    order_by: tuple["OrderItem", ...] = ()
    limit: int | None = None


@dataclass(frozen=True)
class Query:
    sobject: str
    sobject_column: int
    fields: tuple  # FieldRef and SubQuery items in select order; empty for SELECT COUNT()
    count_only: bool = False
    where: Condition | None = None
    order_by: tuple[OrderItem, ...] = field(default_factory=tuple)
    limit: int | None = None
    offset: int | None = None
    text: str = ""
