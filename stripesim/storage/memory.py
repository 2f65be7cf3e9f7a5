"""In-memory storage: dicts keep insertion order, which is creation order. A list of ids in
that order (a deleted one leaves a hole) gives each document a position for cursor paging.
Its field index (storage/field_index.py) is kept by every write, from empty."""

from __future__ import annotations

from collections.abc import Iterator

from stripesim.storage.field_index import FIELDS, Entry, FieldIndex


class MemoryStorage:
    def __init__(self) -> None:
        self._tables: dict[tuple[str, str], dict[str, str]] = {}
        self._order: dict[tuple[str, str], list[str | None]] = {}
        self._position: dict[tuple[str, str], dict[str, int]] = {}
        self.fields = FieldIndex()

    def get(self, account: str, kind: str, id: str) -> str | None:
        table = self._tables.get((account, kind))
        return None if table is None else table.get(id)

    def scan(self, account: str, kind: str) -> list[str]:
        return list(self._tables.get((account, kind), {}).values())

    def apply(self, writes: dict[tuple[str, str, str], str | None], entries: dict[tuple[str, str, str], Entry]) -> None:
        for (account, kind, id), raw in writes.items():
            indexed = kind in FIELDS
            key = (account, kind)
            table = self._tables.setdefault(key, {})
            order = self._order.setdefault(key, [])
            position = self._position.setdefault(key, {})
            if raw is None:
                table.pop(id, None)
                index = position.pop(id, None)
                if index is not None:
                    order[index] = None
                if indexed:
                    self.fields.remove(account, kind, id)
            else:
                if id not in table:
                    position[id] = len(order)
                    order.append(id)
                table[id] = raw
                if indexed:
                    self.fields.put(account, kind, id, position[id] + 1, entries[(account, kind, id)])

    def seq_of(self, account: str, kind: str, id: str) -> int | None:
        index = self._position.get((account, kind), {}).get(id)
        return None if index is None else index + 1

    def walk(self, account: str, kind: str, start: int | None, newest_first: bool) -> Iterator[str]:
        key = (account, kind)
        order, table = self._order.get(key, []), self._tables.get(key, {})
        if newest_first:
            indexes = range((len(order) if start is None else start - 1) - 1, -1, -1)
        else:
            indexes = range(0 if start is None else start, len(order))
        for index in indexes:
            if index >= len(order):
                return
            id = order[index]
            raw = None if id is None else table.get(id)
            if raw is not None:
                yield raw

    def close(self) -> None:
        pass
