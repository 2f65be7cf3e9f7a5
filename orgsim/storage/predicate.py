"""Filters over records, compiled to SQL by the store.

This is the query primitive under the SOQL executor (orgsim/soql) and the flow interpreter's
Get/Update Records: a small tree of comparisons on field paths. A path is a field of the
object (`StageName`) or a parent field through relationships (`RecordType.DeveloperName`,
`Account.Owner.Email`).

Semantics follow SOQL: text comparisons ignore case; `= None` is IS NULL; `!= value` also
matches rows where the field is null; LIKE uses `%` and `_` and ignores case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Union

OPERATORS = ("=", "!=", "<", "<=", ">", ">=", "LIKE", "IN", "NOT IN")


@dataclass(frozen=True)
class Compare:
    path: str
    op: str
    value: Any

    def __post_init__(self):
        if self.op not in OPERATORS:
            raise ValueError(f"unknown operator {self.op!r}; expected one of {', '.join(OPERATORS)}")


@dataclass(frozen=True)
class And:
    items: tuple


@dataclass(frozen=True)
class Or:
    items: tuple


@dataclass(frozen=True)
class Not:
    item: Any


Predicate = Union[Compare, And, Or, Not, None]


def all_of(*items) -> Predicate:
    items = tuple(i for i in items if i is not None)
    if not items:
        return None
    return items[0] if len(items) == 1 else And(items)


def eq(path: str, value: Any) -> Compare:
    return Compare(path, "=", value)
