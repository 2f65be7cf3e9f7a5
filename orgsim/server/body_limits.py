"""Request body limits, enforced before a handler reads a byte (issue 14 #3).

Every path has a ceiling. A declared `Content-Length` over it is answered 413 at once, before
authentication and before the body is received; a body without one (chunked) is counted as it
arrives and refused the moment it passes the ceiling, so no request can make the server hold
more than its limit in memory.

Ceilings (sfmeta/api_limits.py holds Salesforce's documented numbers):
- SOAP (`/services/Soap/...`, login and the Metadata API deploy): 50 MB, the SOAP message limit;
- REST (`/services/data/...`, including the REST deployRequest): 50 MB, the largest REST body
  Salesforce documents (a non-multipart blob insert);
- the Stripe webhook listener: 1 MiB, sfpay's own ceiling. Stripe documents no event size, but
  the connector stores an event in stripeGC__Request_Body__c (131,072 characters), so anything
  near 1 MiB could not be stored anyway; a 413 is not a 2xx, so Stripe would retry it;
- the OAuth token endpoint, userinfo and the harness routes (`/_orgsim/...`): 1 MiB, sfpay's own
  ceiling for bodies that are a few hundred bytes; a hand-edited flow version
  (`/_orgsim/flows/{name}/versions`) keeps its own 4 MiB (orgsim/server/flow_edits.py).

The 413 body has the shape of the endpoint: Salesforce's REST error list, a SOAP fault, the
OAuth error object, or the listener's `{"error": {"message"}}`. The code is
`EXCEEDED_MAX_SIZE_REQUEST`, the API's ExceptionCode for "the size of the message sent to the
API exceeded 50 MB" (https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_concepts_core_data_objects.htm).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.responses import JSONResponse, Response

from orgsim.server.errors import ApiError, OAuthError, soap_fault
from orgsim.server.flow_edits import MAX_FLOW_BYTES
from sfmeta.api_limits import MIB, REST_BODY_BYTES, SOAP_MESSAGE_BYTES

SMALL_BODY_BYTES = 1 * MIB  # sfpay's own ceiling for token, userinfo and harness bodies
WEBHOOK_BODY_BYTES = 1 * MIB  # sfpay's own ceiling for Stripe events (see above)
CODE = "EXCEEDED_MAX_SIZE_REQUEST"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class BodyTooLarge(Exception):
    pass


def limit_for(path: str, webhook_path: str) -> int:
    if path == webhook_path:
        return WEBHOOK_BODY_BYTES
    if path.startswith("/services/Soap/"):
        return SOAP_MESSAGE_BYTES
    if path.startswith("/services/data/"):
        return REST_BODY_BYTES
    if path.startswith("/_orgsim/flows/"):
        return MAX_FLOW_BYTES  # a hand-edited flow version (orgsim/server/flow_edits.py)
    return SMALL_BODY_BYTES


def too_large(path: str, webhook_path: str, limit: int) -> Response:
    message = f"the request body exceeds this endpoint's limit of {limit} bytes"
    if path == webhook_path:
        return JSONResponse({"error": {"message": message}}, status_code=413)
    if path.startswith("/services/Soap/"):
        return soap_fault(CODE, message, status=413)
    if path.startswith("/services/oauth2/token"):
        return OAuthError("invalid_request", message, status=413).response()
    return ApiError(413, CODE, message).response()


class BodyLimit:
    """ASGI middleware; `webhook_path` is read per request (the config can change it)."""

    def __init__(self, app, webhook_path: Callable[[], str]):
        self.app = app
        self.webhook_path = webhook_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        webhook = self.webhook_path()
        limit = limit_for(path, webhook)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await too_large(path, webhook, limit)(scope, receive, send)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLarge:
            if started:
                raise
            await too_large(path, webhook, limit)(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            if not (text.isascii() and text.isdigit()):
                return None  # h11 refuses a malformed Content-Length before we see it
            return int(text) if len(text) <= 18 else 10**18
    return None
