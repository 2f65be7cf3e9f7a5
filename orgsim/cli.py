"""`sfpay org ...` commands. Cheap to import: orgsim itself is imported inside the commands."""

from __future__ import annotations

from pathlib import Path

import typer

org_app = typer.Typer(name="org", help="The local Salesforce org emulator (orgsim).", no_args_is_help=True)


@org_app.command("check")
def check(
    source: Path = typer.Argument(Path("force-app"), help="SFDX source folder (or project root) to load."),
) -> None:
    """Load metadata into an in-memory org: every flow is parsed and checked as the emulator would run it."""
    from rich.console import Console

    from orgsim import Org, OrgError
    from sfpay.console import fail

    try:
        org = Org.open(":memory:")
        result = org.deploy_source(source)
    except OrgError as exc:
        fail(str(exc))
    out = Console()
    for flow in org.flows():
        paths = ", ".join(flow["scheduledPaths"]) or "-"
        out.print(
            f"{flow['name']}: {flow['status']}, {flow['object']} {flow['recordTriggerType']} "
            f"({flow['triggerType']}), paths: {paths}"
        )
    out.print(f"{len(result.components)} components loaded, {len(result.ignored)} files without runtime effect")


def register(app: typer.Typer) -> None:
    # `org serve` is added by the code that assembles the server with its deploy checks
    # (sfpay/local/cli.py, running sfpay/local/org_serve.py); orgsim stays an emulator that imports nothing of the tool.
    app.add_typer(org_app)
