"""Start the org server with TLS, in a thread (tests, benchmarks) or in the foreground (`sfpay org serve`)."""

from __future__ import annotations

from pathlib import Path

import uvicorn

from sfpay import serving


def tls_options(cert_path: Path, key_path: Path) -> dict:
    """What every org server adds to the project's uvicorn settings (`sfpay.serving.server_options`):
    TLS, as the clients build https:// URLs, and its lifespan events."""
    return {"ssl_certfile": str(cert_path), "ssl_keyfile": str(key_path), "lifespan": "on"}


def uvicorn_config(app, port: int, cert_path: Path, key_path: Path) -> uvicorn.Config:
    return uvicorn.Config(
        app, host="127.0.0.1", port=port, **serving.server_options(**tls_options(cert_path, key_path))
    )


def start_in_thread(
    app, port: int, cert_path: Path, key_path: Path, startup_timeout: float = 15.0
) -> serving.RunningServer:
    """`sfpay.serving.start_in_thread` with the org server's TLS settings; the instance URL is
    `https://127.0.0.1:<port>`."""
    return serving.start_in_thread(app, port=port, startup_timeout=startup_timeout, **tls_options(cert_path, key_path))
