"""The SQLite store's field index (storage/field_index.py says what it indexes and why): one row
a posting (account, kind, field, value, seq, id), written in the SQLite transaction that writes
its document, so a failed write leaves no posting and opening the store decodes no document
for it (issue 17: opening a long-lived --db store cost a JSON decode of every customer,
invoice, invoice item and event, seconds and hundreds of MB, growing with every run).

A database written before the index lived here (no marker) or for another set of indexed
fields (another marker) is indexed once when it is opened: one pass over those documents and
the new marker, in one transaction. So is one that a writer unaware of the postings (an older
sfpay, a hand edit) changed after it was indexed: every document write of ours sets or bumps
`documents.postings_gen`, and triggers drop the marker on an insert or update that did not,
or on a delete that left the document's postings behind (ours deletes them first). The older
writer's own writes still succeed.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator

from stripesim.storage.field_index import FIELDS, METADATA_KINDS, Entry, entry_of, merged, normalised

SCHEMA = """
CREATE TABLE IF NOT EXISTS postings (
    account TEXT NOT NULL,
    kind TEXT NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    seq INTEGER NOT NULL,
    id TEXT NOT NULL,
    PRIMARY KEY (account, kind, field, value, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS postings_by_document ON postings (account, kind, seq);
CREATE TABLE IF NOT EXISTS store_format (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
# documents.postings_gen: 0 from a writer that does not keep the postings, else 1 and up
GEN_COLUMN = "ALTER TABLE documents ADD COLUMN postings_gen INTEGER NOT NULL DEFAULT 0"
DROP_MARKER = "BEGIN DELETE FROM store_format WHERE name = 'field_index'; END;"
TRIGGERS = f"""
CREATE TRIGGER IF NOT EXISTS unindexed_insert AFTER INSERT ON documents
WHEN NEW.postings_gen = 0 {DROP_MARKER}
CREATE TRIGGER IF NOT EXISTS unindexed_update AFTER UPDATE ON documents
WHEN NEW.postings_gen = OLD.postings_gen {DROP_MARKER}
CREATE TRIGGER IF NOT EXISTS unindexed_delete AFTER DELETE ON documents
WHEN EXISTS (SELECT 1 FROM postings WHERE account = OLD.account AND kind = OLD.kind AND seq = OLD.seq)
{DROP_MARKER}
"""

# What the postings were built with; a store marked otherwise is indexed again at open. Bump
# the number when entry_of's rule changes (FIELDS and METADATA_KINDS are part of it already).
MARKER = json.dumps(
    {"version": 1, "fields": {k: list(v) for k, v in sorted(FIELDS.items())}, "metadata": sorted(METADATA_KINDS)},
    separators=(",", ":"),
)
FIRST_CHUNK, MAX_CHUNK = 16, 512  # postings read per query while walking one value (keyset paging)


class SqliteFieldIndex:
    def __init__(self, conn: sqlite3.Connection, lock: threading.Lock) -> None:
        self._conn = conn
        self._lock = lock

    def open(self) -> None:
        """Create the table, or index a store written without it (once); caller holds the lock."""
        self._conn.executescript(SCHEMA)
        if self._marker() != MARKER:
            cur = self._conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                if self._marker() != MARKER:  # another process may have indexed it meanwhile
                    columns = [row[1] for row in cur.execute("PRAGMA table_info(documents)").fetchall()]
                    if "postings_gen" not in columns:
                        cur.execute(GEN_COLUMN)
                    self._index_stored(cur)
                    cur.execute(
                        "INSERT OR REPLACE INTO store_format (name, value) VALUES ('field_index', ?)", (MARKER,)
                    )
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
        self._conn.executescript(TRIGGERS)

    def _marker(self) -> str | None:
        row = self._conn.execute("SELECT value FROM store_format WHERE name='field_index'").fetchone()
        return None if row is None else str(row[0])

    def _index_stored(self, cur: sqlite3.Cursor) -> None:
        cur.execute("DELETE FROM postings")
        accounts = [row[0] for row in self._conn.execute("SELECT DISTINCT account FROM documents").fetchall()]
        for account in accounts:
            for kind in FIELDS:
                reader = self._conn.execute(
                    "SELECT id, seq, body FROM documents WHERE account=? AND kind=? ORDER BY seq", (account, kind)
                )
                for id, seq, body in reader:
                    self._insert(cur, account, kind, id, seq, entry_of(kind, json.loads(body)) or {})

    # -- writes, inside SqliteStorage.apply's transaction -----------------------------------
    def stored(self, cur: sqlite3.Cursor, account: str, kind: str, id: str, seq: int, entry: Entry, new: bool) -> None:
        """The document at `seq` is now indexed under `entry` (only changed postings are written)."""
        if new:
            self._insert(cur, account, kind, id, seq, entry)
            return
        old = self._entry(cur, account, kind, seq)
        if old == entry:  # many updates (totals, lines, payments) leave the indexed fields as they were
            return
        gone = [(account, kind, f, v, seq) for f, v in old.items() if entry.get(f) != v]
        cur.executemany("DELETE FROM postings WHERE account=? AND kind=? AND field=? AND value=? AND seq=?", gone)
        self._insert(cur, account, kind, id, seq, {f: v for f, v in entry.items() if old.get(f) != v})

    def deleting(self, cur: sqlite3.Cursor, account: str, kind: str, id: str) -> None:
        """The document is about to be deleted: its postings go first (see the delete trigger)."""
        cur.execute(
            "DELETE FROM postings WHERE account=? AND kind=?"
            " AND seq=(SELECT seq FROM documents WHERE account=? AND kind=? AND id=?)",
            (account, kind, account, kind, id),
        )

    @staticmethod
    def _entry(cur: sqlite3.Cursor, account: str, kind: str, seq: int) -> Entry:
        rows = cur.execute(
            "SELECT field, value FROM postings WHERE account=? AND kind=? AND seq=?", (account, kind, seq)
        ).fetchall()
        return {field: value for field, value in rows}

    @staticmethod
    def _insert(cur: sqlite3.Cursor, account: str, kind: str, id: str, seq: int, entry: Entry) -> None:
        if not entry:
            return
        cur.executemany(
            "INSERT INTO postings (account, kind, field, value, seq, id) VALUES (?, ?, ?, ?, ?, ?)",
            [(account, kind, field, value, seq, id) for field, value in entry.items()],
        )

    # -- lookups ------------------------------------------------------------------------------
    def ids(
        self, account: str, kind: str, keys: Iterable[tuple[str, str]], start: int | None, newest_first: bool
    ) -> Iterator[tuple[int, str]]:
        """See field_index.FieldLookup.ids: one keyset-paged run of postings per key, merged."""
        runs = [
            self._run(account, kind, field, normalised(value), start, newest_first)
            for field, value in sorted(set(keys))
        ]
        return merged(runs, newest_first)

    def _run(
        self, account: str, kind: str, field: str, value: str, start: int | None, newest_first: bool
    ) -> Iterator[tuple[int, str]]:
        # A page shows about ten: start small, read more per query as the walk goes on.
        sql = "SELECT seq, id FROM postings WHERE account=? AND kind=? AND field=? AND value=?"
        bound, chunk = start, FIRST_CHUNK
        while True:
            where = "" if bound is None else (" AND seq < ?" if newest_first else " AND seq > ?")
            order = " ORDER BY seq DESC LIMIT ?" if newest_first else " ORDER BY seq LIMIT ?"
            args = (account, kind, field, value) + (() if bound is None else (bound,)) + (chunk,)
            with self._lock:
                rows: list[tuple[int, str]] = self._conn.execute(sql + where + order, args).fetchall()
            yield from rows
            if len(rows) < chunk:
                return
            bound = rows[-1][0]
            chunk = min(chunk * 2, MAX_CHUNK)
