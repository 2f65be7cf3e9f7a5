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


def _spec_info(stack, spec: Optional[Path]):
    """The stack's settings from the project found from here (or --spec's project); outside
    any project and without --spec, the defaults, for the current folder."""
    from sfpay.project import ProjectError, discover, find_root

    if spec is None and find_root(Path.cwd()) is None:
        return stack.SpecInfo(project_root=str(Path.cwd().resolve()))
    try:
        project = discover(spec)
    except ProjectError as exc:
        _fail(str(exc))
    info = stack.spec_info(project.spec)
    info.project_root = str(project.root)
    return info


@local_app.command("up")
def up(
    spec: Optional[Path] = typer.Option(None, "--spec", help="Spec file. Default: the project's."),
    jwt_cert: Optional[Path] = typer.Option(None, "--jwt-cert", help="Connected app certificate (JWT grant)."),
    as_json: bool = typer.Option(False, "--json", help="Print the connection details as JSON (secrets too)."),
) -> None:
    """Start stripesim and the org server in the background and print how to connect.

    The stack belongs to the project found from the current folder (state in its .sfpay/);
    it takes the Stripe account name, webhook events and API version from the project's spec.
    """
    from orgsim.local import stack
    from sfpay.stripe_keys import redact

    if jwt_cert is not None and not jwt_cert.is_file():
        _fail(f"--jwt-cert: certificate file not found: {jwt_cert.resolve()}")
    try:
        state, warning = _up(stack, _spec_info(stack, spec), jwt_cert)
        details = _details(stack, state)
    except stack.StackError as exc:
        _fail(str(exc))
    if warning:
        from rich.console import Console

        Console(stderr=True).print(f"[yellow]warning:[/yellow] {warning}")
    if as_json:
        typer.echo(json.dumps(details, indent=2, sort_keys=True))
        return
    typer.echo(f"project  {details['project_root']}  (spec {details['spec'] or 'none: defaults'})")
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


def _details(stack, state) -> dict:
    """The one JSON shape of `up --json` and `status --json` (docs/orgsim-server.md): the
    connection details, flat, plus what the stack serves and whether it answers."""
    report = stack.health(state)
    details = stack.connection(state, with_token=report["healthy"])
    return {**details, "running": True, "healthy": report["healthy"],
            "processes": {"org": report["org"], "stripesim": report["stripesim"]}}


@local_app.command("status")
def status(as_json: bool = typer.Option(False, "--json", help="Print JSON: the same shape as up --json.")) -> None:
    """Show whether the local stack runs and answers, and for which project and spec."""
    from orgsim.local import stack
    from sfpay.paths import state_dir

    state = stack.load_state()
    if state is None:
        if as_json:
            typer.echo(json.dumps({"running": False, "healthy": False, "state_dir": str(stack.local_dir())}))
        else:
            typer.echo(f"local stack: not running in {state_dir().resolve()} (sfpay local up)")
        raise typer.Exit(1)
    details = _details(stack, state)
    report = {"healthy": details["healthy"], **details["processes"]}
    if as_json:
        typer.echo(json.dumps(details, indent=2, sort_keys=True))
    else:
        typer.echo(f"project    {state.project_root or '-'}")
        typer.echo(f"spec       {state.spec_path or '- (defaults)'}")
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
