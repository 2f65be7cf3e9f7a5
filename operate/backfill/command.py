"""The body of `sfpay backfill`: resolve the project, spec and org; run; report."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from operate.reconcile.facts import ReconcileError
from sfpay.console import print_error

FORMATS = ("table", "json")
TABLE_LIMIT = 200


def main(
    *,
    org: str,
    spec: Path | None,
    where: str | None,
    dry_run: bool,
    batch_size: int,
    limit: int | None,
    wait: float,
    output_format: str,
) -> int:
    from rich.console import Console

    from operate.backfill.run import backfill
    from operate.cli import EXIT_CLEAN, EXIT_DIFFERENCES, EXIT_ERROR
    from operate.reconcile.command import RichProgress

    err = Console(stderr=True)
    try:
        if output_format not in FORMATS:
            raise ReconcileError(f"--format {output_format!r}: expected one of {', '.join(FORMATS)}")
        if not 1 <= batch_size <= 200:
            raise ReconcileError(f"--batch-size {batch_size}: expected 1 to 200 (one sObject Collections call)")
        if limit is not None and limit < 1:
            raise ReconcileError(f"--limit {limit}: expected a positive number")
        if wait < 0:
            raise ReconcileError(f"--wait {wait:g}: expected seconds, 0 or more")
        if where is not None and ";" in where:
            raise ReconcileError("--where is a SOQL condition (e.g. \"CloseDate >= 2026-01-01\"), without ';'")
        sf, facts, who = _connect(org, spec)
        err.print(
            f"backfill {who}: "
            + (
                "[bold]--dry-run[/bold]: nothing is changed"
                if dry_run
                else f"invoices through the update flow in batches of {batch_size} "
                "(sets the invoicing error field to the backfill marker, then checks Retry Invoicing)"
            ),
            highlight=False,
        )
        with RichProgress(err) as progress:
            result = backfill(
                sf,
                facts,
                where=where,
                dry_run=dry_run,
                batch_size=batch_size,
                limit=limit,
                wait=wait,
                progress=progress,
            )
    except ReconcileError as exc:
        print_error(str(exc))
        return EXIT_ERROR
    except Exception as exc:
        name = type(exc).__name__
        if not name.startswith(("Salesforce", "ConnectionError", "SSLError")):
            raise
        print_error(f"{name}: {exc}")
        return EXIT_ERROR
    _write(result, org, dry_run, output_format, err)
    return EXIT_DIFFERENCES if result.remaining else EXIT_CLEAN


def _connect(org: str, spec: Path | None) -> tuple[Any, Any, str]:
    from generator.errors import SpecError
    from generator.spec.loader import load_spec
    from operate.backfill.plan import facts_from_spec
    from operate.reconcile.connect import org_session, salesforce
    from sfpay.paths import state_dir
    from sfpay.project import ProjectError, discover

    try:
        project = discover(spec)
        spec_model = load_spec(project.spec)
    except (ProjectError, SpecError) as exc:
        raise ReconcileError(str(exc)) from None
    session = org_session(org, project.root, state_dir(project.root))
    return salesforce(session), facts_from_spec(spec_model), f"CumulusCI org {org} ({session.instance_url})"


def _write(result: Any, org: str, dry_run: bool, output_format: str, err: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    if output_format == "json":
        json.dump(
            {
                "org": org,
                "mode": "dry-run" if dry_run else "apply",
                "remaining": result.remaining,
                "stopped_early": result.stopped_early,
                "opportunities": [asdict(r) for r in result.rows],
            },
            sys.stdout,
            indent=2,
            default=str,
        )
        sys.stdout.write("\n")
    elif result.rows:
        table = Table(title="Backfill", title_justify="left")
        for column in ("opportunity", "name", "amount", "outcome"):
            table.add_column(column, overflow="fold")
        for row in result.rows[:TABLE_LIMIT]:
            table.add_row(row.id, row.name, str(row.amount), row.outcome)
        Console().print(table)
        if len(result.rows) > TABLE_LIMIT:
            Console().print(f"(first {TABLE_LIMIT} of {len(result.rows):,}: --format json lists them all)")
    summary = Table(title="Summary", title_justify="left")
    summary.add_column("outcome")
    summary.add_column("count", justify="right")
    groups: dict[str, int] = {}
    for row in result.rows:
        key = row.outcome.split(":")[0].split(" in_")[0] if row.outcome else row.action
        groups[key] = groups.get(key, 0) + 1
    for key, count in sorted(groups.items()):
        summary.add_row(key, f"{count:,}")
    summary.add_row("eligible without an invoice", f"{len(result.rows):,}")
    err.print(summary)
    if result.stopped_early:
        err.print(result.stopped_early, highlight=False)
    if not result.rows:
        err.print("nothing to backfill: every eligible Opportunity has an invoice", highlight=False)
