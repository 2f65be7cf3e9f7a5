"""Emulated time.

The account clock is wall time plus an offset that `/_sim/clock/advance` (or tests) move
forward; it dates objects of customers without a test clock and expires idempotency keys.
Objects of customers attached to a Stripe test clock use that clock's `frozen_time`.
`now_fn` is injectable so tests can pin time.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class SimClock:
    def __init__(self, now_fn: Callable[[], float] = time.time, offset: float = 0.0) -> None:
        self._now_fn = now_fn
        self.offset = offset

    def now(self) -> int:
        return int(self._now_fn() + self.offset)

    def advance(self, seconds: float) -> int:
        if seconds < 0:
            raise ValueError("the emulated clock only moves forward")
        self.offset += seconds
        return self.now()
