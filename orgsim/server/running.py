"""Start the org server with TLS, in a thread (tests, benchmarks) or in the foreground (`sfpay org serve`)."""

from __future__ import annotations

from pathlib import Path

import uvicorn

from sfpay import serving


def tls_options(cert_path: Path, key_path: Path) -> dict:
    """uvicorn settings every org server uses: TLS (the clients build https:// URLs) and a short
    graceful shutdown, so a request still running cannot hold a stop for long (issue 17: servers
    stop in well under a second; idle keep-alive connections are closed at once anyway)."""
    return {
        "ssl_certfile": str(cert_path),
        "ssl_keyfile": str(key_path),
        "timeout_graceful_shutdown": serving.GRACEFUL_SHUTDOWN_SECONDS,
        "lifespan": "on",
        "http": serving.http_implementation(),
    }


def uvicorn_config(app, port: int, cert_path: Path, key_path: Path) -> uvicorn.Config:
    return uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", access_log=False, **tls_options(cert_path, key_path)
    )


def start_in_thread(
    app, port: int, cert_path: Path, key_path: Path, startup_timeout: float = 15.0
) -> serving.RunningServer:
    """`sfpay.serving.start_in_thread` with the org server's TLS settings; the instance URL is
    `https://127.0.0.1:<port>`."""
    return serving.start_in_thread(app, port=port, startup_timeout=startup_timeout, **tls_options(cert_path, key_path))
