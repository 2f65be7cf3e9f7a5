"""Running an operating command (`sfpay drift`, `sfpay backfill`) as the on-call admin runs it:
its command line against the target's CumulusCI org, JSON on standard output (run in this
process through the command's own entry point: harness/in_process.py)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.context import ScenarioContext


def run_json(ctx: ScenarioContext, command: str, *args: str, codes: tuple[int, ...] = (0, 1)) -> tuple[int, Any]:
    """`sfpay COMMAND --org ... --spec ... ARGS --format json`: (exit code, its JSON)."""
    from harness.in_process import run_operate
    from harness.scenarios._reconcile import org_name
    from harness.stack import project_folder

    argv = [command, "--org", org_name(ctx), "--spec", ctx.spec.spec_path, *args, "--format", "json"]
    result = run_operate(argv, cwd=project_folder())
    shown = "sfpay " + " ".join(argv)
    if result.returncode not in codes:
        ctx.fail(f"`{shown}` exited {result.returncode}: {ctx.redact(result.stderr.strip()[-1500:])}")
    try:
        report = json.loads(result.stdout)
    except ValueError:
        ctx.fail(f"`{shown}` printed no JSON: {ctx.redact(result.stdout[:500])}")
    ctx.note("note", shown, f"exit {result.returncode}")
    return result.returncode, report
