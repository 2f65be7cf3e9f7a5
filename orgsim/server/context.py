"""Everything a route module needs, built once per app."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request

from orgsim.server.activity import Activity
from orgsim.server.config import API_VERSIONS, ServerConfig
from orgsim.server.due_work import DueWorkRunner
from orgsim.server.errors import ApiError, json_parser_error, not_found
from orgsim.server.gateway import OrgGateway
from orgsim.server.sessions import SessionIssuer


@dataclass
class ServerContext:
    config: ServerConfig
    sessions: SessionIssuer
    gateway: OrgGateway
    extras: dict = field(default_factory=dict)  # per-module state (query cursors, deploy results)
    # Checks a deploy zip must pass, injected by the code that assembles the server
    # (orgsim/server/deploy/checks.py); empty: only well-formedness and the core's loader.
    deploy_checks: tuple = ()
    # Runs due async/scheduled work between requests (a long-running server); None: saves run
    # it inline, as the core does by default.
    due_work: DueWorkRunner | None = None
    # Requests in flight and started (orgsim/server/activity.py), for /_orgsim/quiescence.
    activity: Activity = field(default_factory=Activity)

    @property
    def org(self):
        return self.gateway.org

    @property
    def permsets(self):
        """The server's PermissionSet/PermissionSetAssignment records (see permsets.py)."""
        from orgsim.server.permsets import PermissionSets

        if "permsets" not in self.extras:
            self.extras["permsets"] = PermissionSets(self.org)
        return self.extras["permsets"]


def api_version(request: Request) -> str:
    """The `vXX.X` of the path, checked against the versions this org serves."""
    version = request.path_params.get("version", "")
    if version not in API_VERSIONS:
        raise not_found()
    return version


async def json_body(request: Request):
    """The request's JSON (size already bounded by the body-limit middleware), or Salesforce's
    400 JSON_PARSER_ERROR for anything that is not plain JSON (orgsim/server/json_input.py)."""
    from orgsim.server.json_input import JsonInputError, parse

    raw = await request.body()
    if not raw.strip():
        raise json_parser_error("The HTTP entity body is required, but this request has no entity body.")
    try:
        return parse(raw)
    except JsonInputError as exc:
        raise json_parser_error(str(exc)) from None


__all__ = ["ApiError", "ServerContext", "api_version", "json_body"]
