"""/query and /queryAll (SOQL via orgsim.soql) with nextRecordsUrl paging, REST and Tooling."""

from __future__ import annotations

import itertools
import re
import secrets
import threading
from collections import OrderedDict

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from orgsim.server.context import ServerContext, api_version
from orgsim.server.errors import ApiError, bad_request

DEFAULT_BATCH = 2000
MIN_BATCH, MAX_BATCH = 200, 2000
MAX_CURSORS = 1000  # oldest cursors are dropped first, like expired query locators


class Cursors:
    """Remaining records of queries whose first page has been served."""

    def __init__(self):
        self._lock = threading.Lock()
        self._items: OrderedDict[str, tuple[list[dict], int, int]] = OrderedDict()
        self._seq = itertools.count(1)

    def open(self, records: list[dict], batch: int) -> str:
        locator = f"01g8d{next(self._seq):010d}{secrets.token_hex(2).upper()}"
        with self._lock:
            self._items[locator] = (records, batch, len(records))
            while len(self._items) > MAX_CURSORS:
                self._items.popitem(last=False)
        return locator

    def take(self, locator: str, position: int) -> tuple[list[dict], int] | None:
        with self._lock:
            item = self._items.get(locator)
        if item is None:
            return None
        records, batch, total = item
        return records[position : position + batch], total


def batch_size(request: Request) -> int:
    options = request.headers.get("sforce-query-options", "")
    match = re.search(r"batchSize\s*=\s*([0-9]{1,9})\b", options, re.IGNORECASE)
    if not match:
        return DEFAULT_BATCH
    return max(MIN_BATCH, min(MAX_BATCH, int(match.group(1))))


def make_routes(ctx: ServerContext, gate, prefix: str, run_query) -> list[Route]:
    """`run_query(soql, include_deleted, version) -> QueryResult` runs on the gateway thread."""
    cursors: Cursors = ctx.extras.setdefault(f"cursors:{prefix}", Cursors())

    async def run(request: Request, include_deleted: bool) -> JSONResponse:
        v = api_version(request)
        soql = request.query_params.get("q")
        if soql is None or not soql.strip():
            raise bad_request("MALFORMED_QUERY", "A query string has to be specified")
        result = await ctx.gateway.call(run_query, soql, include_deleted, v)
        records = result.records
        batch = batch_size(request)
        body = {"totalSize": result.total_size, "done": True, "records": records[:batch]}
        if len(records) > batch:
            locator = cursors.open(records, batch)
            body["done"] = False
            body["nextRecordsUrl"] = f"/services/data/v{v}{prefix}/query/{locator}-{batch}"
        return JSONResponse(body)

    async def query(request: Request) -> JSONResponse:
        return await run(request, include_deleted=False)

    async def query_all(request: Request) -> JSONResponse:
        return await run(request, include_deleted=True)

    async def more(request: Request) -> JSONResponse:
        v = api_version(request)
        locator, _, position = request.path_params["locator"].rpartition("-")
        # ASCII digits only: '²'.isdigit() is True but int('²') fails.
        valid = position.isascii() and position.isdigit() and len(position) <= 18
        taken = cursors.take(locator, int(position)) if valid else None
        if taken is None:
            raise ApiError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        chunk, total = taken
        next_position = int(position) + len(chunk)
        body = {"totalSize": total, "done": next_position >= total, "records": chunk}
        if not body["done"]:
            body["nextRecordsUrl"] = f"/services/data/v{v}{prefix}/query/{locator}-{next_position}"
        return JSONResponse(body)

    base = f"/services/data/v{{version}}{prefix}"
    return [
        Route(base + "/query", gate(query), methods=["GET"]),
        Route(base + "/query/", gate(query), methods=["GET"]),
        Route(base + "/queryAll", gate(query_all), methods=["GET"]),
        Route(base + "/queryAll/", gate(query_all), methods=["GET"]),
        Route(base + "/query/{locator}", gate(more), methods=["GET"]),
        Route(base + "/queryAll/{locator}", gate(more), methods=["GET"]),
    ]


def routes(ctx: ServerContext, gate) -> list[Route]:
    from orgsim.server.orgapi import OrgApi

    return make_routes(ctx, gate, "", OrgApi(ctx.org, ctx.permsets).query)
