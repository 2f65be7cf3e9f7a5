"""How many HTTP requests the server is handling, and how many it has started (ASGI middleware).

Read by `GET /_orgsim/quiescence` (orgsim/server/harness.py): a harness may stop watching for
something that must not happen once the org has no request in flight and no queued work due;
the started count lets it see that no request (a webhook delivery, say) slipped in between
two looks. Counting only: requests pass through unchanged. The quiescence request itself is
not counted, so asking never makes the org look busy.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]

QUIESCENCE_PATH = "/_orgsim/quiescence"


@dataclass
class Activity:
    in_flight: int = 0
    started: int = 0


class RequestActivity:
    def __init__(self, app: ASGIApp, activity: Activity):
        self.app = app
        self.activity = activity

    async def __call__(self, scope: Scope, receive, send) -> None:
        if scope["type"] != "http" or scope.get("path") == QUIESCENCE_PATH:
            await self.app(scope, receive, send)
            return
        # One event loop: these updates need no lock.
        self.activity.started += 1
        self.activity.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.activity.in_flight -= 1
