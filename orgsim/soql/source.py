"""What the SOQL executor needs from an org — the orgsim core's `Org` provides exactly this
(docs/orgsim.md, "Query primitive"); the server adds sources of its own (Tooling objects)."""

from __future__ import annotations

from typing import Any, Protocol


class QuerySource(Protocol):
    clock: Any  # .now() -> aware datetime; TODAY and LAST_N_DAYS resolve against it

    def describe(self, sobject: str) -> dict:
        """Salesforce-shaped describe; raises orgsim.UnknownObject for an unknown type."""

    def select(
        self,
        sobject: str,
        fields: list[str],
        predicate=None,
        order_by: list[tuple] | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> list[dict]:
        """Rows keyed by the given paths ("Name", "RecordType.DeveloperName"), Python values."""

    def count(self, sobject: str, predicate=None) -> int:
        """Rows matching `predicate`."""
