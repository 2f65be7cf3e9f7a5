"""Request bodies read with a cap, before anything is decoded.

Stripe documents no request size limit (its own limits are per parameter, e.g. metadata's 50
keys of 40 characters with values of 500: https://docs.stripe.com/metadata). The emulator
still refuses to hold an unbounded body in memory: its own cap, `MAX_BODY_BYTES`, is far above
any request the stripe SDK builds for the API surface it emulates. A body over the cap is a
413 in Stripe's error shape (`invalid_request_error`, the emulator's code `request_too_large`),
checked on the declared Content-Length first and then while reading, so it is never read
whole.
"""

from __future__ import annotations

from starlette.requests import Request

from stripesim.errors import StripeError

MAX_BODY_BYTES = 1024 * 1024


def _too_large() -> StripeError:
    return StripeError(
        f"Request body larger than the emulator's {MAX_BODY_BYTES // 1024} KiB limit.",
        status=413,
        code="request_too_large",
    )


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise _too_large()
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large()
        chunks.append(chunk)
    return b"".join(chunks)
