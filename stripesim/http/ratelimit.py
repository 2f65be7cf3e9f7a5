"""Optional per-account rate limit (off by default): a one-second sliding window."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    def __init__(self, per_second: float | None, now: Callable[[], float] = time.monotonic) -> None:
        self.per_second = per_second
        self._now = now
        self._windows: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, account: str) -> bool:
        if not self.per_second:
            return True
        now = self._now()
        with self._lock:
            window = self._windows.setdefault(account, deque())
            while window and window[0] <= now - 1.0:
                window.popleft()
            if len(window) >= self.per_second:
                return False
            window.append(now)
            return True
