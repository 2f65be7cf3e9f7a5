"""The scenario interface and its registry.

A scenario is one small module under `harness/scenarios/` with one class: a name (what you
pass to `--only`), a number (its place in the issue's list), a title, a description, the
target capabilities it needs, and `steps(ctx)`, which drives the org and Stripe and calls
`ctx.fail(...)` with a precise reason when the automation misbehaves. `run(ctx)` wraps
`steps` with timing and turns its outcome into a `ScenarioResult`.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, ClassVar

from harness.results import Outcome, ScenarioResult

if TYPE_CHECKING:
    from harness.context import ScenarioContext


class ScenarioFailed(AssertionError):
    """The automation did not do what the scenario specifies; the message is the verdict."""


class ScenarioSkipped(Exception):
    """The target cannot exercise this scenario; the message says exactly why."""


class Scenario:
    name: ClassVar[str]
    number: ClassVar[int]
    title: ClassVar[str]
    description: ClassVar[str]
    # Capabilities a target must offer (see harness.targets.base.Capability).
    requires: ClassVar[frozenset[str]] = frozenset()

    def steps(self, ctx: "ScenarioContext") -> str:
        """Drive the scenario; return the one-line pass reason, or call ctx.fail()."""
        raise NotImplementedError

    def run(self, ctx: "ScenarioContext") -> ScenarioResult:
        missing = sorted(self.requires - ctx.target.capabilities)
        started = time.monotonic()
        ctx.begin(self)
        if missing:
            outcome, reason = Outcome.SKIPPED, ctx.target.explain_missing(missing)
        elif ctx.spec is not None and not ctx.spec.flows_active:
            # Every scenario observes what the flows do; Draft flows do nothing.
            outcome, reason = (
                Outcome.SKIPPED,
                (
                    "the spec deploys its flows inactive (flows.status: Draft), so the org "
                    "runs no automation to verify; set flows.status: Active"
                ),
            )
        else:
            try:
                outcome, reason = Outcome.PASSED, self.steps(ctx)
            except ScenarioFailed as exc:
                outcome, reason = Outcome.FAILED, str(exc)
            except ScenarioSkipped as exc:
                outcome, reason = Outcome.SKIPPED, str(exc)
            except Exception as exc:  # noqa: BLE001 - any other error is reported as this scenario's error
                outcome, reason = Outcome.ERROR, f"{type(exc).__name__}: {exc}"
        recorder = ctx.end()
        return ScenarioResult(
            name=self.name,
            number=self.number,
            title=self.title,
            outcome=outcome,
            reason=ctx.redact(reason),
            duration_seconds=round(time.monotonic() - started, 3),
            evidence=recorder.evidence,
            transitions=recorder.transitions,
            timings=recorder.timings,
        )


_REGISTRY: dict[str, type[Scenario]] = {}


def register(cls: type[Scenario]) -> type[Scenario]:
    """Class decorator: add a scenario to the registry (names and numbers are unique)."""
    if cls.name in _REGISTRY:
        raise ValueError(f"duplicate scenario name {cls.name!r}")
    if any(other.number == cls.number for other in _REGISTRY.values()):
        raise ValueError(f"duplicate scenario number {cls.number} ({cls.name})")
    _REGISTRY[cls.name] = cls
    return cls


def all_scenarios() -> list[type[Scenario]]:
    import harness.scenarios  # noqa: F401 - importing the package registers every scenario

    return sorted(_REGISTRY.values(), key=lambda cls: cls.number)


class UnknownScenario(ValueError):
    pass


def select(names: list[str] | None) -> list[type[Scenario]]:
    """Scenarios to run, in registry order; `names` may be names or numbers."""
    scenarios = all_scenarios()
    if not names:
        return scenarios
    by_key: dict[str, type[Scenario]] = {}
    for cls in scenarios:
        by_key[cls.name] = cls
        by_key[str(cls.number)] = cls
    unknown = [name for name in names if name not in by_key]
    if unknown:
        known = ", ".join(cls.name for cls in scenarios)
        raise UnknownScenario(f"unknown scenario {', '.join(map(repr, unknown))}; known: {known}")
    wanted = {by_key[name] for name in names}
    return [cls for cls in scenarios if cls in wanted]
