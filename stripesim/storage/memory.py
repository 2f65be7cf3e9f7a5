"""In-memory storage: dicts keep insertion order, which is creation order."""

from __future__ import annotations


class MemoryStorage:
    def __init__(self) -> None:
        self._tables: dict[tuple[str, str], dict[str, str]] = {}

    def get(self, account: str, kind: str, id: str) -> str | None:
        table = self._tables.get((account, kind))
        return None if table is None else table.get(id)

    def scan(self, account: str, kind: str) -> list[str]:
        return list(self._tables.get((account, kind), {}).values())

    def apply(self, writes: dict[tuple[str, str, str], str | None]) -> None:
        for (account, kind, id), raw in writes.items():
            table = self._tables.setdefault((account, kind), {})
            if raw is None:
                table.pop(id, None)
            else:
                table[id] = raw

    def close(self) -> None:
        pass
