"""The org's virtual clock.

System fields (CreatedDate, ...), NOW()/TODAY() and due times of scheduled paths all read
this clock. `advance(days=30)` moves it forward and runs, in due order, every piece of queued
work that falls due on the way, so a 30-day reminder is tested in milliseconds.

A frozen clock (the default for tests) only moves when advanced; a following clock moves with
wall time plus the advanced offset (for a long-running local server).

Every move is reported to the function given to `on_change` (the org stores it at once), so a
restarted org resumes where it was even after kill -9 (`resume`): for a following clock what
is kept is the offset ahead of wall time, because the instant of the last advance is already
in the past by the time the process dies.
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
        self._on_change: Callable[["Clock"], None] | None = None

    @classmethod
    def resume(cls, saved_now: str | None, saved_offset: float | None, *, frozen: bool) -> "Clock":
        """The clock of a reopened org: never earlier than it was when last saved. A following
        clock takes the later of the saved instant and wall time plus the saved offset (which
        covers the time it ran on after its last move)."""
        now = dt.datetime.now(UTC)
        candidates = [dt.datetime.fromisoformat(saved_now)] if saved_now else []
        if not frozen:
            candidates.append(now + dt.timedelta(seconds=max(saved_offset or 0.0, 0.0)))
            candidates.append(now)
        return cls(max(candidates) if candidates else None, frozen=frozen)

    def bind(self, run_due: Callable[[dt.datetime], int]) -> None:
        """The org registers the function that runs work due up to a given time."""
        self._run_due = run_due

    def on_change(self, persist: Callable[["Clock"], None]) -> None:
        """The org registers how to store the clock; called after every move."""
        self._on_change = persist

    @property
    def offset_seconds(self) -> float:
        """How far a following clock runs ahead of wall time (0 for a frozen one)."""
        return 0.0 if self.frozen else self._offset.total_seconds()

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
        if self._on_change is not None:
            self._on_change(self)

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
