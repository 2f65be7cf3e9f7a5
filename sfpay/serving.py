"""Run an ASGI app with uvicorn in a background thread on a free loopback port.

Shared by the emulators' test fixtures, `sfpay local up` and the benchmarks, so every
server in the project starts and stops the same way.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

import uvicorn

# How long a stopping server lets requests still running finish before it cancels them.
# Idle keep-alive connections are closed at once; every test stack and `sfpay local down`
# stops through this, so it bounds their stop time (issue 17: well under a second).
GRACEFUL_SHUTDOWN_SECONDS = 0.5

# How long a server keeps an idle keep-alive connection open. uvicorn's default is 5 s
# (https://www.uvicorn.org/settings/#timeouts), exactly when httpx drops a pooled connection
# (`keepalive_expiry`, https://www.python-httpx.org/advanced/resource-limits/): a request sent
# after about 5 s of quiet raced the server's close and failed with "Connection reset by peer".
# The server must outlast its clients' idle expiry, so the client always lets go first; 75 s is
# nginx's `keepalive_timeout` default (https://nginx.org/en/docs/http/ngx_http_core_module.html).
KEEP_ALIVE_SECONDS = 75

# uvicorn's HTTP/1.1 implementations (https://www.uvicorn.org/settings/#implementation). Always
# named explicitly: uvicorn's own default, "auto", switches to httptools as soon as that package
# happens to be installed, and the two answer malformed requests differently.
HTTP_IMPLEMENTATIONS = ("h11", "httptools")
DEFAULT_HTTP_IMPLEMENTATION = "h11"
HTTP_IMPLEMENTATION_ENV = "SFPAY_SERVER_HTTP"


def http_implementation(choice: str | None = None) -> str:
    """The HTTP implementation a server runs: `choice`, else $SFPAY_SERVER_HTTP, else the default.
    ValueError (naming the choices) for an unknown name or httptools when it is not installed."""
    name = choice or os.environ.get(HTTP_IMPLEMENTATION_ENV) or DEFAULT_HTTP_IMPLEMENTATION
    if name not in HTTP_IMPLEMENTATIONS:
        raise ValueError(f"unknown HTTP implementation {name!r}: expected one of {', '.join(HTTP_IMPLEMENTATIONS)}")
    if name == "httptools" and importlib.util.find_spec("httptools") is None:
        raise ValueError("HTTP implementation 'httptools' needs the httptools package, which is not installed")
    return name


class _OneWritePerStep:
    """An asyncio transport whose writes within one event-loop step go out as one `write`.

    uvicorn's h11 protocol writes a response's head and its body with separate
    `transport.write` calls (uvicorn/protocols/http/h11_impl.py, `RequestResponseCycle.send`),
    and asyncio sends each at once: two system calls and two TCP segments per response, and a
    client reading the head first wakes up twice (issue 17 profile: the writes were the largest
    single item of stripesim's CPU per request). The bytes, their order and the framing are
    unchanged (h11 still frames them); only the joining differs. Buffered bytes go out at the
    end of the step (`call_soon`), before close or write_eof, and are dropped by abort, as
    asyncio's own buffer is."""

    def __init__(self, transport: Any, loop: Any) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] | None = None

    def write(self, data: bytes) -> None:
        if not data:
            return
        if self._pending is None:
            self._pending = [bytes(data)]
            self._loop.call_soon(self._flush)
        else:
            self._pending.append(bytes(data))

    def _flush(self) -> None:
        pending, self._pending = self._pending, None
        if pending and not self._transport.is_closing():
            self._transport.write(b"".join(pending))

    def writelines(self, chunks: Any) -> None:
        for chunk in chunks:
            self.write(chunk)

    def write_eof(self) -> None:
        self._flush()
        self._transport.write_eof()

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def abort(self) -> None:
        self._pending = None
        self._transport.abort()

    def get_write_buffer_size(self) -> int:
        pending = sum(len(chunk) for chunk in self._pending or ())
        return pending + int(self._transport.get_write_buffer_size())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


def _h11_protocol() -> type:
    """uvicorn's h11 protocol over `_OneWritePerStep`: the same parser and the same answers
    (malformed requests included), fewer system calls per response."""
    import asyncio

    from uvicorn.protocols.http.h11_impl import H11Protocol

    class H11OneWritePerStep(H11Protocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            # Duck-typed: every Transport attribute it does not define is the wrapped one's.
            wrapped = cast(asyncio.Transport, _OneWritePerStep(transport, asyncio.get_running_loop()))
            super().connection_made(wrapped)

    return H11OneWritePerStep


def server_options(**overrides: Any) -> dict[str, Any]:
    """The `uvicorn.Config` settings every server in the project runs with (tests, benchmarks,
    `sfpay local up`, `sfpay org serve`, `stripesim serve`); `overrides` win."""
    options: dict[str, Any] = {
        "log_level": "warning",
        "access_log": False,
        # Annotated int in uvicorn, used as asyncio.wait_for's timeout: fractions of a second work.
        "timeout_graceful_shutdown": GRACEFUL_SHUTDOWN_SECONDS,
        "timeout_keep_alive": KEEP_ALIVE_SECONDS,
        "http": http_implementation(),
    }
    if options["http"] == "h11":
        options["http"] = _h11_protocol()
    options.update(overrides)
    return options


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


@dataclass
class RunningServer:
    server: uvicorn.Server
    thread: threading.Thread
    host: str
    port: int

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stop(self, timeout: float = 10.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)


def start_in_thread(
    app, host: str = "127.0.0.1", port: int = 0, startup_timeout: float = 10.0, **config_options
) -> RunningServer:
    """Start `app` and return once it accepts connections. `config_options` go to
    `uvicorn.Config` (e.g. `ssl_certfile`/`ssl_keyfile` for the TLS org server)."""
    port = port or free_port(host)
    config = uvicorn.Config(app, host=host, port=port, **server_options(**{"lifespan": "auto", **config_options}))
    server = uvicorn.Server(config)
    # Signal handlers can only be installed from the main thread.
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign,attr-defined]
    thread = threading.Thread(target=server.run, name=f"uvicorn:{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError(f"server on {host}:{port} exited during startup")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"server on {host}:{port} did not start within {startup_timeout}s")
        time.sleep(0.01)
    return RunningServer(server=server, thread=thread, host=host, port=port)


@contextlib.contextmanager
def serving(app, host: str = "127.0.0.1", port: int = 0) -> Iterator[RunningServer]:
    running = start_in_thread(app, host, port)
    try:
        yield running
    finally:
        running.stop()
