"""The subset of Stripe's search query language the emulator supports.

Clauses `field:'value'` (exact, case-insensitive like Stripe's string match), `field~'value'`
(substring, at least 3 characters), `-field:'value'` (negation) and
`metadata['key']:'value'`, joined by `AND` or by `OR` (not both, as in Stripe). Anything
else is a 400 naming what is not supported.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from stripesim.context import Operation
from stripesim.errors import ParamError
from stripesim.json_shapes import Params, StripeObject
from stripesim.params import integer, string

SEARCH_PARAMS = {"query": string(required=True), "limit": integer(minimum=1, maximum=100), "page": string()}

_CLAUSE = re.compile(
    r"""\s*(?P<neg>-)?(?P<field>metadata\[(?P<q>['"])(?P<key>[^'"]+)(?P=q)\]|[a-z_]+)"""
    r"""\s*(?P<op>[:~])\s*(?P<vq>['"])(?P<value>(?:\\.|(?!(?P=vq)).)*)(?P=vq)\s*"""
)


def _error(message: str) -> ParamError:
    return ParamError(message, code="parameter_invalid_string", param="query")


def parse_query(query: str, fields: dict[str, str]) -> Callable[[StripeObject], bool]:
    clauses: list[Callable[[StripeObject], bool]] = []
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
        return lambda obj: any(clause(obj) for clause in clauses)
    return lambda obj: all(clause(obj) for clause in clauses)


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
    matches = parse_query(params["query"], fields)
    found = [obj for obj in reversed(op.tx.scan(kind)) if not obj.get("deleted") and matches(obj)]
    offset = 0
    if params.get("page"):
        token = params["page"]
        if not token.startswith("page_") or not token[5:].isdigit():
            raise ParamError(f"Invalid page: {token}", code="parameter_invalid_string", param="page")
        offset = int(token[5:])
    limit = params.get("limit", 10)
    has_more = offset + limit < len(found)
    return {
        "object": "search_result",
        "data": [render(obj) for obj in found[offset : offset + limit]],
        "has_more": has_more,
        "next_page": f"page_{offset + limit}" if has_more else None,
        "url": url,
    }
