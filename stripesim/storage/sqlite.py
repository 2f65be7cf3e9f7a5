"""SQLite storage (`--db FILE`): one table of JSON documents; state survives a restart.

Rows keep the sequence number of their first insertion so listings stay in creation order
after updates. All writes of one request are one SQLite transaction, the field index's
postings with them (storage/sqlite_field_index.py).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from sfpay.private_files import create_private_file
from stripesim.storage.field_index import FIELDS, Entry
from stripesim.storage.sqlite_field_index import SqliteFieldIndex

WALK_CHUNK = 128  # rows read per query while walking a listing (keyset paging on the seq index)

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    account TEXT NOT NULL,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (account, kind, id)
);
CREATE INDEX IF NOT EXISTS documents_by_kind ON documents (account, kind, seq);
"""


class SqliteStorage:
    def __init__(self, path: Path) -> None:
        # It holds every webhook endpoint's signing secret (whsec_): 0600 in a 0700 folder
        # before SQLite creates it (its -wal/-shm files take the database's mode).
        create_private_file(path)
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(SCHEMA)
        self._lock = threading.Lock()
        row = self._conn.execute("SELECT COALESCE(MAX(seq), 0) FROM documents").fetchone()
        self._seq = row[0]
        self.fields = SqliteFieldIndex(self._conn, self._lock)
        with self._lock:
            self.fields.open()

    def get(self, account: str, kind: str, id: str) -> str | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT body FROM documents WHERE account=? AND kind=? AND id=?", (account, kind, id)
            ).fetchone()
        return None if row is None else row[0]

    def scan(self, account: str, kind: str) -> list[str]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT body FROM documents WHERE account=? AND kind=? ORDER BY seq", (account, kind)
            ).fetchall()
        return [row[0] for row in rows]

    def seq_of(self, account: str, kind: str, id: str) -> int | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT seq FROM documents WHERE account=? AND kind=? AND id=?", (account, kind, id)
            ).fetchone()
        return None if row is None else row[0]

    def walk(self, account: str, kind: str, start: int | None, newest_first: bool) -> Iterator[str]:
        bound = start
        while True:
            if newest_first:
                sql = "SELECT seq, body FROM documents WHERE account=? AND kind=?" + (
                    " AND seq < ?" if bound is not None else ""
                )
                sql += " ORDER BY seq DESC LIMIT ?"
            else:
                sql = "SELECT seq, body FROM documents WHERE account=? AND kind=?" + (
                    " AND seq > ?" if bound is not None else ""
                )
                sql += " ORDER BY seq LIMIT ?"
            args = (account, kind) + ((bound,) if bound is not None else ()) + (WALK_CHUNK,)
            with self._lock:
                rows = self._conn.execute(sql, args).fetchall()
            for seq, body in rows:
                yield body
                bound = seq
            if len(rows) < WALK_CHUNK:
                return

    def apply(self, writes: dict[tuple[str, str, str], str | None], entries: dict[tuple[str, str, str], Entry]) -> None:
        with self._lock:
            seq_before = self._seq
            cur = self._conn.cursor()
            cur.execute("BEGIN")
            try:
                for key, raw in writes.items():
                    account, kind, id = key
                    if raw is None:
                        if kind in FIELDS:
                            self.fields.deleting(cur, account, kind, id)
                        cur.execute("DELETE FROM documents WHERE account=? AND kind=? AND id=?", key)
                        continue
                    # postings_gen tells the field index's triggers this write keeps the postings
                    updated = cur.execute(
                        "UPDATE documents SET body=?, postings_gen=postings_gen+1"
                        " WHERE account=? AND kind=? AND id=? RETURNING seq",
                        (raw, *key),
                    ).fetchall()
                    if updated:
                        seq = updated[0][0]
                    else:
                        self._seq += 1
                        seq = self._seq
                        cur.execute(
                            "INSERT INTO documents (account, kind, id, seq, body, postings_gen) VALUES (?, ?, ?, ?, ?, 1)",
                            (account, kind, id, seq, raw),
                        )
                    if kind in FIELDS:
                        self.fields.stored(cur, account, kind, id, seq, entries[key], new=not updated)
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                self._seq = seq_before  # nothing of it was stored
                raise

    def close(self) -> None:
        with self._lock:
            self._conn.close()
