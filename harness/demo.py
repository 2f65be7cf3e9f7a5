"""`sfpay demo`: the whole product on one machine, in under a minute.

local stack up -> generate -> validate -> deploy (CumulusCI) -> verify all scenarios ->
summary table and report path. Each step is the command a user would run, so the demo
shows (and times) exactly the path the README documents.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from harness.stack import StepFailed, checked, deploy_local, local_up, source_dir

if TYPE_CHECKING:
    from rich.console import Console

    from harness.results import RunSummary

T = TypeVar("T")


def run_demo(spec: Path | None, report_dir: Path | None, console: "Console") -> "RunSummary":
    from harness.cli import user_error as _fail
    from harness.commands import project_or_fail, run_and_report
    from harness.results import Evidence
    from harness.scenario import all_scenarios
    from harness.spec_view import SpecUnavailable, load
    from harness.targets.local import LocalTarget

    # The project found from the current folder: the tool's own repository works on its
    # default spec and force-app as always; a client project on its own; a --spec other than
    # the project's is rendered into the state folder, never over the committed force-app.
    project = project_or_fail(spec)
    spec_path = project.spec
    force_app = source_dir(project)
    shown = project.relative(force_app)
    steps: list[tuple[str, float]] = []

    def step(label: str, action: Callable[[], T]) -> T:
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
        started_stack = pool.submit(local_up, project)
        step(
            f"sfpay generate --spec {project.relative(spec_path)} --out {shown}",
            lambda: checked(
                ["generate", "--spec", str(spec_path), "--out", str(force_app)], "generating", cwd=project.root
            ),
        )
        step(f"sfpay validate {shown}", lambda: checked(["validate", str(force_app)], "validating", cwd=project.root))
        stack, _ = step("local stack ready", started_stack.result)
    step("sfpay deploy --org local (CumulusCI)", lambda: deploy_local(project))

    target = LocalTarget(spec_view, spec_path=spec_path, deploy=False, console=console, stack=stack, project=project)
    for label, seconds in steps:
        target.add_fact(Evidence("note", f"demo step: {label}", f"{seconds:.1f} s"))
    summary, _ = run_and_report(target, spec_view, all_scenarios(), report_dir, console, project.root)
    return summary
