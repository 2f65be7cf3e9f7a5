"""The subset of Stripe's search query language the emulator supports.

Clauses `field:'value'` (exact, case-insensitive like Stripe's string match), `field~'value'`
(substring, at least 3 characters), `-field:'value'` (negation) and
`metadata['key']:'value'`, joined by `AND` or by `OR` (not both, as in Stripe). Anything
else is a 400 naming what is not supported.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator

from stripesim.context import Operation
from stripesim.errors import ParamError
from stripesim.json_shapes import Params, StripeObject
from stripesim.params import integer, string
from stripesim.storage.field_index import FIELDS, METADATA_KINDS, metadata_field

SEARCH_PARAMS = {"query": string(required=True), "limit": integer(minimum=1, maximum=100), "page": string()}

_CLAUSE = re.compile(
    r"""\s*(?P<neg>-)?(?P<field>metadata\[(?P<q>['"])(?P<key>[^'"]+)(?P=q)\]|[a-z_]+)"""
    r"""\s*(?P<op>[:~])\s*(?P<vq>['"])(?P<value>(?:\\.|(?!(?P=vq)).)*)(?P=vq)\s*"""
)


def _error(message: str) -> ParamError:
    return ParamError(message, code="parameter_invalid_string", param="query")


# One clause's (stored field, value) when it is a positive exact match `field:'value'`, which
# the field index can serve (storage/field_index.py); None for `~` and `-` clauses.
IndexKey = tuple[str, str] | None


def parse_query(query: str, fields: dict[str, str]) -> Callable[[StripeObject], bool]:
    return _parse(query, fields)[0]


def _parse(query: str, fields: dict[str, str]) -> tuple[Callable[[StripeObject], bool], list[IndexKey], bool]:
    """The query's test, each clause's index key and whether its clauses are joined by OR."""
    clauses: list[Callable[[StripeObject], bool]] = []
    keys: list[IndexKey] = []
    joiners: set[str] = set()
    pos = 0
    while True:
        match = _CLAUSE.match(query, pos)
        if not match:
            raise _error(
                f"Invalid search query at character {pos + 1}: {query[pos : pos + 30]!r}. The emulator supports "
                "field:'value', field~'value', -field:'value' and metadata['key']:'value' joined by AND or OR."
            )
        clauses.append(_clause(match, fields))
        keys.append(_index_key(match, fields))
        pos = match.end()
        if pos >= len(query):
            break
        joiner = re.match(r"(AND|OR)\s+", query[pos:])
        if not joiner:
            raise _error(f"Invalid search query at character {pos + 1}: expected AND or OR")
        joiners.add(joiner.group(1))
        pos += joiner.end()
    if len(joiners) > 1:
        raise _error("Search queries cannot combine AND and OR")
    if joiners == {"OR"}:
        return (lambda obj: any(clause(obj) for clause in clauses)), keys, True
    return (lambda obj: all(clause(obj) for clause in clauses)), keys, False


def _index_key(match: re.Match[str], fields: dict[str, str]) -> IndexKey:
    if match.group("neg") or match.group("op") != ":":
        return None
    value = re.sub(r"\\(.)", r"\1", match.group("value"))
    if match.group("key") is not None:
        return metadata_field(match.group("key")), value
    return fields[match.group("field")], value


def _candidates(op: Operation, kind: str, keys: list[IndexKey], any_of: bool) -> Iterator[StripeObject]:
    """Stored documents that may match, newest first. With an exact clause the field index
    serves (one of AND's, or every one of OR's), only documents holding its value are read, so
    a selective search costs its matches, not the store; otherwise every document is read."""
    indexed = [
        key
        for key in keys
        if key is not None
        and (key[0] in FIELDS.get(kind, ()) or (kind in METADATA_KINDS and key[0].startswith("metadata[")))
    ]
    usable = not op.tx.has_pending(kind) and (
        (any_of and len(indexed) == len(keys)) or (not any_of and len(indexed) > 0)
    )
    if not usable:
        every: list[StripeObject] = op.tx.scan(kind)
        return reversed(every)
    return op.tx.walk_where(kind, indexed if any_of else indexed[:1], None, newest_first=True)


def _clause(match: re.Match[str], fields: dict[str, str]) -> Callable[[StripeObject], bool]:
    value = re.sub(r"\\(.)", r"\1", match.group("value"))
    op = match.group("op")
    if match.group("key") is not None:
        key = match.group("key")

        def read(obj: StripeObject) -> str | None:
            return (obj.get("metadata") or {}).get(key)
    else:
        field = match.group("field")
        if field not in fields:
            raise _error(
                f"Field '{field}' is not a supported search field. Supported: "
                + ", ".join(sorted(fields))
                + ", metadata['key']"
            )
        attribute = fields[field]

        def read(obj: StripeObject) -> str | None:
            return obj.get(attribute)

    if op == "~" and len(value) < 3:
        raise _error("Substring matches (~) need at least 3 characters")
    needle = value.lower()

    def test(obj: StripeObject) -> bool:
        current = read(obj)
        if current is None:
            hit = False
        elif op == ":":
            hit = str(current).lower() == needle
        else:
            hit = needle in str(current).lower()
        return not hit if match.group("neg") else hit

    return test


def search_result(
    op: Operation,
    kind: str,
    url: str,
    params: Params,
    fields: dict[str, str],
    render: Callable[[StripeObject], StripeObject],
) -> StripeObject:
    """Stripe's search answer: newest first, `limit`, an opaque `page` token for the next page."""
    matches, keys, any_of = _parse(params["query"], fields)
    offset = 0
    if params.get("page"):
        token = params["page"]
        if not token.startswith("page_") or not token[5:].isdigit():
            raise ParamError(f"Invalid page: {token}", code="parameter_invalid_string", param="page")
        offset = int(token[5:])
    limit = params.get("limit", 10)
    found = (obj for obj in _candidates(op, kind, keys, any_of) if not obj.get("deleted") and matches(obj))
    # Read only up to the page's end and one more match (has_more), not every match.
    window = list(itertools.islice(found, offset, offset + limit + 1))
    has_more = len(window) > limit
    return {
        "object": "search_result",
        "data": [render(obj) for obj in window[:limit]],
        "has_more": has_more,
        "next_page": f"page_{offset + limit}" if has_more else None,
        "url": url,
    }
