"""`sfpay demo`: the whole product on one machine, in under a minute.

local stack up -> generate -> validate -> deploy (CumulusCI) -> verify all scenarios ->
summary table and report path. Each step is the command a user would run, so the demo
shows (and times) exactly the path the README documents.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from harness.stack import StepFailed, checked, local_up, project_path

if TYPE_CHECKING:
    from rich.console import Console

    from harness.results import RunSummary


def run_demo(spec: Path | None, report_dir: Path | None, console: "Console") -> "RunSummary":
    from harness.cli import _fail
    from harness.commands import _run_and_report
    from harness.results import Evidence
    from harness.scenario import all_scenarios
    from harness.spec_view import SpecUnavailable, default_spec_path, load
    from harness.targets.local import LocalTarget

    spec_path = spec or default_spec_path()
    force_app = project_path("force-app")
    steps: list[tuple[str, float]] = []

    def step(label: str, action) -> object:
        console.print(f"[bold]>[/bold] {label}", highlight=False)
        started = time.monotonic()
        try:
            value = action()
        except StepFailed as exc:
            _fail(str(exc))
        steps.append((label, time.monotonic() - started))
        console.print(f"  [dim]{steps[-1][1]:.1f} s[/dim]", highlight=False)
        return value

    try:
        spec_view = load(spec_path)
    except SpecUnavailable as exc:
        _fail(f"spec problems:\n{exc}")

    # The stack starts in the background while the metadata is generated and validated:
    # neither needs the other, and starting two servers is the slowest step on a fresh machine.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        console.print("[bold]>[/bold] sfpay local up (orgsim + stripesim), in the background", highlight=False)
        started_stack = pool.submit(local_up)
        step(f"sfpay generate --spec {spec_path.name}", lambda: checked(["generate", "--spec", str(spec_path), "--out", str(force_app)], "generating"))
        step("sfpay validate force-app", lambda: checked(["validate", str(force_app)], "validating"))
        stack, _ = step("local stack ready", started_stack.result)
    step("sfpay deploy --org local (CumulusCI)", lambda: checked(["deploy", "--org", "local"], "deploying", timeout=600))

    target = LocalTarget(spec_view, spec_path=spec_path, deploy=False, console=console, stack=stack)
    for label, seconds in steps:
        target.add_fact(Evidence("note", f"demo step: {label}", f"{seconds:.1f} s"))
    summary, _ = _run_and_report(target, spec_view, all_scenarios(), report_dir, console)
    return summary

