"""Writing the result: a findings table (or JSON, CSV) on standard output, the summary on
standard error so `--format json|csv` output stays machine-readable."""

from __future__ import annotations

import csv
import json
from typing import IO, Any

from operate.reconcile.findings import MEANING, Finding, Kind
from operate.reconcile.run import Result

COLUMNS = ("kind", "opportunity_id", "invoice_id", "org_status", "stripe_status", "detail", "action", "applied")
TABLE_LIMIT = 200  # rows shown in the table; JSON and CSV carry all of them


def differences(result: Result) -> list[Finding]:
    return [f for f in result.findings if f.kind.is_difference]


def write_json(result: Result, out: IO[str], meta: dict[str, Any]) -> None:
    json.dump(
        {
            **meta,
            "counts": dict(sorted(result.counts.items())),
            "differences": result.differences,
            "applied": result.applied,
            "findings": [f.as_dict() for f in differences(result)],
        },
        out,
        indent=2,
    )
    out.write("\n")


def write_csv(result: Result, out: IO[str]) -> None:
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for finding in differences(result):
        writer.writerow(finding.as_dict())


def findings_table(result: Result) -> Any:
    from rich.table import Table

    table = Table(title="Differences", show_lines=False, expand=False)
    for name in (
        "class",
        "Opportunity",
        "invoice",
        "org",
        "Stripe",
        "what",
        "to do" if not result.applied else "to do / done",
    ):
        table.add_column(name, overflow="fold")
    for finding in differences(result)[:TABLE_LIMIT]:
        table.add_row(
            finding.kind.value,
            finding.opportunity_id or "",
            finding.invoice_id or "",
            finding.org_status or "",
            finding.stripe_status or "",
            finding.detail,
            finding.applied or finding.action,
        )
    return table


def summary_table(result: Result) -> Any:
    from rich.table import Table

    table = Table(title="Reconcile summary")
    table.add_column("class")
    table.add_column("count", justify="right")
    table.add_column("meaning")
    for kind in Kind:
        count = result.counts.get(kind.value, 0)
        if count or kind in (Kind.IN_SYNC,):
            style = "red" if kind.is_difference and count else None
            table.add_row(kind.value, f"{count:,}", MEANING[kind], style=style)
    table.add_row("", "", "")
    table.add_row("Opportunities read", f"{result.org_rows:,}", "with a Stripe invoice id")
    table.add_row("Stripe invoices read", f"{result.stripe_rows:,}", "")
    return table
