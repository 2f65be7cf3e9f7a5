"""The Starlette application: `/v1` API, `/_sim` test switches, hosted invoice pages."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from stripesim.config import SimConfig
from stripesim.engine import Simulator
from stripesim.http import admin, hosted
from stripesim.http.faults import FaultBook
from stripesim.http.pipeline import Protocol, handle
from stripesim.http.ratelimit import RateLimiter
from stripesim.http.responses import error_response, new_request_id, unrecognized_url
from stripesim.resources import ENDPOINTS
from stripesim.resources.registry import Endpoint
from stripesim.webhooks.worker import DeliveryWorker


def create_app(config: SimConfig | None = None, *, sim: Simulator | None = None) -> Starlette:
    sim = sim or Simulator(config)
    protocol = Protocol(sim=sim, faults=FaultBook(), limiter=RateLimiter(sim.config.rate_limit))
    worker = DeliveryWorker(sim)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        worker.start()
        try:
            yield
        finally:
            await worker.stop()

    app = Starlette(
        routes=[*api_routes(protocol), *admin.routes(protocol), *hosted.routes(protocol)], lifespan=lifespan
    )
    app.state.sim = sim
    app.state.protocol = protocol
    app.state.worker = worker
    return app


def api_routes(protocol: Protocol) -> list[Route]:
    by_path: dict[str, dict[str, Endpoint]] = defaultdict(dict)
    for endpoint in ENDPOINTS:
        by_path[endpoint.path][endpoint.method] = endpoint
    # Literal paths first, so /v1/customers/search is not taken for /v1/customers/{id}.
    ordered = sorted(by_path, key=lambda path: ("{" in path, path))
    routes = [_route(protocol, path, by_path[path]) for path in ordered]

    async def unknown(request: Request) -> Response:
        return error_response(unrecognized_url(request.method, request.url.path), new_request_id())

    routes.append(Route("/v1/{rest:path}", unknown, methods=["GET", "POST", "DELETE", "PUT", "PATCH"]))
    return routes


def _route(protocol: Protocol, path: str, methods: dict[str, Endpoint]) -> Route:
    async def endpoint(request: Request) -> Response:
        chosen = methods.get(request.method)
        if chosen is None:
            return error_response(unrecognized_url(request.method, request.url.path), new_request_id())
        return await handle(protocol, request, chosen)

    return Route(path, endpoint, methods=["GET", "POST", "DELETE", "PUT", "PATCH"])
