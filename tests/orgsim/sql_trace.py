"""The SQL statements an org runs for an action, and SQLite's plan for each: what the tests that
check a lookup searches an index (never scans a table that grows with the data) read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def traced(org: Any, action: Callable[[], T]) -> tuple[T, list[str]]:
    """`action()`'s result and every statement the org's connection ran for it."""
    statements: list[str] = []
    org.store.conn.set_trace_callback(statements.append)
    try:
        result = action()
    finally:
        org.store.conn.set_trace_callback(None)
    return result, statements


def query_plan(org: Any, sql: str) -> list[str]:
    """SQLite's plan steps ("SEARCH ...", "SCAN ...") for a traced statement. Traced SQL has its
    parameters expanded; the plan of the same statement with literals is the plan SQLite chose."""
    return [row[3] for row in org.store.conn.execute("EXPLAIN QUERY PLAN " + sql)]
