"""In-memory storage: dicts keep insertion order, which is creation order. A list of ids in
that order (a deleted one leaves a hole) gives each document a position for cursor paging."""

from __future__ import annotations

from collections.abc import Iterator


class MemoryStorage:
    def __init__(self) -> None:
        self._tables: dict[tuple[str, str], dict[str, str]] = {}
        self._order: dict[tuple[str, str], list[str | None]] = {}
        self._position: dict[tuple[str, str], dict[str, int]] = {}

    def get(self, account: str, kind: str, id: str) -> str | None:
        table = self._tables.get((account, kind))
        return None if table is None else table.get(id)

    def scan(self, account: str, kind: str) -> list[str]:
        return list(self._tables.get((account, kind), {}).values())

    def scan_with_seq(self, account: str, kind: str) -> list[tuple[int, str]]:
        key = (account, kind)
        table, position = self._tables.get(key, {}), self._position.get(key, {})
        return [(position[id] + 1, raw) for id, raw in table.items()]

    def apply(self, writes: dict[tuple[str, str, str], str | None]) -> dict[tuple[str, str, str], int]:
        inserted: dict[tuple[str, str, str], int] = {}
        for (account, kind, id), raw in writes.items():
            key = (account, kind)
            table = self._tables.setdefault(key, {})
            order = self._order.setdefault(key, [])
            position = self._position.setdefault(key, {})
            if raw is None:
                table.pop(id, None)
                index = position.pop(id, None)
                if index is not None:
                    order[index] = None
            else:
                if id not in table:
                    position[id] = len(order)
                    order.append(id)
                    inserted[(account, kind, id)] = len(order)
                table[id] = raw
        return inserted

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
