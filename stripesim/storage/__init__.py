"""Storage of emulator state: JSON documents keyed by (account, kind, id).

Two backends behind one interface: `MemoryStorage` (default) and `SqliteStorage` (`--db`,
state survives a restart). Both store serialized JSON, so every read returns a fresh object
and behaviour code can never mutate stored state by accident. Writes go through a
`Transaction` that applies them only when the whole operation succeeded: a request that
fails stores nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from stripesim.storage.due_index import INDEXED, DueEntry, DueIndexedStorage, due_entry
from stripesim.storage.field_index import FIELDS, Entry, FieldLookup, entry_of


class Storage(Protocol):
    @property
    def fields(self) -> FieldLookup:
        """The field index lists and search read through, kept by `apply` (storage/field_index.py)."""

    def get(self, account: str, kind: str, id: str) -> str | None: ...

    def scan(self, account: str, kind: str) -> list[str]:
        """Every document of this kind, oldest first (insertion order)."""

    def apply(self, writes: dict[tuple[str, str, str], str | None], entries: dict[tuple[str, str, str], Entry]) -> None:
        """Write (None = delete) all of `writes` atomically, with the field index: `entries`
        holds the indexed fields of each written document of a kind in FIELDS."""

    def seq_of(self, account: str, kind: str, id: str) -> int | None:
        """The document's position in insertion order (None: not stored)."""

    def walk(self, account: str, kind: str, start: int | None, newest_first: bool) -> Iterator[str]:
        """Documents of this kind from position `start` (excluded; None: from the end the walk
        starts at), newest first or oldest first, read lazily: a list page reads only as many
        as it shows, whatever the number stored."""

    def close(self) -> None: ...


# One compact encoder for every stored document and API answer: `json.dumps(obj, separators=...)`
# builds a new JSONEncoder on each call (any argument other than the defaults does), several
# times per request (issue 17 profile). Same settings, same text.
_COMPACT = json.JSONEncoder(separators=(",", ":")).encode


def dumps(obj: Any) -> str:
    """Compact JSON, as `json.dumps(obj, separators=(",", ":"))` writes it."""
    return _COMPACT(obj)


class Transaction:
    """Buffered writes over a storage; reads see this transaction's own writes."""

    def __init__(self, storage: DueIndexedStorage, account: str) -> None:
        self.storage = storage
        self.account = account
        self._writes: dict[tuple[str, str, str], str | None] = {}
        self._entries: dict[tuple[str, str, str], Entry] = {}
        self._due: dict[tuple[str, str, str], DueEntry] = {}
        self.after_commit: list[Any] = []

    def get(self, kind: str, id: str) -> dict[str, Any] | None:
        key = (self.account, kind, id)
        if key in self._writes:
            raw = self._writes[key]
        else:
            raw = self.storage.get(*key)
        return None if raw is None else json.loads(raw)

    def put(self, kind: str, id: str, obj: dict[str, Any]) -> None:
        key = (self.account, kind, id)
        self._writes[key] = dumps(obj)
        if kind in FIELDS:
            self._entries[key] = entry_of(kind, obj) or {}
        elif kind in INDEXED:
            self._due[key] = due_entry(kind, obj)

    def delete(self, kind: str, id: str) -> None:
        self._writes[(self.account, kind, id)] = None

    def scan(self, kind: str) -> list[dict[str, Any]]:
        stored = self.storage.scan(self.account, kind)
        result = [json.loads(raw) for raw in stored]
        pending = {k[2]: v for k, v in self._writes.items() if k[0] == self.account and k[1] == kind}
        if not pending:
            return result
        merged = []
        for obj in result:
            oid = obj["id"]
            if oid in pending:
                raw = pending.pop(oid)
                if raw is not None:
                    merged.append(json.loads(raw))
            else:
                merged.append(obj)
        merged.extend(json.loads(raw) for raw in pending.values() if raw is not None)
        return merged

    def where(self, kind: str, field: str, value: str) -> list[dict[str, Any]]:
        """Documents of `kind` whose `field` is `value`, oldest first, read through the field
        index (FIELDS names the field): only the documents that may match are decoded, so the
        cost is the matches', not the store's. With this kind written in this transaction, from
        the merged view of `scan` instead (as list requests do)."""
        if field not in FIELDS.get(kind, ()):
            raise ValueError(f"{kind}.{field} is not in the field index (storage/field_index.py FIELDS)")
        if self.has_pending(kind):
            return [doc for doc in self.scan(kind) if doc.get(field) == value]
        candidates = self.walk_where(kind, [(field, value)], None, newest_first=False)
        return [doc for doc in candidates if doc.get(field) == value]  # the index compares lower-cased

    def due(self, kind: str, clock: str | None, upto: float) -> list[dict[str, Any]]:
        """Documents of an indexed kind (storage/due_index.py) on `clock` whose time is at or
        before `upto`, oldest first; reads only those. With this kind written in this
        transaction, the caller's own filter over `scan` decides (rare: sweeps run alone)."""
        clock_field, time_field = INDEXED[kind]
        if self.has_pending(kind):
            return sorted(
                (
                    d
                    for d in self.scan(kind)
                    if (d.get(clock_field) if clock_field else None) == clock and d[time_field] <= upto
                ),
                key=lambda d: (d[time_field], d["id"]),
            )
        found = []
        for id in self.storage.due_ids(self.account, kind, clock, upto):
            doc = self.get(kind, id)
            if doc is not None:
                found.append(doc)
        return found

    def has_pending(self, kind: str) -> bool:
        return any(k[0] == self.account and k[1] == kind for k in self._writes)

    def seq_of(self, kind: str, id: str) -> int | None:
        return self.storage.seq_of(self.account, kind, id)

    def walk(self, kind: str, start: int | None, newest_first: bool) -> Iterator[dict[str, Any]]:
        """Stored documents from `start` on (see Storage.walk); a transaction with writes of
        this kind lists through `scan`, which merges them."""
        for raw in self.storage.walk(self.account, kind, start, newest_first):
            yield json.loads(raw)

    def walk_where(
        self, kind: str, keys: list[tuple[str, str]], start: int | None, newest_first: bool
    ) -> Iterator[dict[str, Any]]:
        """As `walk`, reading only documents that may have one of the (field, value) `keys` (the
        field index, storage/field_index.py; compared lower-cased, so callers still test each)."""
        for _, id in self.storage.fields.ids(self.account, kind, keys, start, newest_first):
            raw = self.storage.get(self.account, kind, id)
            if raw is not None:
                yield json.loads(raw)

    def commit(self) -> None:
        if self._writes:
            self.storage.apply(self._writes, self._entries, self._due)
            self._writes = {}
            self._entries = {}
            self._due = {}


def open_storage(db_path: str | Path | None, accounts: Sequence[str] = ()) -> DueIndexedStorage:
    inner: Storage
    if db_path is None:
        from stripesim.storage.memory import MemoryStorage

        inner = MemoryStorage()
    else:
        from stripesim.storage.sqlite import SqliteStorage

        inner = SqliteStorage(Path(db_path))
    storage = DueIndexedStorage(inner)
    storage.rebuild(list(accounts))
    return storage
