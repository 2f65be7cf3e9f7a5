"""What a scenario run produces: an outcome, a precise reason and the evidence behind it.

The evidence is what a reviewer attaches to a go-live ticket: the Salesforce record ids and
Stripe object ids a scenario touched, how long each observed step took and the status
transitions it saw. Everything here is plain data so reports can render it without
knowing anything about scenarios.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field


class Outcome(str, enum.Enum):
    PASSED = "passed"
    FAILED = "failed"  # the automation did not behave as specified
    ERROR = "error"  # the scenario could not run to a verdict (environment, bug)
    SKIPPED = "skipped"  # the target cannot exercise this scenario; the reason says why


@dataclass(frozen=True)
class Evidence:
    """One fact a scenario observed. `kind` groups it in reports."""

    kind: str  # "salesforce", "stripe", "email", "limits", "note"
    label: str
    value: str
    url: str | None = None  # where a reviewer opens it: the record in the org, the hosted invoice page


@dataclass(frozen=True)
class Transition:
    """A status change observed on a record, with when it was seen relative to the scenario start."""

    record: str
    field: str
    before: str | None
    after: str | None
    at_seconds: float


@dataclass(frozen=True)
class Timing:
    label: str
    seconds: float


@dataclass
class ScenarioResult:
    name: str
    number: int
    title: str
    outcome: Outcome
    reason: str
    duration_seconds: float
    evidence: list[Evidence] = field(default_factory=list)
    transitions: list[Transition] = field(default_factory=list)
    timings: list[Timing] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.outcome is Outcome.PASSED

    def to_dict(self) -> dict:
        data = asdict(self)
        data["outcome"] = self.outcome.value
        return data


@dataclass
class RunSummary:
    """A whole verify run: what was run against what, and every scenario's result."""

    target: str
    target_description: str
    started_at: str  # ISO-8601 UTC
    duration_seconds: float
    results: list[ScenarioResult]
    environment: list[Evidence] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for result in self.results if result.outcome is outcome)

    @property
    def ok(self) -> bool:
        """A run is good when nothing failed or errored; skips are reported, not hidden."""
        return not any(r.outcome in (Outcome.FAILED, Outcome.ERROR) for r in self.results)

    def to_dict(self) -> dict:
        return {
            "target": self.target,
            "target_description": self.target_description,
            "started_at": self.started_at,
            "duration_seconds": self.duration_seconds,
            "ok": self.ok,
            "environment": [asdict(item) for item in self.environment],
            "results": [result.to_dict() for result in self.results],
        }
