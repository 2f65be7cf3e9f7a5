"""`sfpay local up|status|down`, and `sfpay org serve` with the project's deploy checks.

Cheap to import (typer only): the stack loads inside the commands.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import typer

from sfpay.console import fail, warn

local_app = typer.Typer(
    name="local", help="The local stack: stripesim + the org server, wired together.", no_args_is_help=True
)


def _project(spec: Optional[Path]) -> tuple[Path, Optional[Path]]:
    """(project root, spec) found from here (or --spec's project); outside any project and
    without --spec, the current folder and the spec model's defaults."""
    from sfpay.project import ProjectError, discover, find_root

    if spec is None and find_root(Path.cwd()) is None:
        return Path.cwd().resolve(), None
    try:
        project = discover(spec)
    except ProjectError as exc:
        fail(str(exc))
    return project.root, project.spec


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
    from sfpay.local import api
    from sfpay.local.stack import health
    from sfpay.stripe_keys import redact

    if jwt_cert is not None and not jwt_cert.is_file():
        fail(f"--jwt-cert: certificate file not found: {jwt_cert.resolve()}")
    root, spec_path = _project(spec)
    try:
        started = api.up(root, spec_path, jwt_cert=jwt_cert)
    except api.StackError as exc:
        fail(str(exc))
    if started.warning:
        warn(started.warning)
    details = _details(started.connection, health(started.state))
    if as_json:
        typer.echo(json.dumps(details, indent=2, sort_keys=True))
        return
    typer.echo(f"project  {details['project_root']}  (spec {details['spec'] or 'none: defaults'})")
    typer.echo(
        f"org      {details['instance_url']}  (user {details['username']}; password and token: sfpay local up --json)"
    )
    typer.echo(
        f"stripe   {details['api_base']}  (key {redact(details['api_key'])}; account {details['stripe_account_name']})"
    )
    typer.echo(f"webhook  {details['webhook_url']}  (secret whsec_...{details['webhook_secret'][-4:]})")
    typer.echo(f"trust    export REQUESTS_CA_BUNDLE={details['ca_bundle']}")
    typer.echo(f"state    {details['state_dir']}  (sfpay local status / sfpay local down)")


def _details(connection: Any, report: dict[str, Any]) -> dict[str, Any]:
    """The one JSON shape of `up --json` and `status --json` (docs/orgsim-server.md): the
    connection details, flat, plus what the stack serves and whether it answers."""
    return {
        **connection.as_json(),
        "running": True,
        "healthy": report["healthy"],
        "processes": {"org": report["org"], "stripesim": report["stripesim"]},
    }


@local_app.command("status")
def status(as_json: bool = typer.Option(False, "--json", help="Print JSON: the same shape as up --json.")) -> None:
    """Show whether the local stack runs and answers, and for which project and spec."""
    from sfpay.local import api
    from sfpay.paths import state_dir
    from sfpay.stack_state import local_dir

    state, report, connection = api.status(state_dir())
    if state is None or report is None:
        if as_json:
            typer.echo(json.dumps({"running": False, "healthy": False, "state_dir": str(local_dir())}))
        else:
            typer.echo(f"local stack: not running in {state_dir().resolve()} (sfpay local up)")
        raise typer.Exit(1)
    details = _details(connection, report)
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
    from sfpay.local import api
    from sfpay.paths import state_dir

    stopped = api.down(None, state_dir())
    typer.echo("stopped: " + (", ".join(stopped) or "nothing was running"))


def register(app: typer.Typer) -> None:
    """`sfpay local ...`, and `sfpay org serve` assembled with the validator as its deploy
    check (orgsim itself imports no validator: the check is injected, sfpay/local/org_serve.py)."""
    from orgsim.cli import org_app
    from orgsim.server.commands import HELP
    from sfpay.self_parsing import register_self_parsing

    register_self_parsing(org_app, "serve", HELP, "sfpay.local.org_serve:run")
    app.add_typer(local_app)
