"""One Salesforce transaction: its limits usage, context and uncommitted-work state."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field

from orgsim.limits import Usage

_ids = itertools.count(1)


@dataclass
class Transaction:
    label: str
    context: str  # "sync" (API save and its triggers) or "async" (async/scheduled path)
    usage: Usage = field(default_factory=Usage)
    id: int = field(default_factory=lambda: next(_ids))
    pending_dml: bool = False  # uncommitted DML: a callout now fails
    depth: int = 0  # trigger recursion depth
    started_at: str = ""
    # The emulator's CPU time in this transaction's thread (waiting for a callout is not CPU, as
    # Salesforce's CPU time limit leaves callout time out); a proxy, not Apex CPU time.
    cpu_started: float = field(default_factory=time.thread_time)

    def cpu_ms(self) -> int:
        return int((time.thread_time() - self.cpu_started) * 1000)

    def reset_for_retry(self) -> None:
        """Salesforce's partial-save retry starts again with fresh limits."""
        limits = self.usage.limits
        self.usage = Usage(limits=limits)
        self.pending_dml = False
