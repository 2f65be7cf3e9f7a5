"""The org server: Salesforce's HTTP surface (OAuth, REST, SOAP login/deploy, Tooling, webhook
listener, harness helpers) over an orgsim `Org`. Protocol only: behaviour lives in the core."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from orgsim.server.activity import Activity, RequestActivity
from orgsim.server.auth import require_session
from orgsim.server.body_limits import BodyLimit
from orgsim.server.config import ServerConfig
from orgsim.server.context import ServerContext
from orgsim.server.deploy.checks import DeployCheck
from orgsim.server.due_work import DueWorkRunner
from orgsim.server.errors import ApiError, not_found
from orgsim.server.gateway import OrgGateway
from orgsim.server.oauth import TokenEndpoint, userinfo
from orgsim.server.sessions import SessionIssuer
from orgsim.server.soap_login import soap_login

# Route modules, each with `routes(ctx, gate) -> list[Route]`. Order matters only where
# paths overlap (none do today).
ROUTE_MODULES = (
    "orgsim.server.rest.versions",
    "orgsim.server.rest.sobjects",
    "orgsim.server.rest.composite",
    "orgsim.server.rest.query",
    "orgsim.server.rest.tooling",
    "orgsim.server.deploy.rest",
    "orgsim.server.deploy.soap",
    "orgsim.server.webhook",
    "orgsim.server.harness",
    "orgsim.server.flow_edits",
)


def create_app(
    org,
    config: ServerConfig,
    *,
    background_interval: float | None = None,
    owns_org: bool = False,
    deploy_checks: Sequence[DeployCheck] = (),
) -> Starlette:
    """`background_interval`: run due async/scheduled work every so many seconds (a long-running
    server whose clock follows wall time; also picks up work queued before a crash).
    `owns_org`: close the org (saving its clock) when the server stops.
    `deploy_checks`: what a deploy zip must pass before the core loads it, given by the code
    that assembles the server (orgsim/server/deploy/checks.py)."""
    sessions = SessionIssuer(config)
    gateway = OrgGateway(org)
    due_work = DueWorkRunner(gateway, background_interval) if background_interval else None
    activity = Activity()
    ctx = ServerContext(
        config=config,
        sessions=sessions,
        gateway=gateway,
        deploy_checks=tuple(deploy_checks),
        due_work=due_work,
        activity=activity,
    )

    def gate(handler):
        return require_session(sessions, handler)

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "org_id": config.org_id})

    routes = [
        Route("/_orgsim/health", health, methods=["GET"]),
        Route("/services/oauth2/token", TokenEndpoint(config, sessions).handle, methods=["POST"]),
        Route("/services/oauth2/userinfo", gate(userinfo(config)), methods=["GET", "POST"]),
        Route("/services/Soap/u/{version}", soap_login(config, sessions), methods=["POST"]),
        Route("/services/Soap/u/{version}/{org}", soap_login(config, sessions), methods=["POST"]),
    ]
    for module_name in ROUTE_MODULES:
        routes.extend(importlib.import_module(module_name).routes(ctx, gate))

    async def api_error(request: Request, exc: ApiError) -> Response:
        return exc.response()

    async def unknown(request: Request, exc) -> Response:
        return not_found().response()

    async def method_not_allowed(request: Request, exc) -> Response:
        return ApiError(405, "METHOD_NOT_ALLOWED", f"HTTP Method '{request.method}' not allowed.").response()

    @contextlib.asynccontextmanager
    async def lifespan(app):
        ticker = asyncio.create_task(due_work.run()) if due_work is not None else None
        try:
            yield
        finally:
            if ticker is not None:
                ticker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await ticker
            if owns_org:
                await ctx.gateway.call(org.close)
            ctx.gateway.shutdown()

    app = Starlette(
        routes=routes,
        exception_handlers={ApiError: api_error, 404: unknown, 405: method_not_allowed},
        lifespan=lifespan,
        # Outside every route: bodies are bounded before authentication reads a header.
        # Request counting (for /_orgsim/quiescence) wraps everything, 413s included.
        middleware=[
            Middleware(RequestActivity, activity=activity),
            Middleware(BodyLimit, webhook_path=lambda: config.webhook_path),
        ],
    )
    app.state.ctx = ctx
    return app
