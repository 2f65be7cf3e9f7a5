"""Commands: `sfpay reconcile`, `sfpay drift`, `sfpay backfill` (issue 16). Cheap to import: the work happens in the command body."""

from __future__ import annotations

from pathlib import Path

import typer

EXIT_CLEAN, EXIT_DIFFERENCES, EXIT_ERROR = 0, 1, 2


def reconcile_command(
    org: str = typer.Option(..., "--org", help="CumulusCI org name (`local` for the local stack)."),
    spec: Path | None = typer.Option(
        None, "--spec", help="Spec file (field names, statuses, events). Default: the project's."
    ),
    since: str | None = typer.Option(None, "--since", help="Only invoices created on or after this date (YYYY-MM-DD)."),
    apply: bool = typer.Option(
        False, "--apply", help="Fix stale statuses through the event path (writes Stripe Event and Sync Log records)."
    ),
    invoice: list[str] | None = typer.Option(
        None, "--invoice", help="Only these Stripe invoice ids (repeat the option)."
    ),
    output_format: str = typer.Option("table", "--format", help="table, json or csv (on standard output)."),
    allow_live: bool = typer.Option(False, "--allow-live", help="Accept a live Stripe key (production)."),
    api_base: str | None = typer.Option(
        None, "--api-base", envvar="STRIPE_API_BASE", help="Stripe API base URL (stripesim)."
    ),
) -> None:
    """Compare every Opportunity's Stripe invoice with Stripe and report the differences.

    Read-only unless --apply. The Stripe key comes from STRIPE_API_KEY (a restricted key with read
    access to invoices and events is enough without --apply). Exit 0: in sync; 1: differences; 2: error.
    """
    from operate.reconcile.command import main

    raise typer.Exit(
        main(
            org=org,
            spec=spec,
            since=since,
            apply=apply,
            invoice_ids=invoice or None,
            output_format=output_format,
            allow_live=allow_live,
            api_base=api_base,
        )
    )


def drift_command(
    org: str = typer.Option(..., "--org", help="CumulusCI org name (`local` for the local stack)."),
    spec: Path | None = typer.Option(None, "--spec", help="Spec file to compare with. Default: the project's."),
    output_format: str = typer.Option("table", "--format", help="table or json (on standard output)."),
) -> None:
    """Compare the org's deployed flows, fields, alerts, templates, record types and permission set
    with what the spec renders (Metadata API retrieve through CumulusCI; read-only).

    Exit 0: no drift; 1: drift; 2: error."""
    from operate.drift.command import main

    raise typer.Exit(main(org=org, spec=spec, output_format=output_format))


def backfill_command(
    org: str = typer.Option(..., "--org", help="CumulusCI org name (`local` for the local stack)."),
    spec: Path | None = typer.Option(None, "--spec", help="Spec file (fields, stages). Default: the project's."),
    where: str | None = typer.Option(
        None, "--where", help='Extra SOQL condition on Opportunity, e.g. "CloseDate >= 2026-01-01".'
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="List what would be invoiced; change nothing."),
    batch_size: int = typer.Option(50, "--batch-size", help="Opportunities started per batch (1-200)."),
    limit: int | None = typer.Option(None, "--limit", help="Start at most this many (a first, careful run)."),
    wait: float = typer.Option(
        600, "--wait", help="Seconds to wait for a batch's invoices before the next batch (0: start all, don't wait)."
    ),
    output_format: str = typer.Option("table", "--format", help="table or json (on standard output)."),
) -> None:
    """Invoice eligible Opportunities that have no invoice (at go-live), through the update flow.

    Safe to interrupt and run again: an Opportunity whose invoicing has started is never started
    twice. Exit 0: every eligible Opportunity is invoiced; 1: some remain; 2: error."""
    from operate.backfill.command import main

    raise typer.Exit(
        main(
            org=org,
            spec=spec,
            where=where,
            dry_run=dry_run,
            batch_size=batch_size,
            limit=limit,
            wait=wait,
            output_format=output_format,
        )
    )


def register(app: typer.Typer) -> None:
    app.command("reconcile")(reconcile_command)
    app.command("drift")(drift_command)
    app.command("backfill")(backfill_command)
