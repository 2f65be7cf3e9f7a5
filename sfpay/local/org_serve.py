"""`sfpay org serve`: orgsim's server (orgsim/server/commands.py) with the validator as the
check every deploy must pass. orgsim itself imports no validator: the check is injected here.
`sfpay` runs this before building its typer app (sfpay/cli.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from orgsim.server.settings import ServerSettings


def run(argv: list[str]) -> int:
    from orgsim.server.commands import serve

    return serve(argv, deploy_checks=_deploy_checks)


def _deploy_checks(settings: ServerSettings) -> tuple[Any, ...]:
    """Loaded when the server starts (the validator is heavy for every other command); the
    validator names the connector's objects and actions in the server's connector namespace."""
    from sfpay.local.deploy_checks import validator_check_in

    return (validator_check_in(settings.connector_namespace),)
