"""Shaping stored documents into API objects: internal fields, lists, pagination, expand."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import compress, repeat
from typing import Any

from stripesim.context import Operation
from stripesim.errors import ParamError, StripeError
from stripesim.json_shapes import Params, StripeObject
from stripesim.params import in_range


def public(obj: StripeObject) -> StripeObject:
    """Drop internal fields (leading underscore) that Stripe would never return.

    Copied in C and the few internal keys deleted, rather than rebuilt key by key in Python:
    it runs for every object answered (issue 17 profile); the key order stays the same."""
    shown = dict(obj)
    for key in list(compress(obj, map(str.startswith, obj, repeat("_")))):
        del shown[key]
    return shown


def list_object(
    op: Operation,
    kind: str,
    url: str,
    params: Params,
    keep: Callable[[StripeObject], bool] = lambda obj: True,
    render: Callable[[StripeObject], StripeObject] = public,
    where: list[tuple[str, str]] | None = None,
) -> StripeObject:
    """Stripe list: newest first, `limit` (default 10), cursors `starting_after`/`ending_before`
    (https://docs.stripe.com/api/pagination).

    A page is read from the cursor's position in storage on (its insertion sequence, an
    indexed column), one document at a time until `limit` + 1 match: a page costs what it
    shows, not the number of objects stored, so walking N objects is O(N), not O(N^2/limit).
    `where` names (field, value) pairs, one of which every document `keep` accepts has, that the
    field index serves (storage/field_index.py): only documents with one of them are read, so a selective
    filter (one customer's invoices among 100,000) costs its matches, not the store."""
    bounds = params.get("created")

    def wanted(obj: StripeObject) -> bool:
        return not obj.get("deleted") and keep(obj) and (bounds is None or in_range(obj["created"], bounds))

    if op.tx.has_pending(kind):  # this request wrote objects of the kind: list the merged view
        items = [obj for obj in op.tx.scan(kind) if wanted(obj)]
        items.reverse()  # storage is oldest first; Stripe lists newest first
        return page(items, url, params, render)
    limit, after, before = _paging(params)
    start: int | None = None
    cursor = after or before
    if cursor:
        param = "starting_after" if after else "ending_before"
        start = op.tx.seq_of(kind, cursor)
        anchor = op.tx.get(kind, cursor) if start is not None else None
        if anchor is None or not wanted(anchor):  # as before: the cursor must be an object of this listing
            raise _bad_cursor(param, cursor)
    chosen: list[StripeObject] = []
    walk = (
        op.tx.walk_where(kind, where, start, newest_first=not before)
        if where is not None
        else op.tx.walk(kind, start, newest_first=not before)
    )
    for obj in walk:
        if wanted(obj):
            chosen.append(obj)
            if len(chosen) > limit:
                break
    has_more = len(chosen) > limit
    chosen = chosen[:limit]
    if before:
        chosen.reverse()  # read oldest first from the cursor; shown newest first
    return {"object": "list", "data": [render(obj) for obj in chosen], "has_more": has_more, "url": url}


def _paging(params: Params) -> tuple[int, str | None, str | None]:
    """`limit` (default 10) and the one cursor a list request may carry (Stripe refuses both)."""
    after, before = params.get("starting_after"), params.get("ending_before")
    if after and before:
        raise ParamError(
            "You may only specify one of these parameters: ending_before, starting_after.",
            code="parameter_invalid_string",
            param="ending_before",
        )
    return params.get("limit", 10), after, before


def page(
    items: list[StripeObject], url: str, params: Params, render: Callable[[StripeObject], StripeObject] = public
) -> StripeObject:
    limit, after, before = _paging(params)
    ids = [obj["id"] for obj in items]
    if after:
        if after not in ids:
            raise _bad_cursor("starting_after", after)
        start = ids.index(after) + 1
        chosen = items[start : start + limit]
        has_more = start + limit < len(items)
    elif before:
        if before not in ids:
            raise _bad_cursor("ending_before", before)
        end = ids.index(before)
        begin = max(0, end - limit)
        chosen = items[begin:end]
        has_more = begin > 0
    else:
        chosen = items[:limit]
        has_more = len(items) > limit
    return {"object": "list", "data": [render(obj) for obj in chosen], "has_more": has_more, "url": url}


def _bad_cursor(param: str, value: str) -> StripeError:
    return StripeError(f"No such object: '{value}'", code="resource_missing", param=param)


# field name -> (storage kind, label used in errors) for each object type that can expand it
EXPANDABLE: dict[str, dict[str, str]] = {
    "invoice": {"customer": "customer", "test_clock": "test_clock"},
    "invoiceitem": {"customer": "customer", "invoice": "invoice", "test_clock": "test_clock"},
    "customer": {"test_clock": "test_clock"},
}
# Fields the stripe SDK types as expandable (`Union[str, <Resource>]`) that the emulator does not expand:
# answered `parameter_not_emulated` (checked against the SDK by tests/stripesim/test_sdk_fidelity.py).
EXPANSIONS_NOT_EMULATED: dict[str, tuple[str, ...]] = {
    "customer": ("default_source",),
    "invoice": ("application", "default_payment_method", "default_source", "latest_revision", "on_behalf_of"),
    "line_item": ("subscription",),
}

RENDERERS: dict[str, Callable[[Operation, StripeObject], StripeObject]] = {}


def render_stored(op: Operation, kind: str, obj: StripeObject) -> StripeObject:
    renderer = RENDERERS.get(kind)
    return renderer(op, obj) if renderer else public(obj)


def expand(op: Operation, obj: StripeObject, paths: Iterable[str]) -> StripeObject:
    for path in paths:
        _expand_path(op, obj, path.split("."), path)
    return obj


def _expand_path(op: Operation, node: Any, parts: list[str], full: str) -> None:
    if not parts:
        return
    if isinstance(node, list):
        for item in node:
            _expand_path(op, item, parts, full)
        return
    if not isinstance(node, dict):
        raise _not_expandable(full)
    head, rest = parts[0], parts[1:]
    if head in EXPANSIONS_NOT_EMULATED.get(node.get("object", ""), ()):
        raise ParamError(
            f"stripesim does not emulate expanding {node['object']}.{head} ({full}); Stripe can expand it.",
            code="parameter_not_emulated",
            param="expand",
        )
    if node.get("object") in ("list", "search_result") and head == "data":
        _expand_path(op, node["data"], rest, full)
        return
    if head not in node:
        raise _not_expandable(full)
    value = node[head]
    if isinstance(value, str):
        kind = EXPANDABLE.get(node.get("object", ""), {}).get(head)
        if kind is None:
            raise _not_expandable(full)
        target = op.tx.get(kind, value)
        node[head] = render_stored(op, kind, target) if target else value
        value = node[head]
    elif value is None:
        if head not in EXPANDABLE.get(node.get("object", ""), {}):
            raise _not_expandable(full)
        return
    elif not isinstance(value, dict) or not rest:
        if not rest and isinstance(value, dict) and head in EXPANDABLE.get(node.get("object", ""), {}):
            return
        raise _not_expandable(full)
    _expand_path(op, value, rest, full)


def _not_expandable(path: str) -> ParamError:
    return ParamError(f"This property cannot be expanded ({path}).", code="parameter_invalid_string", param="expand")
