"""The Starlette application: `/v1` API, `/_sim` test switches, hosted invoice pages."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, get_route_path

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
    """One route for all of `/v1`, resolved by `ApiPaths` (a lookup by the path's segments)
    rather than by Starlette trying each endpoint's pattern in turn: what each path reaches is
    unchanged (literal paths before templated ones, an unknown path answers Stripe's 404)."""
    paths = ApiPaths(ENDPOINTS)

    async def api(request: Request) -> Response:
        found = paths.resolve(get_route_path(request.scope))  # what Starlette's own routes match
        if found is None:
            return error_response(unrecognized_url(request.method, request.url.path), new_request_id())
        methods, path_params = found
        chosen = methods.get(request.method)
        if chosen is None:
            return error_response(unrecognized_url(request.method, request.url.path), new_request_id())
        request.scope["path_params"] = path_params
        return await handle(protocol, request, chosen)

    return [Route("/v1/{rest:path}", api, methods=["GET", "POST", "DELETE", "PUT", "PATCH"])]


class ApiPaths:
    """Endpoint path templates (`/v1/invoices/{id}/pay`) by number of segments; a `{name}`
    segment takes any non-empty segment, as Starlette's default path parameter does."""

    def __init__(self, endpoints: list[Endpoint]) -> None:
        by_path: dict[str, dict[str, Endpoint]] = defaultdict(dict)
        for endpoint in endpoints:
            by_path[endpoint.path][endpoint.method] = endpoint
        self._templates: dict[int, list[tuple[list[str], dict[str, Endpoint]]]] = defaultdict(list)
        # Literal paths first, so /v1/customers/search is not taken for /v1/customers/{id}.
        for path in sorted(by_path, key=lambda path: ("{" in path, path)):
            segments = path.split("/")
            self._templates[len(segments)].append((segments, by_path[path]))

    def resolve(self, path: str) -> tuple[dict[str, Endpoint], dict[str, str]] | None:
        """The endpoints (by method) at `path` and its path parameters; None: no such path."""
        segments = path.split("/")
        for template, methods in self._templates.get(len(segments), ()):
            params: dict[str, str] = {}
            for pattern, segment in zip(template, segments):
                if pattern.startswith("{"):
                    if not segment:
                        break
                    params[pattern[1:-1]] = segment
                elif pattern != segment:
                    break
            else:
                return methods, params
        return None
