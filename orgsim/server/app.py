"""The org server: Salesforce's HTTP surface (OAuth, REST, SOAP login/deploy, Tooling, webhook
listener, harness helpers) over an orgsim `Org`. Protocol only: behaviour lives in the core."""

from __future__ import annotations

import contextlib
import importlib
import logging

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from orgsim.server.auth import require_session
from orgsim.server.config import ServerConfig
from orgsim.server.context import ServerContext
from orgsim.server.errors import ApiError, not_found
from orgsim.server.gateway import OrgGateway
from orgsim.server.oauth import TokenEndpoint, userinfo
from orgsim.server.sessions import SessionIssuer
from orgsim.server.soap_login import soap_login

log = logging.getLogger("orgsim.server")

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
)


def create_app(org, config: ServerConfig) -> Starlette:
    sessions = SessionIssuer(config)
    ctx = ServerContext(config=config, sessions=sessions, gateway=OrgGateway(org))

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
        try:
            yield
        finally:
            ctx.gateway.shutdown()

    app = Starlette(
        routes=routes,
        exception_handlers={ApiError: api_error, 404: unknown, 405: method_not_allowed},
        lifespan=lifespan,
    )
    app.state.ctx = ctx
    return app
