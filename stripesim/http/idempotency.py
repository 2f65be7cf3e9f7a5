"""Idempotency as Stripe's: keyed by account and `Idempotency-Key`, for POST requests.

- Same key, same endpoint and parameters: the first response (status and body, errors
  included) is replayed with `Idempotent-Replayed: true` and `Original-Request`.
- Same key, different endpoint or parameters: 400 `idempotency_error`.
- Only responses of endpoints that started executing are saved: a parameter validation
  error (`ParamError`), an authentication failure, a rate limit or an injected fault is not,
  so retrying such a request with the same key runs it.
- Keys expire after `idempotency_ttl_seconds` (24 h) of emulated time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from stripesim.context import Operation
from stripesim.errors import StripeError

KIND = "idempotency"
MAX_KEY_LENGTH = 255


@dataclass
class SavedResponse:
    status: int
    body: str
    request_id: str


def _fingerprint(method: str, path: str, params: dict[str, Any]) -> str:
    # Keys sorted: the same parameters in another order are the same request (lists keep their order,
    # which is meaningful: `expand[]`, `enabled_events[]`).
    return f"{method} {path} {json.dumps(params, sort_keys=True, separators=(',', ':'))}"


def check_key(key: str) -> None:
    if len(key) > MAX_KEY_LENGTH:
        raise StripeError(
            f"Idempotency keys may be at most {MAX_KEY_LENGTH} characters long.", type="idempotency_error"
        )


def lookup(op: Operation, key: str, method: str, path: str, params: dict[str, Any]) -> SavedResponse | None:
    record = op.tx.get(KIND, key)
    if record is None:
        return None
    if record["created"] + op.sim.config.idempotency_ttl_seconds <= op.sim.clock.now():
        op.tx.delete(KIND, key)
        return None
    if record["endpoint"] != f"{method} {path}":
        raise StripeError(
            f"Keys for idempotent requests can only be used for the same endpoint they were first used for "
            f"('{record['endpoint']}' vs '{method} {path}'). Try using a key other than '{key}' if you meant to "
            "execute a different request.",
            type="idempotency_error",
        )
    if record["fingerprint"] != _fingerprint(method, path, params):
        raise StripeError(
            "Keys for idempotent requests can only be used with the same parameters they were first used with. "
            f"Try using a key other than '{key}' if you meant to execute a different request.",
            type="idempotency_error",
        )
    return SavedResponse(record["status"], record["body"], record["request_id"])


def save(
    op: Operation, key: str, method: str, path: str, params: dict[str, Any], status: int, body: str, request_id: str
) -> None:
    op.tx.put(
        KIND,
        key,
        {
            "id": key,
            "endpoint": f"{method} {path}",
            "fingerprint": _fingerprint(method, path, params),
            "status": status,
            "body": body,
            "request_id": request_id,
            "created": op.sim.clock.now(),
        },
    )


def purge_expired(op: Operation) -> int:
    """Delete saved responses whose key has expired (lookups ignore them anyway)."""
    cutoff = op.sim.clock.now() - op.sim.config.idempotency_ttl_seconds
    expired = [record["id"] for record in op.tx.due(KIND, None, cutoff)]
    for key in expired:
        op.tx.delete(KIND, key)
    return len(expired)
