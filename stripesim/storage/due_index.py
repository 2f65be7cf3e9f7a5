"""A time index over the documents the background worker sweeps: invoice watches (`due_watch`,
by test clock and `at`) and saved idempotent responses (`idempotency`, by `created`).

The worker looks for due work every `sweep_seconds`; reading every stored watch (one per open
invoice) to find the few that are due made each sweep O(stored invoices), under the lock every
API request takes. Here each (account, kind, clock) keeps its documents sorted by time, so a
sweep costs O(log n + due). The index is rebuilt from storage when the emulator opens (one scan
of these two kinds, which stay small: a watch lives while its invoice is open, a saved response
until the worker purges it a day after its key expires, http/idempotency.py) and kept current by
every committed write. The field index lists and search read through is the inner storage's own
(storage/field_index.py): it is kept with the documents, never rebuilt here.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from stripesim.storage.field_index import Entry, FieldLookup

if TYPE_CHECKING:
    from stripesim.storage import Storage

# kind -> (field naming the clock, or None; field holding the time)
INDEXED = {"due_watch": ("test_clock", "at"), "idempotency": (None, "created")}

DueEntry = tuple[str | None, float]  # (clock, time) of one indexed document


def due_entry(kind: str, doc: dict[str, Any]) -> DueEntry:
    """What the time index keeps of a document of an INDEXED kind."""
    clock_field, time_field = INDEXED[kind]
    return (doc.get(clock_field) if clock_field else None, doc[time_field])


class DueIndexedStorage:
    def __init__(self, inner: Storage) -> None:
        self.inner = inner
        self._sorted: dict[tuple[str, str, str | None], list[tuple[float, str]]] = {}
        self._entry: dict[tuple[str, str, str], tuple[str | None, float]] = {}

    @property
    def fields(self) -> FieldLookup:
        return self.inner.fields

    def rebuild(self, accounts: list[str]) -> None:
        for account in accounts:
            for kind in INDEXED:
                for raw in self.inner.scan(account, kind):
                    self._index(account, kind, json.loads(raw))

    def _index(self, account: str, kind: str, doc: dict[str, Any]) -> None:
        self._index_at(account, kind, doc["id"], due_entry(kind, doc))

    def _index_at(self, account: str, kind: str, id: str, entry: DueEntry) -> None:
        clock, at = entry
        self._entry[(account, kind, id)] = (clock, at)
        bisect.insort(self._sorted.setdefault((account, kind, clock), []), (at, id))

    def _unindex(self, account: str, kind: str, id: str) -> None:
        old = self._entry.pop((account, kind, id), None)
        if old is None:
            return
        items = self._sorted[(account, kind, old[0])]
        pos = bisect.bisect_left(items, (old[1], id))
        if pos < len(items) and items[pos] == (old[1], id):
            del items[pos]

    def due_ids(self, account: str, kind: str, clock: str | None, upto: float) -> list[str]:
        """Ids of `kind` on `clock` whose time is at or before `upto`, oldest first."""
        items = self._sorted.get((account, kind, clock), [])
        end = bisect.bisect_right(items, (upto, "\U0010ffff"))
        return [id for _, id in items[:end]]

    def earliest(self, account: str, kind: str, clock: str | None) -> float | None:
        """The time of the first document of `kind` on `clock` (None: there is none)."""
        items = self._sorted.get((account, kind, clock))
        return items[0][0] if items else None

    # -- the Storage interface ------------------------------------------------------------
    def apply(
        self,
        writes: dict[tuple[str, str, str], str | None],
        entries: dict[tuple[str, str, str], Entry],
        due: dict[tuple[str, str, str], DueEntry],
    ) -> None:
        """Write (the inner storage keeps its field index from `entries`: the indexed fields of
        each written document of a kind in field_index.FIELDS), then index the due kinds from
        `due`: the (clock, time) of each written document of an INDEXED kind. Both are taken
        when a document is put (Transaction.put), so no write is decoded again (a saved
        idempotent response holds the whole answer)."""
        self.inner.apply(writes, entries)
        for key, raw in writes.items():
            account, kind, id = key
            if kind in INDEXED:
                self._unindex(account, kind, id)
                if raw is not None:
                    self._index_at(account, kind, id, due[key])

    def get(self, account: str, kind: str, id: str) -> str | None:
        return self.inner.get(account, kind, id)

    def scan(self, account: str, kind: str) -> list[str]:
        return self.inner.scan(account, kind)

    def seq_of(self, account: str, kind: str, id: str) -> int | None:
        return self.inner.seq_of(account, kind, id)

    def walk(self, account: str, kind: str, start: int | None, newest_first: bool) -> Iterator[str]:
        return self.inner.walk(account, kind, start, newest_first)

    def close(self) -> None:
        self.inner.close()
