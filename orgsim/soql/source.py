"""What the SOQL executor needs from an org: describe, rows and the org clock.

The orgsim core implements this over its storage (and the server adds a Tooling source for
FlowDefinition); the executor never touches storage directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from typing import Protocol


class QuerySource(Protocol):
    def describe(self, sobject: str) -> dict | None:
        """Salesforce-shaped describe (`name`, `fields[]` with `name`, `type`, `referenceTo`,
        `relationshipName`), or None when the type does not exist. Lookup is case-insensitive."""

    def rows(self, sobject: str, *, include_deleted: bool = False) -> Iterable[dict]:
        """Stored records of `sobject` keyed by canonical field name (values in REST JSON form)."""

    def rows_by_id(self, sobject: str, ids: Collection[str]) -> dict[str, dict]:
        """Records of `sobject` with the given Ids (missing ones left out)."""

    def now(self) -> dt.datetime:
        """The org clock (timezone-aware); TODAY and LAST_N_DAYS resolve against it."""
