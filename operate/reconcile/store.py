"""External sort for the merge: both sides are streamed into a temporary SQLite file and read
back in invoice-id order, so memory stays bounded whatever the number of records.

Why not merge the two API streams directly: Stripe lists invoices newest first, not by id
(https://docs.stripe.com/api/invoices/list), and Salesforce sorts text in ORDER BY with the
user locale's collation, case-insensitively for most locales
(https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_orderby.htm),
while Stripe ids are case-sensitive. SQLite's BINARY collation gives both sides one byte
order; its page cache is capped (PRAGMA cache_size) and rows go in batches of 500.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

ORG_COLUMNS = ("invoice_id", "opp_id", "name", "status", "stage", "amount", "invoiced_amount", "error")
STRIPE_COLUMNS = ("invoice_id", "status", "total", "currency", "created", "customer", "description", "transition_at")
BATCH = 500
CACHE_KIB = 8192  # SQLite page cache per connection: 8 MiB, whatever the row count

_SCHEMA = """
CREATE TABLE org (invoice_id TEXT NOT NULL, opp_id TEXT NOT NULL, name TEXT, status TEXT, stage TEXT,
                  amount TEXT, invoiced_amount TEXT, error TEXT);
CREATE TABLE prev (invoice_id TEXT NOT NULL, opp_id TEXT NOT NULL);
CREATE TABLE stripe (invoice_id TEXT NOT NULL, status TEXT, total INTEGER, currency TEXT, created INTEGER,
                     customer TEXT, description TEXT, transition_at INTEGER);
"""
_INDEXES = """
CREATE INDEX org_id ON org (invoice_id);
CREATE INDEX org_opp ON org (opp_id);
CREATE INDEX org_name ON org (name);
CREATE INDEX prev_id ON prev (invoice_id);
CREATE INDEX stripe_id ON stripe (invoice_id);
"""


class SortStore:
    """A temporary SQLite file holding both sides; deleted on close."""

    def __init__(self, directory: Path | None = None) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="sfpay-reconcile-", dir=directory)
        self.path = Path(self._dir.name) / "sort.sqlite3"
        self.db = sqlite3.connect(self.path)
        self.db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self.db.execute("PRAGMA journal_mode = OFF")  # a scratch file: nothing to recover
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()
        self._dir.cleanup()

    def __enter__(self) -> SortStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _fill(self, table: str, columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> int:
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        count, batch = 0, []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                self.db.executemany(sql, batch)
                count += len(batch)
                batch.clear()
        if batch:
            self.db.executemany(sql, batch)
            count += len(batch)
        self.db.commit()
        return count

    def add_org(self, rows: Iterable[tuple[Any, ...]]) -> int:
        return self._fill("org", ORG_COLUMNS, rows)

    def add_previous(self, rows: Iterable[tuple[str, str]]) -> int:
        return self._fill("prev", ("invoice_id", "opp_id"), rows)

    def add_stripe(self, rows: Iterable[tuple[Any, ...]]) -> int:
        return self._fill("stripe", STRIPE_COLUMNS, rows)

    def index(self) -> None:
        self.db.executescript(_INDEXES)

    def sorted(self, table: str) -> Iterator[dict[str, Any]]:
        """Rows of `table` in invoice-id byte order, one at a time (an index scan, not a sort in memory)."""
        columns = {"org": ORG_COLUMNS, "stripe": STRIPE_COLUMNS}[table]
        cursor = self.db.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY invoice_id")
        for row in cursor:
            yield dict(zip(columns, row))

    def org_by_opportunity(self, opp_id: str) -> dict[str, Any] | None:
        row = self.db.execute(
            f"SELECT {', '.join(ORG_COLUMNS)} FROM org WHERE opp_id = ? LIMIT 1", (opp_id,)
        ).fetchone()
        return dict(zip(ORG_COLUMNS, row)) if row else None

    def org_by_name(self, name: str) -> list[dict[str, Any]]:
        rows = self.db.execute(f"SELECT {', '.join(ORG_COLUMNS)} FROM org WHERE name = ? LIMIT 3", (name,)).fetchall()
        return [dict(zip(ORG_COLUMNS, row)) for row in rows]

    def replaced_by(self, invoice_id: str) -> str | None:
        """The Opportunity whose previous invoice this was (an amount change replaced it)."""
        row = self.db.execute("SELECT opp_id FROM prev WHERE invoice_id = ? LIMIT 1", (invoice_id,)).fetchone()
        return row[0] if row else None

    def duplicate_org_ids(self) -> Iterator[tuple[str, int]]:
        """Invoice ids more than one Opportunity holds (the field is unique in the spec; an org
        without the constraint can still have them)."""
        yield from self.db.execute("SELECT invoice_id, COUNT(*) FROM org GROUP BY invoice_id HAVING COUNT(*) > 1")
