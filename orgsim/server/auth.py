"""Bearer-token gate for every API route: 401 INVALID_SESSION_ID otherwise, like Salesforce."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from orgsim.server.errors import invalid_session
from orgsim.server.sessions import SessionIssuer, bearer_token

Handler = Callable[[Request], Awaitable[Response]]


def require_session(sessions: SessionIssuer, handler: Handler) -> Handler:
    @functools.wraps(handler)
    async def gated(request: Request) -> Response:
        token = bearer_token(request.headers.get("authorization"))
        session = sessions.verify(token) if token else None
        if session is None:
            return invalid_session().response()
        request.state.session = session
        return await handler(request)

    return gated
