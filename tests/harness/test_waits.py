"""How `ScenarioContext.wait_for` polls: the first look after the clock advance is immediate
(a local org runs the work the advance made due inside that request), later ones keep the
target's poll interval; the budget and the failure report are unchanged."""

from __future__ import annotations

import time

import pytest

from harness.context import ScenarioContext
from harness.scenario import ScenarioFailed
from harness.targets.base import Budgets, Connection, Target

POLL = 0.05


class ClockTarget(Target):
    """A target whose clock advance completes the awaited work after `advances_needed` advances,
    as the local org runs due scheduled paths inside the clock request."""

    name = "clock"
    budgets = Budgets(invoice_seconds=2, paid_seconds=2, settle_seconds=0.1, poll_interval=POLL)

    def __init__(self, advances_needed: int):
        self.advances = 0
        self.advances_needed = advances_needed

    def describe(self) -> str:
        return "clock"

    def let_stripe_paths_run(self) -> None:
        self.advances += 1

    def done(self) -> str | None:
        return "invoiced" if self.advances >= self.advances_needed else None


def context(target: Target) -> ScenarioContext:
    return ScenarioContext(
        target, Connection(sf=None, stripe=None, stripe_api_base=None, webhook=None), spec=None, run_tag="t"
    )


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    slept: list[float] = []
    real_sleep = time.sleep
    monkeypatch.setattr(time, "sleep", lambda seconds: (slept.append(seconds), real_sleep(seconds))[1])
    return slept


def test_work_done_by_the_first_clock_advance_is_seen_without_sleeping(sleeps):
    target = ClockTarget(advances_needed=1)
    assert context(target).wait_for(target.done, timeout=2, what="the invoice") == "invoiced"
    assert target.advances == 1
    assert sleeps == []


def test_later_looks_keep_the_poll_interval(sleeps):
    target = ClockTarget(advances_needed=4)
    assert context(target).wait_for(target.done, timeout=2, what="the invoice") == "invoiced"
    assert target.advances == 4
    assert sleeps == [POLL, POLL, POLL]


def test_the_budget_still_ends_the_wait_with_what_was_seen(sleeps):
    target = ClockTarget(advances_needed=10**9)
    started = time.monotonic()
    with pytest.raises(ScenarioFailed, match=r"the invoice: not seen within 0.3 s \(observed: None\)"):
        context(target).wait_for(target.done, timeout=0.3, what="the invoice")
    assert time.monotonic() - started >= 0.3
    assert sleeps and set(sleeps) == {POLL}
