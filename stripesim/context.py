"""The context one API operation runs in: account, transaction, request identity, time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from stripesim.errors import no_such
from stripesim.json_shapes import StripeObject
from stripesim.storage import Transaction

if TYPE_CHECKING:
    from stripesim.engine import Simulator


@dataclass
class Operation:
    sim: "Simulator"
    account: str
    tx: Transaction
    request_id: str | None = None
    idempotency_key: str | None = None
    base_url: str = ""
    new_deliveries: int = 0
    notes: dict[str, Any] = field(default_factory=dict)

    # -- time -------------------------------------------------------------------------
    def now(self, test_clock: str | None = None) -> int:
        """Emulated now for objects on `test_clock` (its frozen time) or the account clock."""
        if test_clock:
            clock = self.tx.get("test_clock", test_clock)
            if clock is not None:
                frozen: int = clock["frozen_time"]
                return frozen
        return self.sim.clock.now()

    # -- lookups ----------------------------------------------------------------------
    def get(self, kind: str, id: str) -> StripeObject | None:
        return self.tx.get(kind, id)

    def require(self, kind: str, id: str, label: str, *, param: str = "id", status: int = 404) -> StripeObject:
        obj = self.tx.get(kind, id) if isinstance(id, str) else None
        if obj is None or obj.get("deleted"):
            raise no_such(label, str(id), param=param, status=status)
        return obj

    def put(self, kind: str, obj: StripeObject) -> None:
        self.tx.put(kind, obj["id"], obj)
