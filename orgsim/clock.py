"""The org's virtual clock.

System fields (CreatedDate, ...), NOW()/TODAY() and due times of scheduled paths all read
this clock. `advance(days=30)` moves it forward and runs, in due order, every piece of queued
work that falls due on the way, so a 30-day reminder is tested in milliseconds.

A frozen clock (the default for tests) only moves when advanced; a following clock moves with
wall time plus the advanced offset (for a long-running local server).
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

UTC = dt.timezone.utc


def _trim(value: dt.datetime) -> dt.datetime:
    value = value.astimezone(UTC)
    return value.replace(microsecond=(value.microsecond // 1000) * 1000)


class Clock:
    def __init__(self, now: dt.datetime | None = None, *, frozen: bool = True):
        start = now or dt.datetime.now(UTC)
        if start.tzinfo is None:
            start = start.replace(tzinfo=UTC)
        self.frozen = frozen
        self._frozen_now = _trim(start)
        self._offset = start - dt.datetime.now(UTC)
        self._run_due: Callable[[dt.datetime], int] | None = None

    def bind(self, run_due: Callable[[dt.datetime], int]) -> None:
        """The org registers the function that runs work due up to a given time."""
        self._run_due = run_due

    def now(self) -> dt.datetime:
        if self.frozen:
            return self._frozen_now
        return _trim(dt.datetime.now(UTC) + self._offset)

    def today(self) -> dt.date:
        return self.now().date()

    def _set(self, when: dt.datetime) -> None:
        when = _trim(when)
        if self.frozen:
            self._frozen_now = max(self._frozen_now, when)
        else:
            self._offset += max(when - self.now(), dt.timedelta(0))

    def advance(self, *, days: float = 0, hours: float = 0, minutes: float = 0, seconds: float = 0) -> int:
        """Move forward and run everything that falls due; returns the number of interviews run."""
        delta = dt.timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
        if delta < dt.timedelta(0):
            raise ValueError("the clock only moves forward")
        return self.advance_to(self.now() + delta)

    def advance_to(self, target: dt.datetime) -> int:
        if target.tzinfo is None:
            target = target.replace(tzinfo=UTC)
        ran = 0
        if self._run_due is not None:
            ran = self._run_due(target)
        self._set(target)
        return ran

    def set_now(self, when: dt.datetime) -> None:
        """Used by the runner: step to a due time while advancing."""
        self._set(when)
