"""Run a parsed query over a `QuerySource`: filter, sort, slice and shape records like the REST API."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from orgsim.soql import ast
from orgsim.soql.errors import SoqlError, invalid_field, malformed
from orgsim.soql.parser import parse
from orgsim.soql.schema import ResolvedField, Schema
from orgsim.soql.source import QuerySource
from orgsim.soql.values import LiteralTypeError, compare, like_regex, literal_key, stored_key

DEFAULT_API_VERSION = "66.0"


@dataclass
class QueryResult:
    """`records` are REST-shaped (with `attributes`); `total_size` counts every match, before LIMIT
    pagination by the server, after LIMIT/OFFSET of the query itself."""

    total_size: int
    records: list[dict] = field(default_factory=list)


class _Row:
    """A stored record plus its parents, fetched lazily per relationship."""

    __slots__ = ("record", "parents")

    def __init__(self, record: dict):
        self.record = record
        self.parents: dict[str, dict | None] = {}

    def value(self, resolved: ResolvedField):
        if resolved.relationship is None:
            return self.record.get(resolved.name)
        parent = self.parents.get(resolved.relationship)
        return None if parent is None else parent.get(resolved.name)


Predicate = Callable[[_Row], bool]


class _Compiler:
    def __init__(self, query: ast.Query, schema: Schema, now: dt.datetime):
        self.query = query
        self.schema = schema
        self.now = now
        self.used: dict[tuple[str, ...], ResolvedField] = {}

    def field(self, ref: ast.FieldRef) -> ResolvedField:
        resolved = self.schema.resolve(self.query.sobject, ref)
        self.used[resolved.key] = resolved
        return resolved

    def literal(self, ref: ast.FieldRef, resolved: ResolvedField, value):
        try:
            return literal_key(value, resolved.type, resolved.name, self.now)
        except LiteralTypeError as exc:
            raise invalid_field(self.query.text, ref.column, str(exc)) from None

    def condition(self, node: ast.Condition) -> Predicate:
        if isinstance(node, ast.And):
            parts = [self.condition(item) for item in node.items]
            return lambda row: all(p(row) for p in parts)
        if isinstance(node, ast.Or):
            parts = [self.condition(item) for item in node.items]
            return lambda row: any(p(row) for p in parts)
        if isinstance(node, ast.Not):
            inner = self.condition(node.item)
            return lambda row: not inner(row)
        resolved = self.field(node.field)
        kind = resolved.type
        if isinstance(node, ast.Compare):
            literal = self.literal(node.field, resolved, node.value)
            if node.op in ("<", ">", "<=", ">=") and kind in ("boolean", "multipicklist"):
                raise invalid_field(
                    self.query.text, node.field.column, f"invalid operator on {kind} field: {resolved.name}"
                )
            return lambda row: compare(stored_key(row.value(resolved), kind), node.op, literal)
        if isinstance(node, ast.InList):
            literals = [self.literal(node.field, resolved, v) for v in node.values]
            if any(isinstance(lit, tuple) for lit in literals):
                raise invalid_field(self.query.text, node.field.column, "relative date literals are not allowed in IN lists")
            wanted = set(literals)
            if node.negated:
                return lambda row: stored_key(row.value(resolved), kind) not in wanted
            return lambda row: stored_key(row.value(resolved), kind) in wanted
        if isinstance(node, ast.Like):
            if kind not in ("string", "textarea", "picklist", "email", "url", "phone", "id", "reference",
                            "combobox", "encryptedstring"):
                raise invalid_field(
                    self.query.text, node.field.column, f"invalid operator on {kind} field: {resolved.name}"
                )
            regex = like_regex(node.pattern)

            def like(row: _Row) -> bool:
                value = row.value(resolved)
                return value is not None and regex.fullmatch(str(value)) is not None

            return like
        raise AssertionError(f"unknown condition node {node!r}")


def _sort_key(resolved: ResolvedField):
    def key(row: _Row):
        return stored_key(row.value(resolved), resolved.type)

    return key


def _ordered(rows: list[_Row], keys: list[tuple[Callable, ast.OrderItem]]) -> list[_Row]:
    def cmp(a: _Row, b: _Row) -> int:
        for key, item in keys:
            va, vb = key(a), key(b)
            if va == vb:
                continue
            if va is None or vb is None:
                # nulls_last puts None after everything regardless of direction.
                return (1 if va is None else -1) * (1 if item.nulls_last else -1)
            result = -1 if va < vb else 1
            return -result if item.descending else result
        return 0

    return sorted(rows, key=functools.cmp_to_key(cmp))


def _attach_parents(source: QuerySource, rows: list[_Row], fields: list[ResolvedField]) -> None:
    by_relationship: dict[str, ResolvedField] = {}
    for resolved in fields:
        if resolved.relationship:
            by_relationship.setdefault(resolved.relationship, resolved)
    for relationship, resolved in by_relationship.items():
        ids = {row.record.get(resolved.lookup_field) for row in rows} - {None}
        parents = source.rows_by_id(resolved.parent_sobject, ids) if ids else {}
        for row in rows:
            row.parents[relationship] = parents.get(row.record.get(resolved.lookup_field))


def _attributes(sobject: str, record_id: str | None, api_version: str) -> dict:
    attrs = {"type": sobject}
    if record_id:
        attrs["url"] = f"/services/data/v{api_version}/sobjects/{sobject}/{record_id}"
    return attrs


def _render(row: _Row, sobject: str, selected: list[ResolvedField], api_version: str) -> dict:
    out: dict = {"attributes": _attributes(sobject, row.record.get("Id"), api_version)}
    for resolved in selected:
        if resolved.relationship is None:
            out[resolved.name] = row.record.get(resolved.name)
            continue
        parent = row.parents.get(resolved.relationship)
        if parent is None:
            out[resolved.relationship] = None
            continue
        nested = out.get(resolved.relationship)
        if nested is None:
            nested = out[resolved.relationship] = {
                "attributes": _attributes(resolved.parent_sobject, parent.get("Id"), api_version)
            }
        nested[resolved.name] = parent.get(resolved.name)
    return out


def execute(
    query: ast.Query | str,
    source: QuerySource,
    *,
    include_deleted: bool = False,
    api_version: str = DEFAULT_API_VERSION,
) -> QueryResult:
    """Run `query` (text or parsed) against `source`; raise `SoqlError` like Salesforce would."""
    if isinstance(query, str):
        query = parse(query)
    schema = Schema(source, query.text)
    sobject = schema.describe(query.sobject, query.sobject_column)["name"]
    query = ast.Query(**{**query.__dict__, "sobject": sobject})
    compiler = _Compiler(query, schema, source.now())

    selected: list[ResolvedField] = []
    seen: set[tuple[str, ...]] = set()
    for ref in query.fields:
        resolved = compiler.field(ref)
        if resolved.key in seen:
            raise malformed(query.text, ref.column, f"duplicate field selected: {ref.text}")
        seen.add(resolved.key)
        selected.append(resolved)
    predicate = compiler.condition(query.where) if query.where is not None else None
    order_keys = [(_sort_key(compiler.field(item.field)), item) for item in query.order_by]

    rows = [_Row(record) for record in source.rows(sobject, include_deleted=include_deleted)]
    _attach_parents(source, rows, list(compiler.used.values()))
    if predicate is not None:
        rows = [row for row in rows if predicate(row)]
    if order_keys:
        rows = _ordered(rows, order_keys)
    start = query.offset or 0
    rows = rows[start:] if query.limit is None else rows[start : start + query.limit]
    if query.count_only:
        return QueryResult(total_size=len(rows))
    return QueryResult(total_size=len(rows), records=[_render(r, sobject, selected, api_version) for r in rows])


__all__ = ["execute", "QueryResult", "SoqlError"]
