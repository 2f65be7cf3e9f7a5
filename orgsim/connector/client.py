"""Call Stripe for a connector action, through the official SDK.

The base URL and key are configurable (stripesim on loopback, or Stripe test mode); live keys
are refused unless explicitly allowed (sfpay.stripe_keys). `idempotencyKey` becomes the
Idempotency-Key header. A Stripe error becomes a ConnectorFault carrying Stripe's message,
which the flow sees as its fault message.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from decimal import Decimal

from orgsim.connector.catalog import Action, catalog, shape
from orgsim.connector.wire import LeanHttp, WireError

STRIPE_API_VERSION = "2025-04-30.basil"


@dataclass
class StripeConfig:
    api_base: str | None = None  # None: https://api.stripe.com
    api_key: str | None = None
    allow_live: bool = False
    api_version: str = STRIPE_API_VERSION
    max_network_retries: int = 0
    # Requests of one bulkified action element (one invocable call) in flight at once. The
    # connector makes them all before its DML (performDmlSaveAfterCalls), so their order does
    # not change what the flow sees; 1 = strictly one after another.
    max_parallel_requests: int = 4
    # The namespace the connector package is installed under (the spec's stripe.namespace);
    # None: the vendored catalog's own.
    connector_namespace: str | None = None


class ConnectorFault(Exception):
    """The action failed; the message is what `$Flow.FaultMessage` shows."""


class StripeCaller:
    def __init__(self, config: StripeConfig | None):
        self.config = config
        self.catalog = catalog(config.connector_namespace if config is not None else None)
        self._client = None
        self._lean = None  # LeanHttp for a plain-HTTP base (stripesim), else None: the SDK
        self._pool = None
        self.wall_seconds = 0.0  # time spent waiting for Stripe (for benchmarks)

    def _get_client(self):
        if self._client is None and self._lean is None:
            if self.config is None or not self.config.api_key:
                raise ConnectorFault(
                    f"An Apex error occurred: {self.catalog.namespace}: no Stripe API key is configured for the org emulator "
                    "(Org.open(..., stripe=StripeConfig(api_base, api_key)))"
                )
            import stripe

            from sfpay.stripe_keys import require_test_key

            key = require_test_key(self.config.api_key, allow_live=self.config.allow_live, source="orgsim Stripe key")
            base = (self.config.api_base or "").rstrip("/")
            if base.startswith("http://") and self.config.max_network_retries == 0:
                self._lean = LeanHttp(base, key, self.config.api_version)
                return self._lean
            kwargs = {
                "stripe_version": self.config.api_version,
                "max_network_retries": self.config.max_network_retries,
                # the SDK's httpx transport: keep-alive, thread-safe, no per-request proxy lookups
                "http_client": stripe.HTTPXClient(allow_sync_methods=True),
            }
            if self.config.api_base:
                kwargs["base_addresses"] = {"api": self.config.api_base.rstrip("/")}
            self._client = stripe.StripeClient(key, **kwargs)
        return self._lean or self._client

    def call_many(self, action: Action, inputs_list: list[dict]) -> list:
        """Each request's (output, elapsed ms) or its ConnectorFault, in input order."""

        def one(inputs):
            try:
                return self.call(action, inputs)
            except ConnectorFault as exc:
                return exc

        workers = max(1, min(self.config.max_parallel_requests if self.config else 1, len(inputs_list)))
        started = time.perf_counter()
        try:
            if workers == 1:
                return [one(inputs) for inputs in inputs_list]
            self._get_client()  # create the client once, before the threads
            if self._pool is None:
                from concurrent.futures import ThreadPoolExecutor

                self._pool = ThreadPoolExecutor(
                    max_workers=self.config.max_parallel_requests, thread_name_prefix="orgsim-callout"
                )
            return list(self._pool.map(one, inputs_list))
        finally:
            self.wall_seconds += time.perf_counter() - started

    def close(self) -> None:
        if self._lean is not None:
            self._lean.close()
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def call(self, action: Action, inputs: dict) -> tuple[dict, int]:
        """Returns (model-shaped output, elapsed ms)."""
        client = self._get_client()
        path = action.path
        params = {}
        for name, value in inputs.items():
            param = action.param(name)
            if param is None or param.stripe_name is None or value is None:
                continue
            value = _wire(value, param.type)
            placeholder = "{" + param.stripe_name + "}"
            if placeholder in path:
                path = path.replace(placeholder, str(value))
            else:
                params[param.stripe_name] = value
        if "{" in path:
            raise ConnectorFault(
                f"An Apex error occurred: {self.catalog.namespace}: missing path parameter for {action.name} ({path})"
            )
        key = inputs.get("idempotencyKey")
        if key and action.method != "GET":
            params["idempotency_key"] = str(key)
        started = time.perf_counter()
        if isinstance(client, LeanHttp):
            body = self._call_lean(client, action.method, path, params)
        else:
            import stripe

            try:
                response = client.raw_request(action.method.lower(), path, **params)
            except stripe.StripeError as exc:
                raise ConnectorFault(_fault_message(exc, self.catalog.namespace)) from None
            body = json.loads(response.body) if isinstance(response.body, (str, bytes)) else response.data
        elapsed = int((time.perf_counter() - started) * 1000)
        return shape(body, action.returns, self.catalog), elapsed

    def _call_lean(self, client: LeanHttp, method: str, path: str, params: dict) -> dict:
        key = params.pop("idempotency_key", None)
        try:
            response = client.request(method, path, params, key)
        except WireError as exc:
            raise ConnectorFault(
                f"An Apex error occurred: {self.catalog.namespace}.StripeException: Stripe API error "
                f"(APIConnectionError): Unexpected error communicating with Stripe: {exc}"
            ) from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status >= 400 or not isinstance(body, dict):
            # The same message the SDK's StripeError gives _fault_message: the error object's
            # message and code (or type), and the HTTP status.
            error = body.get("error") if isinstance(body, dict) else None
            error = error if isinstance(error, dict) else {}
            message = error.get("message") or f"Invalid response body from API: {response.body[:200]!r}"
            code = error.get("code") or error.get("type") or "APIError"
            raise ConnectorFault(
                f"An Apex error occurred: {self.catalog.namespace}.StripeException: Stripe API error "
                f"{response.status} ({code}): {message}"
            )
        return body


def _wire(value, type_name: str):
    if isinstance(value, Decimal):
        return int(value) if type_name in ("Integer", "Long") else float(value)
    if type_name in ("Integer", "Long") and isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    if type_name == "Boolean" and isinstance(value, str):
        return value.lower() == "true"
    return value


def _fault_message(exc, namespace: str) -> str:
    error = getattr(exc, "error", None)
    message = getattr(error, "message", None) or getattr(exc, "user_message", None) or str(exc)
    code = getattr(error, "code", None) or getattr(error, "type", None) or type(exc).__name__
    status = getattr(exc, "http_status", None)
    return f"An Apex error occurred: {namespace}.StripeException: Stripe API error {status or ''} ({code}): {message}".replace(
        "  ", " "
    )
