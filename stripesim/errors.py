"""Stripe error objects as the behaviour layer raises them.

The HTTP layer turns a `StripeError` into Stripe's JSON shape
`{"error": {"type", "code", "message", "param", "doc_url", ...}}` with its status code.
`ParamError` marks errors found while validating parameters: Stripe's idempotency layer
does not save those (no endpoint began executing), so a retry with the same key may succeed.
"""

from __future__ import annotations

from typing import Any

DOC_BASE = "https://stripe.com/docs/error-codes/"


class StripeError(Exception):
    saved_for_idempotency = True

    def __init__(
        self,
        message: str,
        *,
        status: int = 400,
        type: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        decline_code: str | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.type = type
        self.code = code
        self.param = param
        self.decline_code = decline_code
        self.extra = extra or {}
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {}
        if self.code:
            error["code"] = self.code
        if self.decline_code:
            error["decline_code"] = self.decline_code
        if self.code:
            error["doc_url"] = DOC_BASE + self.code.replace("_", "-")
        error["message"] = self.message
        if self.param:
            error["param"] = self.param
        error.update(self.extra)
        error["type"] = self.type
        return {"error": error}


class ParamError(StripeError):
    """A parameter failed validation before the endpoint ran (not saved for idempotency)."""

    saved_for_idempotency = False


def unknown_parameter(name: str) -> ParamError:
    return ParamError(f"Received unknown parameter: {name}", code="parameter_unknown", param=name)


def missing_parameter(name: str) -> ParamError:
    return ParamError(f"Missing required param: {name}.", code="parameter_missing", param=name)


def invalid_parameter(name: str, message: str, code: str = "parameter_invalid_string") -> ParamError:
    return ParamError(message, code=code, param=name)


def no_such(object_label: str, object_id: str, *, param: str = "id", status: int = 404) -> StripeError:
    # Stripe answers 404 for an id in the URL and 400 for an id passed as a parameter.
    return StripeError(
        f"No such {object_label}: '{object_id}'", status=status, code="resource_missing", param=param
    )


def state_error(message: str, *, code: str | None = None, param: str | None = None) -> StripeError:
    return StripeError(message, code=code, param=param)
