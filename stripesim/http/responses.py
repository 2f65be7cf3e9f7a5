"""JSON responses with Stripe's headers, and Stripe-style errors for protocol failures."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from stripesim import ids
from stripesim.errors import StripeError
from stripesim.storage import dumps


def new_request_id() -> str:
    return ids.new_id("request", 14)


def json_response(
    status: int, body: dict[str, Any] | str, request_id: str, headers: dict[str, str] | None = None
) -> Response:
    # Compact JSON: the C encoder (indent= would force the pure-Python one, 3x slower).
    text = body if isinstance(body, str) else dumps(body)
    all_headers = {
        "Request-Id": request_id,
        "Cache-Control": "no-cache, no-store",
        "Access-Control-Allow-Origin": "*",
        **(headers or {}),
    }
    return Response(text, status_code=status, media_type="application/json", headers=all_headers)


def error_response(error: StripeError, request_id: str, headers: dict[str, str] | None = None) -> Response:
    return json_response(error.status, error.body(), request_id, {**error.headers, **(headers or {})})


def unrecognized_url(method: str, path: str) -> StripeError:
    return StripeError(
        f"Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs or we can help at "
        "https://support.stripe.com/.",
        status=404,
    )
