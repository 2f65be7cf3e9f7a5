"""Fault injection: make the Nth request matching method + path fail.

A rule (`POST /_sim/faults`, JSON) has `method` (or `*`), `path` (a glob such as
`/v1/invoices/*/pay`), `nth` (1 = the next matching request), `count` (how many
consecutive matching requests fail, default 1) and `fault`:

- `500`: Stripe's `api_error`, the request is not executed;
- `429`: Stripe's `rate_limit` error, not executed;
- `error`: any Stripe error the test chooses, not executed: `status` (400-599, default 400),
  `type` (one of Stripe's error types, https://docs.stripe.com/api/errors: `api_error`,
  `card_error`, `idempotency_error`, `invalid_request_error`; default `invalid_request_error`),
  `message` (required), optional `code`, `param`, `decline_code`. With `nth`/`count` and a
  precise `path` (`/v1/invoices` is only invoice create; `/v1/invoices/*/finalize` every finalize)
  it fails exactly one chosen step of a sequence;
- `timeout`: the response is held for `seconds` (default 90, longer than the SDK's 80 s
  timeout); with `"after_processing": true` the request is executed first, so a client that
  gave up can retry with its idempotency key and get the replay.

Rules belong to the account whose key created them and are kept in memory.
"""

from __future__ import annotations

import fnmatch
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

from stripesim import ids
from stripesim.errors import StripeError

FAULTS = ("500", "429", "timeout", "error")
ERROR_TYPES = ("api_error", "card_error", "idempotency_error", "invalid_request_error")
ERROR_FIELDS = ("status", "type", "code", "message", "param", "decline_code")


@dataclass
class FaultRule:
    method: str
    path: str
    fault: str
    nth: int = 1
    count: int = 1
    seconds: float = 90.0
    after_processing: bool = False
    error: dict[str, Any] | None = None  # for fault == "error": status, type, message, code, param, decline_code
    id: str = field(default_factory=lambda: ids.new_id("fault"))
    seen: int = 0
    fired: int = 0

    def matches(self, method: str, path: str) -> bool:
        return self.method in ("*", method) and fnmatch.fnmatchcase(path, self.path)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class FaultBook:
    def __init__(self) -> None:
        self._rules: dict[str, list[FaultRule]] = {}
        self._lock = threading.Lock()

    def add(self, account: str, spec: dict[str, Any]) -> FaultRule:
        rule = parse_rule(spec)
        with self._lock:
            self._rules.setdefault(account, []).append(rule)
        return rule

    def rules(self, account: str) -> list[FaultRule]:
        with self._lock:
            return list(self._rules.get(account, []))

    def clear(self, account: str) -> None:
        with self._lock:
            self._rules.pop(account, None)

    def armed(self, account: str) -> bool:
        """Whether any rule is set for `account` (requests of an account without rules need
        not count against any, nor build the path they would be matched on)."""
        return bool(self._rules.get(account))

    def next_fault(self, account: str, method: str, path: str) -> FaultRule | None:
        """Count this request against every matching rule; return the first rule that fires."""
        fired = None
        with self._lock:
            for rule in self._rules.get(account, []):
                if not rule.matches(method, path):
                    continue
                rule.seen += 1
                if fired is None and rule.nth <= rule.seen < rule.nth + rule.count:
                    rule.fired += 1
                    fired = rule
        return fired


def parse_rule(spec: dict[str, Any]) -> FaultRule:
    if not isinstance(spec, dict):
        raise StripeError("A fault rule is a JSON object.", param="fault")
    unknown = set(spec) - {"method", "path", "fault", "nth", "count", "seconds", "after_processing", *ERROR_FIELDS}
    if unknown:
        raise StripeError(f"Unknown fault rule field: {sorted(unknown)[0]}", param=sorted(unknown)[0])
    fault = str(spec.get("fault", ""))
    if fault not in FAULTS:
        raise StripeError(f"Invalid fault: '{fault}'; must be one of 500, 429, timeout or error.", param="fault")
    path = spec.get("path")
    if not isinstance(path, str) or not path.startswith("/"):
        raise StripeError("A fault rule needs `path`, e.g. /v1/invoices or /v1/invoices/*/pay.", param="path")
    method = str(spec.get("method", "*")).upper()
    if method not in ("*", "GET", "POST", "DELETE"):
        raise StripeError(f"Invalid method: '{method}'; must be GET, POST, DELETE or *.", param="method")
    numbers: dict[str, int] = {}
    for name, default in (("nth", 1), ("count", 1)):
        value = spec.get(name, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise StripeError(f"Invalid {name}: must be a positive integer.", param=name)
        numbers[name] = value
    seconds = spec.get("seconds", 90.0)
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or seconds < 0:
        raise StripeError("Invalid seconds: must be a non-negative number.", param="seconds")
    after = spec.get("after_processing", False)
    if not isinstance(after, bool):
        raise StripeError("Invalid after_processing: must be true or false.", param="after_processing")
    error = _error_spec(spec) if fault == "error" else None
    if fault != "error":
        stray = [name for name in ERROR_FIELDS if name in spec]
        if stray:
            raise StripeError(f"`{stray[0]}` only goes with fault=error.", param=stray[0])
    elif after:
        raise StripeError(
            "fault=error is answered before processing; after_processing does not apply.", param="after_processing"
        )
    return FaultRule(
        method=method,
        path=path,
        fault=fault,
        seconds=float(seconds),
        after_processing=after,
        error=error,
        nth=numbers["nth"],
        count=numbers["count"],
    )


def _error_spec(spec: dict[str, Any]) -> dict[str, Any]:
    message = spec.get("message")
    if not isinstance(message, str) or not message:
        raise StripeError("fault=error needs `message`, the error message to answer with.", param="message")
    status = spec.get("status", 400)
    if not isinstance(status, int) or isinstance(status, bool) or not 400 <= status <= 599:
        raise StripeError("Invalid status: must be an HTTP error status, 400-599.", param="status")
    type_ = spec.get("type", "invalid_request_error")
    if type_ not in ERROR_TYPES:
        raise StripeError(f"Invalid type: '{type_}'; must be one of {', '.join(ERROR_TYPES)}.", param="type")
    error = {"status": status, "type": type_, "message": message}
    for name in ("code", "param", "decline_code"):
        value = spec.get(name)
        if value is not None and not isinstance(value, str):
            raise StripeError(f"Invalid {name}: must be a string.", param=name)
        error[name] = value
    return error


def fault_error(rule: FaultRule) -> StripeError:
    if rule.fault == "error" and rule.error is not None:
        e = rule.error
        return StripeError(
            e["message"],
            status=e["status"],
            type=e["type"],
            code=e["code"],
            param=e["param"],
            decline_code=e["decline_code"],
        )
    if rule.fault == "429":
        return rate_limit_error()
    return StripeError(
        "An unknown error occurred (injected by a stripesim fault rule).",
        status=500,
        type="api_error",
    )


def rate_limit_error() -> StripeError:
    return StripeError(
        "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.",
        status=429,
        code="rate_limit",
    )
