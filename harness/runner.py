"""Run scenarios against a target and collect a RunSummary."""

from __future__ import annotations

import datetime as dt
import secrets as _secrets
import time
from collections.abc import Callable

from harness.context import ScenarioContext
from harness.reporting.progress import Progress
from harness.results import Evidence, RunSummary, ScenarioResult
from harness.scenario import Scenario
from harness.spec_view import SpecView
from harness.targets.base import Connection, Target


def new_run_tag() -> str:
    """Short, unique per run: goes into every record name this run creates."""
    return dt.datetime.now(dt.timezone.utc).strftime("%m%d%H%M") + _secrets.token_hex(2)


def run_scenarios(
    target: Target,
    connection: Connection,
    spec: SpecView,
    scenarios: list[type[Scenario]],
    progress: Progress | None = None,
    run_tag: str | None = None,
    on_result: Callable[[ScenarioResult], None] | None = None,
) -> RunSummary:
    """Run `scenarios` in order; `on_result` hears each result as it is known."""
    started_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    started = time.monotonic()
    ctx = ScenarioContext(target, connection, spec, run_tag or new_run_tag())
    if progress:
        ctx.show_progress = progress.update
    results = []
    for cls in scenarios:
        scenario = cls()
        if progress:
            with progress.scenario(cls.number, cls.name, cls.title):
                result = scenario.run(ctx)
            progress.result(result)
        else:
            result = scenario.run(ctx)
        results.append(result)
        if on_result:
            on_result(result)
    environment = [Evidence("note", "run tag (in every record name)", ctx.run_tag), *target.environment()]
    return RunSummary(
        target=target.name,
        target_description=ctx.redact(target.describe()),
        started_at=started_at,
        duration_seconds=round(time.monotonic() - started, 3),
        results=results,
        environment=[
            Evidence(e.kind, e.label, ctx.redact(e.value), ctx.redact(e.url) if e.url else None) for e in environment
        ],
    )
