"""The emulator's core: configuration, storage, clock, accounts and the operation runner.

Everything the HTTP layer, the webhook worker and the Python API do goes through
`Simulator.operate`, which runs one operation atomically (one lock, one storage
transaction, committed only if the operation succeeded).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

from stripesim.clock import SimClock
from stripesim.config import SimConfig, account_id_for
from stripesim.context import Operation
from stripesim.errors import StripeError
from stripesim.storage import Transaction, open_storage

SIM_ACCOUNT = "_sim"  # storage namespace for emulator-wide state (clock offset)


class Simulator:
    def __init__(self, config: SimConfig | None = None, clock: SimClock | None = None) -> None:
        self.config = config or SimConfig()
        self.accounts = {key: account_id_for(key) for key in self.config.api_keys}
        self.storage = open_storage(self.config.db_path, self.account_ids())
        self.clock = clock or SimClock()
        self.lock = threading.RLock()
        self._wake: Callable[[], None] = lambda: None
        # Where the emulator is reachable (hosted invoice pages); set by the HTTP layer.
        self.public_url = "http://127.0.0.1"
        self._restore_clock()

    # -- accounts -------------------------------------------------------------------
    def account_for_key(self, key: str) -> str | None:
        return self.accounts.get(key)

    def account_ids(self) -> list[str]:
        return sorted(set(self.accounts.values()))

    # -- running operations --------------------------------------------------------
    @contextlib.contextmanager
    def operation(self, account: str, **meta: Any) -> Iterator[Operation]:
        """Hold the lock, yield an `Operation`; commit when the block exits normally."""
        with self.lock:
            op = Operation(sim=self, account=account, tx=Transaction(self.storage, account), **meta)
            try:
                yield op
            except StripeError:
                # A declined payment answers 402 but its attempt and event are real.
                if op.notes.get("commit_despite_error"):
                    op.tx.commit()
                    if op.new_deliveries:
                        self.wake_worker()
                raise
            op.tx.commit()
            if op.new_deliveries:
                self.wake_worker()

    def operate(self, account: str, fn: Callable[[Operation], Any], **meta: Any) -> Any:
        with self.operation(account, **meta) as op:
            return fn(op)

    # -- the clock -------------------------------------------------------------------
    def advance_clock(self, seconds: float) -> int:
        with self.lock:
            now = self.clock.advance(seconds)
            tx = Transaction(self.storage, SIM_ACCOUNT)
            tx.put("sim_state", "clock", {"id": "clock", "offset": self.clock.offset})
            tx.commit()
        from stripesim.resources.scheduler import run_due_work

        for account in self.account_ids():
            self.operate(account, lambda op: run_due_work(op, test_clock=None))
        return now

    def _restore_clock(self) -> None:
        stored = Transaction(self.storage, SIM_ACCOUNT).get("sim_state", "clock")
        if stored and stored.get("offset", 0) > self.clock.offset:
            self.clock.offset = stored["offset"]

    # -- the webhook worker ---------------------------------------------------------
    def set_waker(self, wake: Callable[[], None]) -> None:
        self._wake = wake

    def wake_worker(self) -> None:
        self._wake()

    def close(self) -> None:
        self.storage.close()
