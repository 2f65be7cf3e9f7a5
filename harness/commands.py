"""Bodies of `sfpay verify` and `sfpay demo` (registered by harness.cli).

Importing this module is cheap; the commands import the stack, clients and renderers when
they run.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path
from typing import Optional

import typer


def _fail(message: str) -> None:
    from harness.cli import user_error

    user_error(message)


def _default_report_dir(target: str, root: Path | None = None) -> Path:
    """reports/verify-<target>-<UTC time> in the project (the current folder outside one)."""
    if root is None:
        from sfpay.project import find_root

        root = find_root(Path.cwd()) or Path.cwd()
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return root / "reports" / f"verify-{target}-{stamp}"


def project_or_fail(spec: Optional[Path]):
    """The project found from the current folder (--spec's project when given)."""
    from sfpay.project import ProjectError, discover

    try:
        return discover(spec)
    except ProjectError as exc:
        _fail(str(exc))


def run_and_report(
    target, spec_view, scenarios, report_dir: Optional[Path], console, project_root: Path | None = None
) -> "tuple":
    """Open the target, run, write reports. Returns (summary, paths)."""
    from harness.preflight import check_deployment
    from harness.reporting.progress import Progress, summary_table
    from harness.reporting.screenshots import CaptureDuringRun
    from harness.reporting.signoff import write_reports
    from harness.runner import run_scenarios
    from harness.targets.base import TargetError

    progress = Progress(console, total=len(scenarios))
    try:
        progress.step(f"connecting to the {target.name} target")
        connection = target.open()
        progress.step("checking that the automation is deployed as the spec describes")
        check_deployment(connection.sf, spec_view, hint=target.deploy_hint)
    except TargetError as exc:
        target.close()
        _fail(str(exc))
    directory = report_dir or _default_report_dir(target.name, project_root)
    try:
        with tempfile.TemporaryDirectory(prefix="sfpay-screenshots-") as shots_dir:
            # While the target is open: the payer's pages as Chromium shows them, taken while
            # the later scenarios run.
            screenshots = CaptureDuringRun((s.name for s in scenarios), Path(shots_dir), connection.secrets)
            summary = run_scenarios(target, connection, spec_view, scenarios, progress, on_result=screenshots.on_result)
            progress.step("finishing the screenshots of the hosted invoice pages")
            shots = screenshots.finish()
            paths = write_reports(summary, directory, connection.secrets, shots.paths, shots.notes)
    finally:
        target.close()
    console.print(summary_table(summary))
    console.print(
        f"Sign-off report: {paths.html}\n                 {paths.markdown}\nJUnit XML:       {paths.junit}",
        highlight=False,
    )
    return summary, paths


def verify_command(
    target: str = typer.Option(
        ..., "--target", help="local (orgsim + stripesim) or sandbox (a real sandbox + Stripe test mode)."
    ),
    only: Optional[list[str]] = typer.Option(
        None, "--only", help="Run only these scenarios (names or numbers; repeat or comma-separate)."
    ),
    spec: Optional[Path] = typer.Option(None, "--spec", help="Spec file. Default: the project's."),
    report_dir: Optional[Path] = typer.Option(
        None, "--report-dir", help="Report folder. Default: reports/verify-<target>-<time>."
    ),
    deploy: bool = typer.Option(
        True, "--deploy/--no-deploy", help="local: deploy through the CumulusCI pipeline first."
    ),
    org: Optional[str] = typer.Option(None, "--org", help="sandbox: CumulusCI org name."),
    instance_url: Optional[str] = typer.Option(
        None, "--instance-url", help="sandbox: https://<domain>.sandbox.my.salesforce.com"
    ),
    username: Optional[str] = typer.Option(
        None, "--username", help="sandbox: user (password from SF_PASSWORD, or SF_ACCESS_TOKEN)."
    ),
    webhook_url: Optional[str] = typer.Option(
        None,
        "--webhook-url",
        help="sandbox: the connector's Stripe listener URL (enables webhook scenarios with STRIPE_WEBHOOK_SECRET).",
    ),
    reminder_offset_minutes: Optional[int] = typer.Option(
        None,
        "--reminder-offset-minutes",
        help="sandbox: the short reminder offset the flows were deployed with (min 1).",
    ),
) -> None:
    """Run the end-to-end scenarios and write a sign-off report."""
    from rich.console import Console

    from harness.scenario import UnknownScenario, select
    from harness.spec_view import SpecUnavailable, load
    from harness.targets.base import Target, TargetError

    console = Console(stderr=True)
    if target not in ("local", "sandbox"):
        _fail(f"--target must be local or sandbox, got {target!r}")
    try:
        scenarios = select(_split(only))
    except UnknownScenario as exc:
        _fail(str(exc))
    if target == "sandbox":
        # Unsafe input (a live key, missing credentials) is refused before anything is read or touched.
        import os

        from harness.targets.sandbox import SandboxSettings, SandboxTarget, check_settings

        settings = SandboxSettings(
            org_name=org,
            instance_url=instance_url,
            username=username,
            webhook_url=webhook_url,
            reminder_offset_minutes=reminder_offset_minutes,
        )
        try:
            check_settings(settings, dict(os.environ))
        except TargetError as exc:
            _fail(str(exc))
    project = project_or_fail(spec)
    spec_path = project.spec
    try:
        spec_view = load(spec_path)
    except SpecUnavailable as exc:
        _fail(f"spec problems:\n{exc}")

    chosen: Target
    try:
        if target == "sandbox":
            chosen = SandboxTarget(settings, spec_view)
        else:
            from harness.targets.local import LocalTarget

            chosen = LocalTarget(spec_view, spec_path=spec_path, deploy=deploy, console=console, project=project)
    except TargetError as exc:
        _fail(str(exc))
    summary, _ = run_and_report(chosen, spec_view, scenarios, report_dir, console, project.root)
    if not summary.ok:
        raise typer.Exit(1)


def _split(only: Optional[list[str]]) -> list[str]:
    return [name.strip() for item in (only or []) for name in item.split(",") if name.strip()]


def demo_command(
    spec: Optional[Path] = typer.Option(None, "--spec", help="Spec file. Default: the project's."),
    report_dir: Optional[Path] = typer.Option(
        None, "--report-dir", help="Report folder. Default: reports/verify-<target>-<time>."
    ),
) -> None:
    """The whole product on this machine: local stack up, generate, validate, deploy, verify
    all scenarios, for the project found from the current folder.

    With --spec FILE other than the project's, the metadata is generated into
    .sfpay/builds/ (the project's force-app is left alone).
    """
    from rich.console import Console

    from harness.demo import run_demo

    console = Console(stderr=True)
    started = time.monotonic()
    summary = run_demo(spec, report_dir, console)
    console.print(f"demo finished in {time.monotonic() - started:.1f} s", highlight=False)
    if not summary.ok:
        raise typer.Exit(1)
