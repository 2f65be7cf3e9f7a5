"""Start the org server with TLS, in a thread (tests, benchmarks) or in the foreground (`sfpay org serve`)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from sfpay.serving import free_port


@dataclass
class RunningOrgServer:
    server: uvicorn.Server
    thread: threading.Thread
    port: int
    cert_path: Path

    @property
    def instance_url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def stop(self, timeout: float = 10.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)


def uvicorn_config(app, port: int, cert_path: Path, key_path: Path) -> uvicorn.Config:
    return uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="on",
        ssl_certfile=str(cert_path), ssl_keyfile=str(key_path), timeout_graceful_shutdown=2,
    )


def start_in_thread(app, port: int, cert_path: Path, key_path: Path, startup_timeout: float = 15.0) -> RunningOrgServer:
    """Like `sfpay.serving.start_in_thread`, with the TLS certificate the clients need."""
    port = port or free_port()
    server = uvicorn.Server(uvicorn_config(app, port, cert_path, key_path))
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
    thread = threading.Thread(target=server.run, name=f"orgsim:{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError(f"org server on port {port} exited during startup")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"org server on port {port} did not start within {startup_timeout}s")
        time.sleep(0.01)
    return RunningOrgServer(server, thread, port, cert_path)
