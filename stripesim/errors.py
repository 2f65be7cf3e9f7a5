"""Stripe error objects as the behaviour layer raises them.

The HTTP layer turns a `StripeError` into Stripe's JSON shape
`{"error": {"type", "code", "message", "param", "doc_url", ...}}` with its status code.
`ParamError` marks errors found while validating parameters: Stripe's idempotency layer
does not save those (no endpoint began executing), so a retry with the same key may succeed.
"""

from __future__ import annotations

from typing import Any

DOC_BASE = "https://stripe.com/docs/error-codes/"
# Codes only the emulator uses: Stripe has no page for them, so no `doc_url`.
EMULATOR_CODES = ("parameter_not_emulated", "behavior_not_emulated", "request_too_large")


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
        if self.code and self.code not in EMULATOR_CODES:
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


def parameter_not_emulated(name: str, operation: str) -> ParamError:
    """A parameter the stripe SDK defines for `operation` but stripesim does not emulate (never ignored)."""
    return ParamError(
        f"stripesim does not emulate the parameter {name} of {operation}; Stripe accepts it, but "
        f"the emulator refuses it rather than ignore it (see docs/stripesim.md, coverage).",
        code="parameter_not_emulated",
        param=name,
    )


def behavior_not_emulated(message: str, param: str | None = None) -> ParamError:
    """A request whose outcome at Stripe no source documents: refused, never guessed."""
    return ParamError(f"stripesim does not emulate this: {message}", code="behavior_not_emulated", param=param)


def no_such(object_label: str, object_id: str, *, param: str = "id", status: int = 404) -> StripeError:
    # Stripe answers 404 for an id in the URL and 400 for an id passed as a parameter.
    return StripeError(f"No such {object_label}: '{object_id}'", status=status, code="resource_missing", param=param)


def state_error(message: str, *, code: str | None = None, param: str | None = None) -> StripeError:
    return StripeError(message, code=code, param=param)
