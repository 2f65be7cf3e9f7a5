"""GET /services/data (the version list clients pick from) and GET /services/data/vXX.X."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from orgsim.server.config import API_VERSIONS
from orgsim.server.context import ServerContext, api_version


def _label(version: str) -> str:
    return f"orgsim {version}"


def routes(ctx: ServerContext, gate) -> list[Route]:
    async def versions(request: Request) -> JSONResponse:
        return JSONResponse([{"label": _label(v), "url": f"/services/data/v{v}", "version": v} for v in API_VERSIONS])

    async def resources(request: Request) -> JSONResponse:
        v = api_version(request)
        base = f"/services/data/v{v}"
        return JSONResponse(
            {
                "sobjects": f"{base}/sobjects",
                "query": f"{base}/query",
                "queryAll": f"{base}/queryAll",
                "composite": f"{base}/composite",
                "tooling": f"{base}/tooling",
                "metadata": f"{base}/metadata",
            }
        )

    return [
        Route("/services/data", versions, methods=["GET"]),
        Route("/services/data/", versions, methods=["GET"]),
        Route("/services/data/v{version}", gate(resources), methods=["GET"]),
        Route("/services/data/v{version}/", gate(resources), methods=["GET"]),
    ]
