"""Test switches under `/_sim/` (JSON in and out, same API keys as `/v1`).

| method + path | does |
|---|---|
| `GET /_sim/health` | liveness (no key needed) |
| `GET/POST/DELETE /_sim/faults` | list, add, clear fault rules (see `stripesim.http.faults`) |
| `GET/POST /_sim/rate_limit` | `{"per_second": 25}` turns the limit on, `null` off |
| `GET/POST /_sim/webhooks` | delivery switches (see `stripesim.webhooks.queue`) |
| `POST /_sim/webhooks/release` | unpause deliveries, optionally with `{"order": "reverse"}` |
| `GET /_sim/webhooks/deliveries` | deliveries with their attempts; `?status=pending|succeeded|failed` |
| `GET /_sim/quiescence` | pending deliveries and due invoice work: can anything happen without new input? |
| `GET /_sim/clock`, `POST /_sim/clock/advance` | the account clock; `{"seconds": N}` moves it and runs due work |
| `GET /_sim/sent_emails` | invoice emails Stripe would have sent; `?to=&invoice=&customer=` |
| `GET/POST /_sim/account` | the business name payers see; `{"name": "Acme Foundation"}` sets it |
| `POST /_sim/reset` | delete all of this account's data |
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from stripesim.errors import StripeError
from stripesim.http import auth
from stripesim.http.body import read_body
from stripesim.http.pipeline import Protocol
from stripesim.http.responses import error_response, json_response, new_request_id
from stripesim.resources import account as account_settings
from stripesim.resources import sent_emails
from stripesim.webhooks.queue import DEFAULT_SWITCHES, ORDERS, save_switches, switches
from stripesim.webhooks.quiescence import quiescence as account_quiescence
from stripesim.webhooks.worker import DONE_KIND

ACCOUNT_KINDS = (
    "customer",
    "invoice",
    "invoiceitem",
    "event",
    "webhook_endpoint",
    "test_clock",
    "idempotency",
    "hosted",
    "due_watch",
    "delivery",
    DONE_KIND,
    "sim_state",
    sent_emails.KIND,
)

Handler = Callable[[Protocol, str, Request, dict[str, Any]], Awaitable[dict[str, Any]] | dict[str, Any]]


def _bad(message: str, param: str | None = None) -> StripeError:
    return StripeError(message, param=param)


async def _json_body(request: Request) -> dict[str, Any]:
    raw = await read_body(request)
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise _bad(f"The /_sim API takes JSON bodies: {exc}") from None
    if not isinstance(body, dict):
        raise _bad("The /_sim API takes a JSON object.")
    return body


def admin_route(protocol: Protocol, path: str, methods: list[str], handler: Handler) -> Route:
    async def endpoint(request: Request) -> Response:
        request_id = new_request_id()
        try:
            account = auth.authenticate(protocol.sim, request.headers.get("authorization"))
            body = await _json_body(request) if request.method == "POST" else {}
            result = handler(protocol, account, request, body)
            if hasattr(result, "__await__"):
                result = await result
        except StripeError as error:
            return error_response(error, request_id)
        return json_response(200, result, request_id)

    return Route(path, endpoint, methods=methods)


def faults(protocol: Protocol, account: str, request: Request, body: dict[str, Any]) -> dict[str, Any]:
    if request.method == "POST":
        return protocol.faults.add(account, body).as_dict()
    if request.method == "DELETE":
        count = len(protocol.faults.rules(account))
        protocol.faults.clear(account)
        return {"deleted": count}
    return {"data": [rule.as_dict() for rule in protocol.faults.rules(account)]}


def rate_limit(protocol: Protocol, account: str, request: Request, body: dict[str, Any]) -> dict[str, Any]:
    if request.method == "POST":
        if "per_second" not in body:
            raise _bad("Give `per_second` (a number, or null to turn the limit off).", "per_second")
        value = body["per_second"]
        if value is not None and (not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0):
            raise _bad("`per_second` must be a positive number or null.", "per_second")
        protocol.limiter.per_second = value
    return {"per_second": protocol.limiter.per_second}


def webhook_switches(protocol: Protocol, account: str, request: Request, body: dict[str, Any]) -> dict[str, Any]:
    with protocol.sim.operation(account) as op:
        current = switches(op)
        if request.method == "POST":
            current = {**current, **_checked_switches(body)}
            save_switches(op, current)
    protocol.sim.wake_worker()
    return current


def _checked_switches(body: dict[str, Any]) -> dict[str, Any]:
    for name, value in body.items():
        if name not in DEFAULT_SWITCHES:
            raise _bad(f"Unknown webhook switch: {name}. Known: {', '.join(DEFAULT_SWITCHES)}.", name)
        default = DEFAULT_SWITCHES[name]
        if name == "order":
            if value not in ORDERS:
                raise _bad(f"Invalid order: {value!r}; must be one of {', '.join(ORDERS)}.", name)
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise _bad(f"`{name}` must be true or false.", name)
        elif not isinstance(value, (int, float)) or isinstance(value, bool):
            raise _bad(f"`{name}` must be a number.", name)
        elif name in ("duplicates", "delay_seconds") and value < 0:
            raise _bad(f"`{name}` must not be negative.", name)
    return body


def release(protocol: Protocol, account: str, request: Request, body: dict[str, Any]) -> dict[str, Any]:
    extra = _checked_switches({k: v for k, v in body.items() if k == "order"})
    if set(body) - {"order"}:
        raise _bad("`/_sim/webhooks/release` takes only `order`.")
    with protocol.sim.operation(account) as op:
        current = save_switches(op, {**switches(op), **extra, "paused": False})
    protocol.sim.wake_worker()
    return current


def deliveries(protocol: Protocol, account: str, request: Request, body: dict[str, Any]) -> dict[str, Any]:
    wanted = request.query_params.get("status")
    if wanted not in (None, "pending", "succeeded", "failed"):
        raise _bad(f"Invalid status: {wanted}; must be pending, succeeded or failed.", "status")
    # A delivery is pending while it is in the "delivery" kind and moves to DONE_KIND when it
    # succeeds or fails for good (webhooks/worker.py `_finish`): a status reads only its kind,
    # so the pending listing (`sfpay local up` asks at every start) does not grow with history.
    kinds = {"pending": ["delivery"], "succeeded": [DONE_KIND], "failed": [DONE_KIND]}.get(
        wanted or "", ["delivery", DONE_KIND]
    )
    with protocol.sim.operation(account) as op:
        items = [d for kind in kinds for d in op.tx.scan(kind)]
    if wanted:
        items = [d for d in items if d["status"] == wanted]
    return {"data": items}


def quiescence(protocol: Protocol, account: str, request: Request, body: dict[str, Any]) -> dict[str, Any]:
    if request.query_params:
        name = next(iter(request.query_params))
        raise _bad(f"Received unknown parameter: {name}. `/_sim/quiescence` takes none.", name)
    with protocol.sim.operation(account) as op:
        return account_quiescence(op)


def clock(protocol: Protocol, account: str, request: Request, body: dict[str, Any]) -> dict[str, Any]:
    return {"now": protocol.sim.clock.now(), "offset_seconds": protocol.sim.clock.offset}


def advance_clock(protocol: Protocol, account: str, request: Request, body: dict[str, Any]) -> dict[str, Any]:
    seconds = body.get("seconds")
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or seconds <= 0:
        raise _bad("Give `seconds`, a positive number of seconds to move the account clock forward.", "seconds")
    protocol.sim.advance_clock(seconds)
    return clock(protocol, account, request, body)


def sent_email_list(protocol: Protocol, account: str, request: Request, body: dict[str, Any]) -> dict[str, Any]:
    query = dict(request.query_params)
    unknown = sorted(set(query) - set(sent_emails.FILTERS))
    if unknown:
        raise _bad(f"Unknown filter: {unknown[0]}. Known: {', '.join(sent_emails.FILTERS)}.", unknown[0])
    with protocol.sim.operation(account) as op:
        return {"data": sent_emails.listing(op, query)}


def account(protocol: Protocol, account: str, request: Request, body: dict[str, Any]) -> dict[str, Any]:
    with protocol.sim.operation(account) as op:
        if request.method == "POST":
            unknown = sorted(set(body) - {"name"})
            if unknown:
                raise _bad(f"Unknown account setting: {unknown[0]}. Known: name.", unknown[0])
            account_settings.set_account_name(op, body.get("name"))
        return {"name": account_settings.account_name(op)}


def reset(protocol: Protocol, account: str, request: Request, body: dict[str, Any]) -> dict[str, Any]:
    with protocol.sim.operation(account) as op:
        for kind in ACCOUNT_KINDS:
            for doc in op.tx.scan(kind):
                op.tx.delete(kind, doc["id"])
    protocol.faults.clear(account)
    return {"reset": True}


def routes(protocol: Protocol) -> list[Route]:
    async def health(request: Request) -> Response:
        return json_response(200, {"ok": True, "service": "stripesim"}, new_request_id())

    return [
        Route("/_sim/health", health, methods=["GET"]),
        admin_route(protocol, "/_sim/faults", ["GET", "POST", "DELETE"], faults),
        admin_route(protocol, "/_sim/rate_limit", ["GET", "POST"], rate_limit),
        admin_route(protocol, "/_sim/webhooks", ["GET", "POST"], webhook_switches),
        admin_route(protocol, "/_sim/webhooks/release", ["POST"], release),
        admin_route(protocol, "/_sim/webhooks/deliveries", ["GET"], deliveries),
        admin_route(protocol, "/_sim/quiescence", ["GET"], quiescence),
        admin_route(protocol, "/_sim/clock", ["GET"], clock),
        admin_route(protocol, "/_sim/clock/advance", ["POST"], advance_clock),
        admin_route(protocol, "/_sim/sent_emails", ["GET"], sent_email_list),
        admin_route(protocol, "/_sim/account", ["GET", "POST"], account),
        admin_route(protocol, "/_sim/reset", ["POST"], reset),
    ]
