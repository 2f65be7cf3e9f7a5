"""The request pipeline for `/v1` endpoints.

auth -> API version -> rate limit -> fault injection -> parameters -> idempotency ->
behaviour (one transaction) -> expand -> response. Each step answers with Stripe's error
object when it refuses the request.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from stripesim.engine import Simulator
from stripesim.errors import StripeError
from stripesim.http import auth, forms, idempotency
from stripesim.http.body import read_body
from stripesim.http.faults import FaultBook, fault_error, rate_limit_error
from stripesim.http.ratelimit import RateLimiter
from stripesim.http.responses import error_response, json_response, new_request_id
from stripesim.params import read_params
from stripesim.resources.registry import Endpoint
from stripesim.resources.rendering import expand
from stripesim.storage import dumps

log = logging.getLogger("stripesim")
_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$")
FORM = "application/x-www-form-urlencoded"


@dataclass
class Protocol:
    sim: Simulator
    faults: FaultBook
    limiter: RateLimiter


async def read_raw_params(request: Request) -> dict[str, Any]:
    # `request.url` is built (netloc, path escaping, split) only for a query string to read:
    # without one its query is "", which decodes to no parameters.
    params = forms.decode(request.url.query) if request.scope.get("query_string") else {}
    if request.method == "POST":
        body = await read_body(request)
        content_type = request.headers.get("content-type", FORM).split(";")[0].strip().lower()
        if body and content_type != FORM:
            raise StripeError(
                f"Invalid request: unsupported Content-Type {content_type}. Stripe's v1 API takes {FORM} bodies.",
            )
        params.update(forms.decode(body))
    return params


async def handle(protocol: Protocol, request: Request, endpoint: Endpoint) -> Response:
    sim = protocol.sim
    request_id = new_request_id()
    version = request.headers.get("stripe-version") or sim.config.api_version
    headers = {"Stripe-Version": version}
    key = request.headers.get("idempotency-key") if request.method == "POST" else None
    if key:
        headers["Idempotency-Key"] = key
    try:
        account = auth.authenticate(sim, request.headers.get("authorization"))
        if not _VERSION.match(version):
            raise StripeError(f"Invalid Stripe API version: {version}", param="Stripe-Version")
        if not protocol.limiter.allow(account):
            raise rate_limit_error()
        rule = (
            protocol.faults.next_fault(account, request.method, request.url.path)
            if protocol.faults.armed(account)
            else None
        )
        if rule is not None and rule.fault != "timeout":
            raise fault_error(rule)
        if rule is not None and not rule.after_processing:
            await asyncio.sleep(rule.seconds)
            raise fault_error(rule)
        raw = await read_raw_params(request)
        if key:
            idempotency.check_key(key)
        base_url = _base_url(request)
        sim.public_url = base_url
        status, body, extra = execute(sim, account, endpoint, raw, dict(request.path_params), request_id, key, base_url)
    except StripeError as error:
        return error_response(error, request_id, headers)
    except Exception:  # an emulator bug: log it, answer like Stripe's own 500 (nothing was stored)
        log.exception("unhandled error in %s %s (%s)", request.method, request.url.path, request_id)
        return error_response(
            StripeError("An unknown error occurred in the emulator; see its log.", status=500, type="api_error"),
            request_id,
            headers,
        )
    if rule is not None:  # a timeout after processing: the work is done, the answer comes too late
        await asyncio.sleep(rule.seconds)
    return json_response(status, body, request_id, {**headers, **extra})


_BASE_URLS: dict[tuple[Any, ...], str] = {}


def _base_url(request: Request) -> str:
    """`request.base_url` without the trailing slash, remembered per scheme, host header, server
    and root path (what Starlette builds it from): building it costs more than the lookup."""
    scope = request.scope
    key = (
        scope.get("scheme"),
        request.headers.get("host"),
        scope.get("server"),
        scope.get("root_path", ""),
        scope.get("app_root_path"),
    )
    found = _BASE_URLS.get(key)
    if found is None:
        if len(_BASE_URLS) > 64:  # a client varying the Host header cannot grow it without bound
            _BASE_URLS.clear()
        found = _BASE_URLS[key] = str(request.base_url).rstrip("/")
    return found


def execute(
    sim: Simulator,
    account: str,
    endpoint: Endpoint,
    raw: dict[str, Any],
    path_params: dict[str, Any],
    request_id: str,
    key: str | None,
    base_url: str,
) -> tuple[int, str, dict[str, str]]:
    """Run one API call atomically; returns (status, body, extra headers) or raises StripeError."""
    method, path = endpoint.method, _concrete_path(endpoint.path, path_params)
    with sim.lock:
        if key:
            saved = sim.operate(account, lambda op: idempotency.lookup(op, key, method, path, raw))
            if saved is not None:
                replay = {"Idempotent-Replayed": "true", "Original-Request": saved.request_id}
                if saved.status >= 400:
                    raise _Replayed(saved.status, saved.body, replay)
                return saved.status, saved.body, replay
        try:
            with sim.operation(account, request_id=request_id, idempotency_key=key, base_url=base_url) as op:
                params = read_params(
                    raw,
                    endpoint.spec,
                    refused=endpoint.refused,
                    operation=endpoint.name,
                    expandable=endpoint.expandable,
                )
                result = endpoint.handler(op, params, **path_params)
                if params.get("expand"):
                    result = expand(op, result, params["expand"])
                body = dumps(result)
                if key:
                    idempotency.save(op, key, method, path, raw, 200, body, request_id)
            return 200, body, {}
        except StripeError as error:
            if key and error.saved_for_idempotency:
                status, body = error.status, dumps(error.body())
                sim.operate(account, lambda op: idempotency.save(op, key, method, path, raw, status, body, request_id))
            raise


class _Replayed(StripeError):
    """A saved error response replayed verbatim."""

    def __init__(self, status: int, body: str, headers: dict[str, str]) -> None:
        super().__init__("replayed", status=status, headers=headers)
        self._body: dict[str, Any] = json.loads(body)

    def body(self) -> dict[str, Any]:
        return self._body


def _concrete_path(template: str, path_params: dict[str, Any]) -> str:
    return template.format(**path_params) if path_params else template
