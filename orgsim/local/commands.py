"""`sfpay local up|status|down`. Cheap to import (typer only)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

local_app = typer.Typer(name="local", help="The local stack: stripesim + the org server, wired together.",
                        no_args_is_help=True)


def _fail(message: str) -> None:
    from rich.console import Console

    Console(stderr=True).print(f"[red]error:[/red] {message}")
    raise typer.Exit(1)


@local_app.command("up")
def up(
    spec: Optional[Path] = typer.Option(None, "--spec", help="sfpay spec: Stripe account name, webhook events, API version."),
    jwt_cert: Optional[Path] = typer.Option(None, "--jwt-cert", help="Connected app certificate for the JWT bearer grant."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object with the connection details (includes credentials)."),
) -> None:
    """Start stripesim and the org server in the background and print how to connect."""
    from orgsim.local import stack
    from sfpay.stripe_keys import redact

    if jwt_cert is not None and not jwt_cert.is_file():
        _fail(f"--jwt-cert {jwt_cert}: no such file")
    try:
        state, warning = _up(stack, stack.spec_info(spec), jwt_cert)
        details = stack.connection(state)
    except stack.StackError as exc:
        _fail(str(exc))
    if warning:
        from rich.console import Console

        Console(stderr=True).print(f"[yellow]warning:[/yellow] {warning}")
    if as_json:
        typer.echo(json.dumps(details, indent=2, sort_keys=True))
        return
    typer.echo(f"org      {details['instance_url']}  (user {details['username']}; password and token: sfpay local up --json)")
    typer.echo(f"stripe   {details['api_base']}  (key {redact(details['api_key'])})")
    typer.echo(f"webhook  {details['webhook_url']}  (secret whsec_...{details['webhook_secret'][-4:]})")
    typer.echo(f"trust    export REQUESTS_CA_BUNDLE={details['ca_bundle']}")
    typer.echo(f"state    {details['state_dir']}  (sfpay local status / sfpay local down)")


def _up(stack, spec_info, jwt_cert: Optional[Path]):
    """With the pipeline package (issue 7) present and no certificate of the user's, the stack
    starts with the pipeline's connected-app key pair and the org is registered with CumulusCI
    as `local` (`sfpay deploy --org local`); otherwise just the stack."""
    if jwt_cert is None:
        try:
            from pipeline.local_stack import up_with_cumulusci
        except ImportError:
            up_with_cumulusci = None
        if up_with_cumulusci is not None:
            result = up_with_cumulusci(spec_info)
            return result.state, result.warning
    return stack.up(spec_info, jwt_cert=jwt_cert), None


@local_app.command("status")
def status(as_json: bool = typer.Option(False, "--json", help="Print JSON (with connection details when running).")) -> None:
    """Show whether the local stack runs and answers."""
    from orgsim.local import stack

    state = stack.load_state()
    if state is None:
        if as_json:
            typer.echo(json.dumps({"running": False}))
        else:
            typer.echo("local stack: not running (sfpay local up)")
        raise typer.Exit(1)
    report = stack.health(state)
    if as_json:
        payload = {"running": True, **report}
        if report["healthy"]:
            payload["connection"] = stack.connection(state)
        typer.echo(json.dumps(payload, indent=2, sort_keys=True))
    else:
        for name, info in (("org", report["org"]), ("stripesim", report["stripesim"])):
            url = info.get("instance_url") or info.get("api_base")
            word = "healthy" if info["healthy"] else ("not answering" if info["running"] else "not running")
            typer.echo(f"{name:10} pid {info['pid']:>7}  {url}  {word}")
    if not report["healthy"]:
        raise typer.Exit(1)


@local_app.command("down")
def down() -> None:
    """Stop the local stack (data stays in the state folder)."""
    from orgsim.local import stack

    result = stack.down()
    try:
        from pipeline.local_stack import forget_cumulusci_org
    except ImportError:
        forget_cumulusci_org = None
    if forget_cumulusci_org is not None:
        forget_cumulusci_org()  # the CumulusCI org `local` pointed at this stack
    typer.echo("stopped: " + (", ".join(result["stopped"]) or "nothing was running"))
