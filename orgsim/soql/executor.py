"""Turn a parsed query into one call on the core's query primitive (`select` / `count`) and
shape the rows like the REST API (`attributes`, nested parent objects, JSON values)."""

from __future__ import annotations

from dataclasses import dataclass, field

from orgsim.soql import ast
from orgsim.soql.errors import SoqlError, invalid_field, malformed
from orgsim.soql.parser import parse
from orgsim.soql.schema import ResolvedField, Schema
from orgsim.soql.source import QuerySource
from orgsim.soql.values import LIKE_TYPES, LiteralTypeError, literal_value

DEFAULT_API_VERSION = "66.0"


@dataclass
class QueryResult:
    """`records` are REST-shaped (with `attributes`, JSON values); `total_size` counts the rows
    the query returns (after its own LIMIT/OFFSET; the server pages them with nextRecordsUrl)."""

    total_size: int
    records: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"totalSize": self.total_size, "done": True, "records": self.records}


class _Compiler:
    """WHERE -> the core's predicate tree (orgsim.storage.predicate), with typed values."""

    def __init__(self, query: ast.Query, schema: Schema, now):
        self.query = query
        self.schema = schema
        self.now = now

    def field(self, ref: ast.FieldRef) -> ResolvedField:
        return self.schema.resolve(self.query.sobject, ref)

    def _literal(self, ref: ast.FieldRef, resolved: ResolvedField, value):
        try:
            return literal_value(value, resolved.type, resolved.name, self.now)
        except LiteralTypeError as exc:
            raise invalid_field(self.query.text, ref.column, str(exc)) from None

    def condition(self, node: ast.Condition):
        from orgsim.storage.predicate import And, Compare, Not, Or

        if isinstance(node, ast.And):
            return And(tuple(self.condition(item) for item in node.items))
        if isinstance(node, ast.Or):
            return Or(tuple(self.condition(item) for item in node.items))
        if isinstance(node, ast.Not):
            return Not(self.condition(node.item))
        resolved = self.field(node.field)
        path = resolved.path
        if isinstance(node, ast.Like):
            if resolved.type not in LIKE_TYPES:
                raise invalid_field(
                    self.query.text, node.field.column, f"invalid operator on {resolved.type} field: {resolved.name}"
                )
            return Compare(path, "LIKE", node.pattern)
        if isinstance(node, ast.InList):
            values = [self._literal(node.field, resolved, v) for v in node.values]
            if any(isinstance(v, tuple) for v in values):
                raise invalid_field(
                    self.query.text, node.field.column, "relative date literals are not allowed in IN lists"
                )
            return Compare(path, "NOT IN" if node.negated else "IN", values)
        value = self._literal(node.field, resolved, node.value)
        if node.op in ("<", ">", "<=", ">=") and resolved.type in ("boolean", "multipicklist"):
            raise invalid_field(
                self.query.text, node.field.column, f"invalid operator on {resolved.type} field: {resolved.name}"
            )
        if isinstance(value, tuple):
            return _range(path, node.op, *value)
        return Compare(path, node.op, value)


def _range(path: str, op: str, start, end):
    """A relative date literal compared with `op`, as comparisons on its [start, end) range."""
    from orgsim.storage.predicate import And, Compare, Or

    if op == "=":
        return And((Compare(path, ">=", start), Compare(path, "<", end)))
    if op == "!=":
        return Or((Compare(path, "<", start), Compare(path, ">=", end), Compare(path, "=", None)))
    return {
        "<": Compare(path, "<", start),
        "<=": Compare(path, "<", end),
        ">": Compare(path, ">=", end),
        ">=": Compare(path, ">=", start),
    }[op]


def _url(sobject: str, record_id, api_version: str) -> dict:
    attrs = {"type": sobject}
    if record_id:
        attrs["url"] = f"/services/data/v{api_version}/sobjects/{sobject}/{record_id}"
    return attrs


def _render(row: dict, sobject: str, selected: list[ResolvedField], api_version: str) -> dict:
    from orgsim.storage.values import to_json

    out: dict = {"attributes": _url(sobject, row.get("Id"), api_version)}
    for resolved in selected:
        if resolved.relationship is None:
            out[resolved.name] = to_json(row.get(resolved.path))
            continue
        parent_id = row.get(f"{resolved.relationship}.Id")
        if parent_id is None:
            out[resolved.relationship] = None
            continue
        nested = out.setdefault(
            resolved.relationship, {"attributes": _url(resolved.parent_sobject, parent_id, api_version)}
        )
        nested[resolved.name] = to_json(row.get(resolved.path))
    return out


def execute(
    source: QuerySource,
    query: ast.Query | str,
    *,
    include_deleted: bool = False,
    api_version: str = DEFAULT_API_VERSION,
) -> QueryResult:
    """Run SOQL (text or parsed) on `source`; raise `SoqlError` the way Salesforce would.

    `include_deleted` is queryAll: the core deletes records outright (no recycle bin), so it
    returns the same rows as query.
    """
    if isinstance(query, str):
        query = parse(query)
    schema = Schema(source, query.text)
    sobject = schema.describe(query.sobject, query.sobject_column)["name"]
    query = ast.Query(**{**query.__dict__, "sobject": sobject})
    compiler = _Compiler(query, schema, source.clock.now())

    selected = _select_list(compiler, query.fields)
    children = [_ChildQuery(item, schema, query, source) for item in query.fields if isinstance(item, ast.SubQuery)]
    predicate = compiler.condition(query.where) if query.where is not None else None
    order_by = []
    for item in query.order_by:
        resolved = compiler.field(item.field)
        order_by.append((resolved.path, "DESC" if item.descending else "ASC", "LAST" if item.nulls_last else "FIRST"))

    if query.count_only:
        total = source.count(sobject, predicate)
        total = max(total - (query.offset or 0), 0)
        return QueryResult(total_size=total if query.limit is None else min(total, query.limit))

    # Always fetch Id (for attributes.url) and each parent's Id (to tell a null parent from
    # a parent whose selected fields are null).
    rows = source.select(sobject, _paths(selected), predicate, order_by or None, query.limit, query.offset)
    for child in children:
        child.fetch([row["Id"] for row in rows])
    records = []
    for row in rows:
        record = _render(row, sobject, [s for s in selected if isinstance(s, ResolvedField)], api_version)
        for child in children:
            record[child.relationship] = child.render(row["Id"], api_version)
        records.append(_in_select_order(record, selected, children))
    return QueryResult(total_size=len(records), records=records)


def _select_list(compiler: "_Compiler", items) -> list:
    """Resolved fields in select order (subqueries keep their place as the SubQuery node)."""
    selected: list = []
    for ref in items:
        if isinstance(ref, ast.SubQuery):
            selected.append(ref)
            continue
        resolved = compiler.field(ref)
        if any(isinstance(s, ResolvedField) and s.key == resolved.key for s in selected):
            raise malformed(compiler.query.text, ref.column, f"duplicate field selected: {ref.text}")
        selected.append(resolved)
    return selected


def _paths(selected: list) -> list[str]:
    # Always fetch Id (for attributes.url) and each parent's Id (to tell a null parent from
    # a parent whose selected fields are null).
    fields = [s for s in selected if isinstance(s, ResolvedField)]
    paths = ["Id"] + [s.path for s in fields] + [f"{s.relationship}.Id" for s in fields if s.relationship]
    return list(dict.fromkeys(paths))


def _in_select_order(record: dict, selected: list, children: list) -> dict:
    by_subquery = {id(c.node): c.relationship for c in children}
    order = ["attributes"]
    for item in selected:
        key = by_subquery[id(item)] if isinstance(item, ast.SubQuery) else (item.relationship or item.name)
        if key not in order:
            order.append(key)
    return {key: record[key] for key in order}


class _ChildQuery:
    """One `(SELECT ... FROM ChildRelationship ...)`: one select on the child object for all
    parent rows, grouped by the lookup field; LIMIT applies per parent, as in Salesforce."""

    def __init__(self, node: ast.SubQuery, schema: Schema, parent_query: ast.Query, source: QuerySource):
        self.node = node
        self.source = source
        self.relationship, self.sobject, self.lookup = schema.child_relationship(
            parent_query.sobject, node.relationship, node.column
        )
        child_query = ast.Query(
            sobject=self.sobject,
            sobject_column=node.column,
            fields=node.fields,
            where=node.where,
            order_by=node.order_by,
            limit=node.limit,
            text=parent_query.text,
        )
        self.compiler = _Compiler(child_query, schema, source.clock.now())
        self.selected = _select_list(self.compiler, node.fields)
        self.where = self.compiler.condition(node.where) if node.where is not None else None
        self.order_by = [
            (self.compiler.field(i.field).path, "DESC" if i.descending else "ASC", "LAST" if i.nulls_last else "FIRST")
            for i in node.order_by
        ]
        self.rows: dict[str, list[dict]] = {}

    def fetch(self, parent_ids: list[str]) -> None:
        from orgsim.storage.predicate import And, Compare

        if not parent_ids:
            return
        link = Compare(self.lookup, "IN", parent_ids)
        predicate = link if self.where is None else And((link, self.where))
        paths = list(dict.fromkeys(_paths(self.selected) + [self.lookup]))
        for row in self.source.select(self.sobject, paths, predicate, self.order_by or None):
            self.rows.setdefault(row[self.lookup], []).append(row)

    def render(self, parent_id: str, api_version: str):
        rows = self.rows.get(parent_id, [])[: self.node.limit]
        if not rows:
            return None  # Salesforce returns null for an empty child relationship
        records = [_render(row, self.sobject, self.selected, api_version) for row in rows]
        return {"totalSize": len(records), "done": True, "records": records}


__all__ = ["execute", "QueryResult", "SoqlError"]
