"""The body of `sfpay reconcile`: resolve the project, spec, org and Stripe; run; report."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from pathlib import Path
from typing import Any

from operate.reconcile.facts import ReconcileError
from operate.reconcile.run import Progress
from sfpay.console import print_error

FORMATS = ("table", "json", "csv")


class RichProgress(Progress):
    """A rich progress bar on standard error; silent when stderr is not a terminal, apart from
    one line per phase, so CI logs stay readable."""

    def __init__(self, console: Any) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.progress import Progress as Bar

        self.console = console
        self.bar = Bar(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
            disable=not console.is_terminal,
        )
        self.task: Any = None

    def __enter__(self) -> RichProgress:
        self.bar.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.bar.__exit__(*exc)

    def phase(self, name: str, total: int | None = None) -> None:
        if self.task is not None:
            self.bar.update(self.task, total=self.bar.tasks[self.task].completed)
        self.task = self.bar.add_task(name, total=total)
        if not self.console.is_terminal:
            self.console.print(f"> {name}" + (f" ({total:,})" if total is not None else ""), highlight=False)

    def advance(self, count: int = 1) -> None:
        if self.task is not None:
            self.bar.advance(self.task, count)

    def note(self, message: str) -> None:
        self.console.print(f"  {message}", highlight=False)


def parse_since(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ReconcileError(f"--since {value!r} is not a date (expected YYYY-MM-DD)") from None


def main(
    *,
    org: str,
    spec: Path | None,
    since: str | None,
    apply: bool,
    output_format: str,
    allow_live: bool,
    api_base: str | None,
    invoice_ids: list[str] | None = None,
) -> int:
    from rich.console import Console

    from operate.cli import EXIT_CLEAN, EXIT_DIFFERENCES, EXIT_ERROR

    err = Console(stderr=True)
    try:
        if output_format not in FORMATS:
            raise ReconcileError(f"--format {output_format!r}: expected one of {', '.join(FORMATS)}")
        since_date = parse_since(since)
        bad = [i for i in invoice_ids or [] if not re.fullmatch(r"in_[A-Za-z0-9]+", i)]
        if bad:
            raise ReconcileError(f"--invoice {bad[0]!r} is not a Stripe invoice id (in_...)")
        sf, client, facts, who = _connect(org, spec, allow_live, api_base)
        err.print(
            f"reconcile {who}: "
            + (
                "[bold]--apply[/bold]: stale statuses are replayed through the event path "
                "(Stripe Event + Sync Log records); nothing else is changed"
                if apply
                else "[bold]read-only[/bold]: nothing is changed in the org or in Stripe"
            ),
            highlight=False,
        )
        from operate.reconcile.run import reconcile

        with RichProgress(err) as progress:
            result = reconcile(
                sf, client, facts, since=since_date, apply=apply, progress=progress, invoice_ids=invoice_ids
            )
    except ReconcileError as exc:
        print_error(str(exc))
        return EXIT_ERROR
    except Exception as exc:
        name = type(exc).__name__
        if not name.startswith(
            (
                "Salesforce",
                "Stripe",
                "APIError",
                "APIConnection",
                "Authentication",
                "Permission",
                "InvalidRequest",
                "RateLimit",
                "ConnectionError",
                "SSLError",
            )
        ):
            raise
        print_error(f"{name}: {exc}")
        return EXIT_ERROR
    _write(
        result,
        output_format,
        {
            "org": org,
            "mode": "apply" if apply else "read-only",
            "since": since_date.isoformat() if since_date else None,
        },
        err,
    )
    return EXIT_DIFFERENCES if result.differences else EXIT_CLEAN


def _write(result: Any, output_format: str, meta: dict[str, Any], err: Any) -> None:
    from rich.console import Console

    from operate.reconcile import report

    if output_format == "json":
        report.write_json(result, sys.stdout, meta)
    elif output_format == "csv":
        report.write_csv(result, sys.stdout)
    elif report.differences(result):
        out = Console()
        out.print(report.findings_table(result))
        shown = min(len(report.differences(result)), report.TABLE_LIMIT)
        if shown < len(report.differences(result)):
            out.print(f"(first {shown} of {len(report.differences(result)):,}: --format csv lists them all)")
    err.print(report.summary_table(result))
    if meta["mode"] == "read-only" and any(f.fixable for f in result.findings):
        err.print(
            f"{sum(f.fixable for f in result.findings)} can be fixed through the event path: run again with --apply",
            highlight=False,
        )
    elif meta["mode"] == "apply":
        err.print(
            f"applied {result.applied} fix(es); the event flow applies them on its Stripe path (about a minute)",
            highlight=False,
        )


def _connect(org: str, spec: Path | None, allow_live: bool, api_base: str | None) -> tuple[Any, Any, Any, str]:
    from operate.reconcile.connect import (
        local_stripe,
        org_session,
        salesforce,
        stripe_client,
    )
    from operate.reconcile.facts import load_facts
    from sfpay.paths import state_dir
    from sfpay.project import ProjectError, discover

    try:
        project = discover(spec)
    except ProjectError as exc:
        raise ReconcileError(str(exc)) from None
    facts = load_facts(project.spec)
    key = os.environ.get("STRIPE_API_KEY")
    if not key and org == "local":
        found = local_stripe(project.root)
        if found:
            api_base, key = api_base or found[0], found[1]
    client = stripe_client(key or "", api_base, allow_live)
    session = org_session(org, project.root, state_dir(project.root))
    from sfpay.stripe_keys import redact

    who = f"CumulusCI org {org} ({session.instance_url}) against Stripe key {redact(key or '')}"
    return salesforce(session), client, facts, who
