"""What a scenario works with: clients, the spec, the target, and an evidence recorder.

Every record a scenario creates carries the run tag in its name, so runs against a shared
sandbox never confuse each other's data, and a reviewer can find a run's records.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from harness.results import Evidence, Timing, Transition
from harness.scenario import ScenarioFailed, ScenarioSkipped

if TYPE_CHECKING:
    from harness.scenario import Scenario
    from harness.spec_view import SpecView
    from harness.targets.base import Connection, Target

T = TypeVar("T")

# Shapes of secrets that must never appear in a report, whatever produced the text.
_SECRET_PATTERNS = (
    re.compile(r"\b(?:sk|rk)_(?:test|live)_[A-Za-z0-9]+"),
    re.compile(r"\bwhsec_[A-Za-z0-9]+"),
    re.compile(r"\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]+"),  # Salesforce session id / access token
    re.compile(r"(?i)\bBearer\s+[A-Za-z0-9._!-]+"),
)


def redact_text(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        if secret and len(secret) >= 6:
            text = text.replace(secret, "[redacted]")
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub("[redacted]", text)
    return text


@dataclass
class Recorder:
    started: float = field(default_factory=time.monotonic)
    evidence: list[Evidence] = field(default_factory=list)
    transitions: list[Transition] = field(default_factory=list)
    timings: list[Timing] = field(default_factory=list)


class ScenarioContext:
    def __init__(self, target: "Target", connection: "Connection", spec: "SpecView", run_tag: str):
        self.target = target
        self.connection = connection
        self.sf = connection.sf
        self.stripe = connection.stripe
        self.spec = spec
        self.run_tag = run_tag
        self.budgets = target.budgets
        self.scenario: "Scenario | None" = None
        self._recorder = Recorder()
        self._sequence = 0
        # Shows how a long wait is going (the runner sets it to the live progress display).
        self.show_progress: Callable[[str], None] = lambda text: None
        from harness.drivers.salesforce import OrgDriver
        from harness.drivers.stripe_side import StripeDriver

        self.org = OrgDriver(self)
        self.stripe_side = StripeDriver(self)

    # Lifecycle (driven by Scenario.run) --------------------------------------------------
    def begin(self, scenario: "Scenario") -> None:
        self.scenario = scenario
        self._recorder = Recorder()

    def end(self) -> Recorder:
        recorder, self._recorder = self._recorder, Recorder()
        return recorder

    # Verdicts ------------------------------------------------------------------------
    def fail(self, reason: str) -> NoReturn:
        raise ScenarioFailed(reason)

    def skip(self, reason: str) -> NoReturn:
        """This spec gives the scenario nothing to verify (e.g. no failure status): say why."""
        raise ScenarioSkipped(reason)

    def check(self, condition: bool, reason: str) -> None:
        if not condition:
            self.fail(reason)

    # Evidence ------------------------------------------------------------------------
    def redact(self, text: str) -> str:
        return redact_text(text, self.connection.secrets)

    def note(self, kind: str, label: str, value: Any, url: str | None = None) -> None:
        self._recorder.evidence.append(
            Evidence(kind, label, self.redact(str(value)), self.redact(url) if url else None)
        )

    def elapsed(self) -> float:
        return round(time.monotonic() - self._recorder.started, 3)

    def transition(self, record: str, field_name: str, before: Any, after: Any) -> None:
        self._recorder.transitions.append(
            Transition(
                record,
                field_name,
                None if before is None else str(before),
                None if after is None else str(after),
                self.elapsed(),
            )
        )

    def timing(self, label: str, seconds: float) -> None:
        self._recorder.timings.append(Timing(label, round(seconds, 3)))

    # Waiting -------------------------------------------------------------------------
    def wait_for(
        self,
        probe: Callable[[], T | None],
        *,
        timeout: float,
        what: str,
        timing: str | None = None,
        observed: Callable[[], str] | None = None,
        failure: Callable[[], str | None] | None = None,
        progress: Callable[[], str] | None = None,
    ) -> T:
        """Poll `probe` until it returns something truthy; fail naming `what` and what was last seen.

        `observed` describes the state at the deadline (default: the probe's last value).
        `failure` returns what the org reported when it gave up (a Sync Log, the error field):
        the wait fails at once with it instead of waiting out the budget. `progress` says how
        far the wait got, shown live once it takes longer than a second."""
        started = time.monotonic()
        deadline = started + timeout
        value = probe()
        looks = 0
        while not value:
            now = time.monotonic()
            reported = failure() if failure else None
            if reported:
                self.fail(f"{what}: the org reported a failure after {now - started:.1f} s: {reported}")
            if now >= deadline:
                seen = observed() if observed else repr(value)
                self.fail(f"{what}: not seen within {timeout:g} s (observed: {seen})")
            if now - started > 1:
                done = f": {progress()}" if progress else ""
                self.show_progress(f"waiting for {what}{done} ({now - started:.0f} of {timeout:g} s)")
            # The first look after the first clock advance is immediate: the local org runs the
            # work the advance made due (the Stripe path) inside that request. Later looks, e.g.
            # for a webhook delivery, keep the poll interval.
            if looks:
                time.sleep(self.budgets.poll_interval)
            looks += 1
            self.target.let_stripe_paths_run()
            value = probe()
        if timing:
            self.timing(timing, time.monotonic() - started)
        return value

    def hold(self, probe: Callable[[], T], *, what: str, seconds: float | None = None) -> T:
        """Watch `probe` for a while and fail the moment it is truthy: for things that must not happen.

        The watch lasts `seconds` (default: the target's settle budget), or less where the target
        can prove nothing more can happen: after each clock step the target is asked whether
        anything could still happen within the rest of the window (Target.quiescent: the local
        stack answers from its emulators; a real sandbox cannot tell, so there the window is
        watched to its end). Once idle, the probe is read one last time, so anything that
        happened just before the stack went quiet still fails the scenario."""
        from harness.targets.base import Quiescence

        window = self.budgets.settle_seconds if seconds is None else seconds
        started = time.monotonic()
        deadline = started + window
        value = probe()
        while not value:
            now = time.monotonic()
            if now >= deadline:
                self.timing(f"must not happen, watched the whole window: {what}", now - started)
                return value
            self.target.let_stripe_paths_run()
            if self.target.quiescent(deadline - time.monotonic()) == Quiescence.IDLE:
                value = probe()  # the last look: after this nothing can happen without new input
                if not value:
                    self.timing(f"must not happen, watched until quiescent: {what}", time.monotonic() - started)
                    return value
                break
            time.sleep(self.budgets.poll_interval)
            value = probe()
        self.fail(f"{what}: {value!r}")

    # Naming --------------------------------------------------------------------------
    def unique_name(self, label: str) -> str:
        self._sequence += 1
        scenario = self.scenario.name if self.scenario else "harness"
        return f"sfpay-{self.run_tag}-{scenario}-{label}-{self._sequence}"
